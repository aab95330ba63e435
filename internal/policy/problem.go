package policy

import (
	"fmt"
	"strings"
)

// Kind says which rules a document is checked against.
type Kind int

const (
	// SCP is an AWS Organizations service control policy.
	SCP Kind = iota + 1
	// TagPolicy is an AWS Organizations tag policy.
	TagPolicy
	// Identity is a generic IAM policy: the IAM grammar without the rules
	// that only SCPs have. Principal is allowed (resource-based policies
	// use it) and no size limit is checked, because IAM's limits depend on
	// where the policy is attached (6,144 characters for a managed policy,
	// 10,240 for all inline policies of a role, 20 KB for a bucket policy).
	Identity
)

func (k Kind) String() string {
	switch k {
	case SCP:
		return "SCP"
	case TagPolicy:
		return "tag policy"
	case Identity:
		return "IAM policy"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// MaxSize is the most characters AWS stores for a document of this kind,
// counted on the minified document (see Size); 0 means no single limit.
func (k Kind) MaxSize() int {
	switch k {
	case SCP:
		return MaxSCPSize
	case TagPolicy:
		return MaxTagPolicySize
	}
	return 0
}

// Problem is one thing wrong with a policy document.
type Problem struct {
	File string
	// Statement is the 0-based index of the statement, -1 for the document
	// as a whole.
	Statement int
	Sid       string
	// Field is the element at fault: "Action", "Condition", "Version",
	// "tags.CostCenter.tag_value"; empty for the statement or document.
	Field   string
	Message string
}

// Error formats the problem as
//
//	policies/deny-x.json: statement 2 (Sid "DenyX"): Action: message
//
// leaving out the parts that are empty. A message that already starts with
// its statement (the lockout guard's do, so that they read as sentences) is
// not prefixed with it again.
func (p Problem) Error() string {
	var parts []string
	if p.File != "" {
		parts = append(parts, p.File)
	}
	label := p.statementLabel()
	if label == "" || !strings.HasPrefix(p.Message, label) {
		if label != "" {
			parts = append(parts, label)
		}
		if p.Field != "" {
			parts = append(parts, p.Field)
		}
	}
	return strings.Join(append(parts, p.Message), ": ")
}

func (p Problem) statementLabel() string {
	return statementLabel(p.Statement, p.Sid)
}

func statementLabel(i int, sid string) string {
	if i < 0 {
		return ""
	}
	if sid == "" {
		return fmt.Sprintf("statement %d", i)
	}
	return fmt.Sprintf("statement %d (Sid %q)", i, sid)
}

// collector gathers problems for one file.
type collector struct {
	file     string
	problems []Problem
}

func (c *collector) add(stmt int, sid, field, format string, args ...any) {
	c.problems = append(c.problems, Problem{File: c.file, Statement: stmt, Sid: sid, Field: field,
		Message: fmt.Sprintf(format, args...)})
}
