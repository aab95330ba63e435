package logging

import (
	"fmt"

	"github.com/groundwork-aws/groundwork/internal/audit"
	"github.com/groundwork-aws/groundwork/internal/estate"
)

func init() {
	audit.Register(audit.Check{
		ID:       "GW-LOG-015",
		Title:    "No KMS key groundwork made is left without its alias",
		Severity: audit.Low,
		Guidance: "000 Create AWS KMS encryption key for CloudTrail in Security-Tooling-prod account; 000 Create AWS " +
			"KMS encryption key for AWS Config in Security-Tooling-prod account",
		Controls: []string{"NIST CSF ID.AM-2"},
		Rationale: "A key that a lost response or an interrupted apply left without its alias encrypts nothing, yet " +
			"costs a monthly fee, carries a key policy nobody reviews, and hides among the keys that matter.",
		Remediation: "run groundwork apply, which names such a key when its alias is missing; a key whose alias names " +
			"another key is not used: check it and run aws kms schedule-key-deletion --key-id <key> in its account",
		Reads: []string{readKeys},
		Run:   checkUnnamedKeys,
	})
}

// checkUnnamedKeys reports the keys groundwork made that no alias names.
func checkUnnamedKeys(e *estate.Estate) []audit.Finding {
	if e.Logging == nil {
		return nil
	}
	var out []audit.Finding
	for _, k := range e.Logging.UnnamedKeys {
		if k.State == "PendingDeletion" || audit.Leaving(e, k.Where) {
			continue
		}
		out = append(out, audit.Finding{
			Resource: audit.PlacedResource(e, "key", k.ID, k.Where),
			Account:  audit.WhereID(e, k.Account),
			Region:   k.Region,
			Message: fmt.Sprintf("key %s was made by groundwork for %s but no alias names it (a lost response or an "+
				"interrupted apply)", k.ID, k.Alias),
		})
	}
	return out
}
