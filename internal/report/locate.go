package report

import (
	"github.com/groundwork-aws/groundwork/internal/audit"
)

// SpecLocation is where foundation.yaml declares something: the field
// path, and the position of its key (1-based).
type SpecLocation struct {
	// Path is the field path: "accounts.log-archive", "units.Workloads".
	Path         string
	Line, Column int
}

// Locator says where the spec declares what a finding of check c is
// about; ok is false when the spec declares nothing the finding concerns.
// It must be pure: writers call it once per finding.
type Locator func(f audit.Finding, c audit.Check) (loc SpecLocation, ok bool)
