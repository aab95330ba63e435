// Package plan holds a plan as plain data: the changes that would make the
// actual estate match the desired one, each with its address, action,
// before and after attributes, reason and dependencies. Computing a plan
// (package kinds) has no side effects; a plan can be saved as JSON, read
// back and applied later (package apply). This package also renders plans
// for people.
package plan
