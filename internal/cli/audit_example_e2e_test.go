package cli

// End-to-end test of the audit against the foundation the README
// recommends: examples/foundation.yaml applied to moto must leave no
// critical or high finding but those moto cannot model, each named.

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/audit"
	"github.com/groundwork-aws/groundwork/internal/testenv"
)

// motoGap is a critical or high finding the example foundation leaves on
// moto only because moto cannot model what the spec asks for.
type motoGap struct {
	check string
	// on is what each expected finding is about: the account ID for a
	// finding in an account, else the first word of its message.
	on []string
}

// subject is what a finding is about, as motoGap.on names it.
func subject(account, message string) string {
	if account != "" {
		return account
	}
	first, _, _ := strings.Cut(message, " ")
	return first
}

// TestAuditExampleFoundation applies examples/foundation.yaml, less only
// what moto refuses or lacks (motoDelegationGap, motoABAC), and audits the result: no critical or high finding
// but the named moto gaps, each of which must still occur, and no drift.
func TestAuditExampleFoundation(t *testing.T) {
	m := testenv.Moto(t)
	m.Setenv(t)
	root, err := testenv.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile(filepath.Join(root, "examples", "foundation.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	spec := string(src)
	var refused []string // services whose delegated administrator moto refuses
	for _, line := range motoDelegationGap {
		if !strings.Contains(spec, line) {
			t.Fatalf("examples/foundation.yaml lacks %q", line)
		}
		spec = strings.Replace(spec, line, "", 1)
		service, _, _ := strings.Cut(strings.TrimSpace(line), ":")
		refused = append(refused, service)
	}
	spec = withoutABAC(t, spec)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "foundation.yaml"), []byte(spec), 0o644); err != nil {
		t.Fatal(err)
	}
	// The spec deletes default VPCs, which apply does only when allowed.
	mustRun(t, dir, ExitOK, "apply", "--auto-approve", "--allow-delete", "--allow-delete-default-vpcs")

	// The accounts, read independently through the AWS CLI.
	var org struct {
		Organization struct{ MasterAccountId string }
	}
	if err := json.Unmarshal(m.AWS(t, "organizations", "describe-organization"), &org); err != nil {
		t.Fatal(err)
	}
	var all, members []string
	for _, a := range listAccounts(t, m) {
		all = append(all, a.Id)
		if a.Id != org.Organization.MasterAccountId {
			members = append(members, a.Id)
		}
	}
	var securityServices []string // SVC-003 judges sso.amazonaws.com, at medium
	for _, s := range refused {
		if s != "sso.amazonaws.com" {
			securityServices = append(securityServices, s)
		}
	}
	motoCannotModel := []motoGap{
		// Root user MFA: no API turns it on (in AWS it is set up in the
		// console), and moto's credential report and account summary
		// always say the root user has none, in every account.
		{"GW-HRD-007", all},
		// The delegated administrators of CloudTrail, Config and Security
		// Hub: moto's RegisterDelegatedAdministrator refuses these
		// services, so the test drops them from the spec (motoDelegationGap).
		{"GW-SVC-002", securityServices},
	}

	code, out, errOut := run(t, dir, "", "audit", "-o", "json", "--fail-on", "high")
	var doc struct {
		Findings []struct {
			CheckID  string `json:"check_id"`
			Severity string `json:"severity"`
			Resource string `json:"resource"`
			Message  string `json:"message"`
			Account  string `json:"account"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("audit -o json: %v\nstdout:\n%.500s\nstderr:\n%s", err, out, errOut)
	}

	expected := map[string][]string{} // check -> subjects still to see
	for _, g := range motoCannotModel {
		expected[g.check] = slices.Sorted(slices.Values(g.on))
	}
	var worst audit.Severity
	for _, f := range doc.Findings {
		s, err := audit.ParseSeverity(f.Severity)
		if err != nil {
			t.Fatal(err)
		}
		if f.CheckID == "GW-DRF-001" {
			t.Errorf("drift right after apply: %s: %s", f.Resource, f.Message)
		}
		if s < audit.High {
			continue
		}
		worst = max(worst, s)
		on := expected[f.CheckID]
		if i := slices.Index(on, subject(f.Account, f.Message)); i >= 0 {
			expected[f.CheckID] = slices.Delete(on, i, i+1)
			continue
		}
		t.Errorf("%s finding moto does not explain: %s %s: %s", f.Severity, f.CheckID, f.Resource, f.Message)
	}
	for _, g := range motoCannotModel {
		if left := expected[g.check]; len(left) > 0 {
			t.Errorf("motoCannotModel expects %s on %s, which the audit no longer reports: update the list", g.check,
				strings.Join(left, ", "))
		}
	}
	if code != ExitFindings {
		t.Errorf("--fail-on high with the moto gaps at high: exit %d, want %d\nstderr:\n%s", code, ExitFindings, errOut)
	}

	// No moto gap is critical, so --fail-on critical passes, once
	// --allow-partial accepts what moto cannot answer (motoSurveyUnread).
	if worst >= audit.Critical {
		t.Errorf("a critical finding: the example foundation must pass --fail-on critical")
	}
	mustRun(t, dir, ExitOK, "audit", "--fail-on", "critical", "--allow-partial")

	// The same estate judged as it is, without the spec: every finding it
	// draws must be one the spec'd audit draws too (the spec adds names,
	// roles and drift; it never hides what exists), but those only the
	// spec-less view can tell, each named here.
	bare := t.TempDir()
	code, out, errOut = run(t, bare, "", "audit", "-o", "json", "--fail-on", "critical", "--allow-partial",
		"--regions", "us-east-1,eu-west-1")
	var without struct {
		Findings []struct {
			CheckID  string `json:"check_id"`
			Resource string `json:"resource"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &without); err != nil || code != ExitOK {
		t.Fatalf("audit without a spec: exit %d, %v\nstderr:\n%s", code, err, errOut)
	}
	if len(without.Findings) == 0 {
		t.Fatal("audit without a spec found nothing, not even the moto gaps: it judged nothing")
	}
	withSpec := map[string]bool{}
	for _, f := range doc.Findings {
		withSpec[f.CheckID+" "+f.Resource] = true
	}
	// moto does not provision a permission set on CreateAccountAssignment,
	// which AWS does: the read asks for assignments where a set is
	// provisioned, in the management account and where the spec assigns
	// it, so without a spec moto hides the administrator groups'
	// assignments on the Log Archive and Security Tooling accounts and
	// GW-IDC-009 reports them missing there.
	var unprovisioned []string
	for _, a := range listAccounts(t, m) {
		if a.Email == "aws-log-archive-primary@example.com" || a.Email == "aws-security-tooling-primary@example.com" {
			unprovisioned = append(unprovisioned, "GW-IDC-009 account/"+a.Id+" ("+a.Name+")")
		}
	}
	for _, key := range unprovisioned {
		withSpec[key] = true
	}
	for _, f := range without.Findings {
		if !withSpec[f.CheckID+" "+f.Resource] {
			t.Errorf("without a spec, a finding the spec'd audit of the same estate does not draw: %s %s", f.CheckID, f.Resource)
		}
	}
}
