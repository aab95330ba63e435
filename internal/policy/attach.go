package policy

import (
	"fmt"
	"strings"
)

// Target is a root, OU or account with the SCPs attached directly to it.
type Target struct {
	// Name is how the spec names the target: "Root", an OU path
	// ("Workloads/Prod") or an account key.
	Name string
	// Policies are the names of the SCPs attached directly, FullAWSAccess
	// included when it stays attached.
	Policies []string
}

// CheckAttachmentLimit checks the number of SCPs attached directly to one
// target, n, which must count AWS's FullAWSAccess if it stays attached.
// AWS requires at least one SCP on every root, OU and account and allows at
// most MaxSCPsPerTarget; SCPs inherited from parents do not count. It
// returns nil when n is within the limits.
func CheckAttachmentLimit(targetName string, n int) *Problem {
	switch {
	case n > MaxSCPsPerTarget:
		return &Problem{Statement: -1, Message: fmt.Sprintf(
			"%s would have %d SCPs attached directly, FullAWSAccess included; AWS allows at most %d per root, OU or account: combine policies (a library SCP can hold several library policies) or attach some to a parent OU",
			targetName, n, MaxSCPsPerTarget)}
	case n < 1:
		return &Problem{Statement: -1, Message: fmt.Sprintf(
			"%s would have no SCP attached; AWS requires at least one on every root, OU and account (keep FullAWSAccess)",
			targetName)}
	}
	return nil
}

// CheckTargets applies CheckAttachmentLimit to each target, counting its
// Policies as given, and returns every problem; a target over the limit is
// named with its policies, so that the reader sees which to combine.
func CheckTargets(targets []Target) []Problem {
	var out []Problem
	for _, t := range targets {
		name := t.Name
		if len(t.Policies) > MaxSCPsPerTarget {
			name += " (" + strings.Join(t.Policies, ", ") + ")"
		}
		if p := CheckAttachmentLimit(name, len(t.Policies)); p != nil {
			out = append(out, *p)
		}
	}
	return out
}
