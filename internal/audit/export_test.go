package audit

// Internals the external tests (package audit_test) reach.
var (
	SplitControl = splitControl
	Summarise    = summarise
	CheckDrift   = checkDrift
	RunChecks    = runChecks
	CoverageOf   = cisCoverage
)
