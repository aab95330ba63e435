package posture

import (
	"github.com/groundwork-aws/groundwork/internal/audit"
	"github.com/groundwork-aws/groundwork/internal/estate"
)

// The KMS check of the posture layer: customer-managed keys rotate (CIS
// AWS Foundations v3.0.0 3.6). Only enabled symmetric keys are read; a
// key whose rotation status could not be read is not judged.

func init() {
	audit.Register(audit.Check{
		ID:       "GW-KMS-001",
		Title:    "Customer-managed KMS keys rotate",
		Severity: audit.Medium,
		Guidance: "000 Create AWS KMS encryption key for CloudTrail in Security-Tooling-prod account; " +
			"000 Create AWS KMS encryption key for AWS Config in Security-Tooling-prod account",
		Controls: []string{"CIS AWS Foundations Benchmark v3.0.0 3.6"},
		Rationale: "key material that never changes protects ever more data with one secret; yearly rotation bounds " +
			"what a compromised version can decrypt",
		Remediation: "run aws kms enable-key-rotation --key-id KEY in the key's account and Region (the keys groundwork " +
			"creates for logging rotate already)",
		Reads: []string{readKMS},
		Run:   checkCustomerKeyRotation,
	})
}

func checkCustomerKeyRotation(e *estate.Estate) []audit.Finding {
	if e.Posture == nil {
		return nil
	}
	var out []audit.Finding
	for _, k := range e.Posture.SortedKeys() {
		if audit.Leaving(e, k.Where) || k.Rotation == nil || *k.Rotation {
			continue
		}
		out = append(out, audit.Finding{
			Resource: audit.PlacedResource(e, "kms-key", k.ID, k.Where),
			Message:  "customer-managed KMS key " + k.ID + " does not rotate its key material",
			Account:  audit.AccountID(e, k.Account), Region: k.Region,
		})
	}
	return out
}
