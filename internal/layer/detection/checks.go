package detection

import (
	"slices"
	"strings"

	"github.com/groundwork-aws/groundwork/internal/audit"
	"github.com/groundwork-aws/groundwork/internal/estate"
)

// The checks of the detection layer, on what it read in every account and
// Region: a place it could not read is not judged (the audit reports the
// check not evaluated there). Each finding is one account, with the
// Regions where the service is missing.

const cis = "CIS AWS Foundations Benchmark v3.0.0 "

// The analyzer types that look for access from outside the zone of trust,
// which is what CIS 1.20 asks for; the unused- and internal-access types
// look for something else.
const (
	analyzerAccount      = "ACCOUNT"
	analyzerOrganization = "ORGANIZATION"
)

func init() {
	audit.Register(audit.Check{
		ID:       "GW-DET-001",
		Title:    "Security Hub enabled in every account and Region",
		Severity: audit.Medium,
		Guidance: "004 Compliance Alignment",
		Controls: []string{cis + "4.16", "NIST CSF DE.CM-8"},
		Rationale: "Without Security Hub in an account and Region, the findings of GuardDuty, Inspector, Macie and the " +
			"security standards there are not gathered, prioritised or sent on, and nobody sees them in one place.",
		Remediation: "manual: enable Security Hub from its delegated administrator (security-tooling) with automatic " +
			"enablement for the organization's accounts in every operational Region (aws securityhub " +
			"update-organization-configuration --auto-enable), or run aws securityhub enable-security-hub in the " +
			"account and Region",
		Reads: []string{readSecurityHub},
		Run:   checkSecurityHub,
	})
	audit.Register(audit.Check{
		ID:       "GW-DET-002",
		Title:    "IAM Access Analyzer active in every account and Region",
		Severity: audit.Medium,
		Guidance: "003 AWS Identity and Access Management (IAM); 004 Compliance Alignment",
		Controls: []string{cis + "1.20", "NIST CSF DE.CM-7"},
		Rationale: "Without an access analyzer covering an account and Region, a bucket, key, role or queue whose " +
			"policy grants access outside the organization goes unnoticed until it is used.",
		Remediation: "manual: create an organization analyzer in each operational Region from IAM Access Analyzer's " +
			"delegated administrator (aws accessanalyzer create-analyzer --type ORGANIZATION --analyzer-name " +
			"<name>), or an account analyzer in the account and Region",
		Reads: []string{readAnalyzers},
		Run:   checkAnalyzers,
	})
}

// byAccount turns the places where something is missing into one finding
// per account, naming the Regions in a message made by msg.
func byAccount(e *estate.Estate, missing []estate.Where, msg func(regions string) string) []audit.Finding {
	slices.SortFunc(missing, func(a, b estate.Where) int {
		if c := strings.Compare(string(a.Account), string(b.Account)); c != 0 {
			return c
		}
		return strings.Compare(a.Region, b.Region)
	})
	accounts, regions := audit.RegionsByAccount(e, missing)
	var out []audit.Finding
	for _, acct := range accounts {
		f := audit.Finding{
			Resource: audit.WhereAccountResource(e, acct),
			Account:  audit.WhereID(e, acct),
			Message:  msg(strings.Join(regions[acct], ", ")),
		}
		if len(regions[acct]) == 1 {
			f.Region = regions[acct][0]
		}
		out = append(out, f)
	}
	return out
}

func checkSecurityHub(e *estate.Estate) []audit.Finding {
	if e.Detection == nil {
		return nil
	}
	var off []estate.Where
	for _, w := range places(e.Detection) {
		if hub, read := e.Detection.SecurityHub[w.String()]; read && hub == nil {
			off = append(off, w)
		}
	}
	return byAccount(e, off, func(regions string) string {
		return "Security Hub is not enabled in " + regions + ": the findings of the security services there are not " +
			"gathered or checked against the standards"
	})
}

// externalActive reports whether a is an active analyzer of external
// access.
func externalActive(a *estate.Analyzer) bool {
	return a.Status == estate.AnalyzerActive && (a.Type == analyzerAccount || a.Type == analyzerOrganization)
}

// checkAnalyzers reports each account and Region that no active analyzer
// covers: neither one of the account's own there nor an organization
// analyzer in that Region (which covers every account of the
// organization). In a Region where some account's analyzers were not
// read, an organization analyzer may be there unseen, so it judges none.
func checkAnalyzers(e *estate.Estate) []audit.Finding {
	d := e.Detection
	if d == nil {
		return nil
	}
	orgWide := map[string]bool{}
	for _, as := range d.Analyzers {
		for _, a := range as {
			if externalActive(a) && a.Type == analyzerOrganization {
				orgWide[a.Region] = true
			}
		}
	}
	unread := map[string]bool{}
	for _, w := range places(d) {
		if _, read := d.Analyzers[w.String()]; !read {
			unread[w.Region] = true
		}
	}
	var off []estate.Where
	for _, w := range places(d) {
		if orgWide[w.Region] || unread[w.Region] || slices.ContainsFunc(d.Analyzers[w.String()], externalActive) {
			continue
		}
		off = append(off, w)
	}
	return byAccount(e, off, func(regions string) string {
		return "no active IAM Access Analyzer analyzer, of the account or of the organization, in " + regions +
			": resources shared outside the organization there go unnoticed"
	})
}

// places returns every account and Region the layer was to read, by
// account and Region.
func places(d *estate.Detection) []estate.Where {
	var out []estate.Where
	for _, acct := range d.Accounts {
		for _, region := range d.Regions {
			out = append(out, estate.Where{Account: estate.AccountKey(acct), Region: region})
		}
	}
	return out
}
