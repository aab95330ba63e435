package orglayer

import (
	"slices"
	"strings"

	"github.com/groundwork-aws/groundwork/internal/policy"
)

// Reading SCP statements, just enough for the guardrail checks to tell
// whether a Deny covers an action. This is a content test, not policy
// evaluation: Allow statements, NotAction and NotResource are not
// credited, and conditions count only as the guardrails ask. Documents are
// parsed by internal/policy, the same parser the spec's SCPs go through.

// denies reports whether the statement is a Deny whose Action covers the
// action. IAM compares action names without regard to case.
func denies(s policy.Statement, action string) bool {
	return strings.EqualFold(s.Effect, "Deny") && slices.ContainsFunc(s.Action, func(pattern string) bool {
		return policy.MatchWildcard(pattern, action, true)
	})
}

// covers reports whether the statement's Resource covers the ARN.
func covers(s policy.Statement, arn string) bool {
	return slices.ContainsFunc(s.Resource, func(pattern string) bool {
		return policy.MatchWildcard(pattern, arn, false)
	})
}

// negated reports whether a condition operator says where a statement
// does not apply ("StringNotLike", "ArnNotEquals").
func negated(op string) bool { return strings.Contains(op, "Not") }

// forEveryone reports whether the statement applies to every principal
// and request but those its negated conditions exempt, as a guardrail's
// Deny does when it spares an administration role. A statement with any
// other condition applies only where that condition holds.
func forEveryone(s policy.Statement) bool {
	for op := range s.Condition {
		if !negated(op) {
			return false
		}
	}
	return true
}

// conditionValues returns the values the statement's conditions give the
// key under operators that test for a match; the values of negated
// operators say where the statement does not apply, so they are left out.
// Condition keys ignore case, as in IAM.
func conditionValues(s policy.Statement, key string) []string {
	var out []string
	for op, keys := range s.Condition {
		if negated(op) {
			continue
		}
		for k, vs := range keys {
			if strings.EqualFold(k, key) {
				out = append(out, vs...)
			}
		}
	}
	return out
}
