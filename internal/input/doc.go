// Package input bounds what groundwork reads before any parser sees it.
//
// Every file groundwork is given (the spec, the suppressions file, the
// policy files the spec names, saved plans) passes through here first:
// its size is capped while it is read, it must be UTF-8 without NUL bytes,
// and its nesting depth is counted by a cheap scanner. The YAML parser
// groundwork uses builds a path string for every nesting level, so its
// memory grows with the square of the depth (20,000 levels took 683 MB,
// 100,000 took more than 15 GB); a depth bound checked here keeps every
// input to a few megabytes of parser memory. A UTF-8 byte-order mark is
// accepted and dropped; positions are counted as if it were not there.
//
// Problems are *Error values that say file:line:column and which limit was
// passed, so that the caller can report them like any other problem with
// the file.
package input
