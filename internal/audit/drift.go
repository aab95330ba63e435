package audit

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/groundwork-aws/groundwork/internal/estate"
)

// The drift check: every change a plan against foundation.yaml would make
// to the live organization is a finding. The estate carries the changes in
// Drift only when the audit is given a spec; without one there is nothing
// to drift from and the check is silent.

func init() {
	Register(Check{
		ID:       "GW-DRF-001",
		Title:    "Live organization matches foundation.yaml",
		Severity: Medium,
		Guidance: "004 Leverage Automation; 003 General Best Practices",
		Controls: []string{"NIST CSF PR.IP-1", "NIST CSF PR.IP-3", "NIST CSF DE.CM-7"},
		Rationale: "A foundation that has drifted from its spec is not the one that was reviewed: a setting changed by " +
			"hand, such as a trail stopped or a guardrail detached, stays changed until someone notices, and the next apply " +
			"would silently undo or redo it.",
		Remediation: "run groundwork plan to review the differences and groundwork apply to converge the organization on " +
			"foundation.yaml, or change foundation.yaml to accept the live state",
		Reads: []string{ReadPlan},
		Run:   checkDrift,
	})
}

// ReadPlan is what the drift check reads: the plan against the spec,
// made from every layer the spec manages. The audit records a layer the
// plan could not compare, as it was not read, under ReadPlan too.
const ReadPlan = "plan"

// checkDrift reports each drift entry as one finding, in the estate's
// order (Run sorts findings).
func checkDrift(e *estate.Estate) []Finding {
	var out []Finding
	for _, d := range e.Drift {
		out = append(out, Finding{
			Resource: d.Address,
			Message:  driftMessage(d),
			Account:  d.Account,
			Region:   d.Region,
		})
	}
	return out
}

// fieldChange is one "field: before -> after" in a plan's summary.
var fieldChange = regexp.MustCompile(`([A-Za-z0-9_.\[\]-]+): ([^;,]*? -> )`)

// driftMessage says what apply would do: "would update: is_logging false
// -> true". A plan's summary writes each change "field: before -> after";
// the colon after the field is dropped so that the action's colon is the
// only one.
func driftMessage(d estate.Drift) string {
	action := strings.ToLower(strings.TrimSpace(d.Action))
	if action == "" {
		action = "change"
	}
	summary := fieldChange.ReplaceAllString(strings.TrimSpace(d.Summary), "$1 $2")
	if summary == "" {
		summary = strings.TrimSpace(d.Kind + " " + d.Address)
	}
	return fmt.Sprintf("would %s: %s", action, summary)
}
