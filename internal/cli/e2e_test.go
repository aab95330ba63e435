package cli

// End-to-end tests: the real CLI, in process, against the moto server
// (internal/testenv), with every result checked again through the AWS CLI.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/layer/posture"
	"github.com/groundwork-aws/groundwork/internal/testenv"
)

// TestMain shortens two waits sized for AWS that moto does not need.
// moto answers STARTED to an account's first request for an IAM credential
// report and COMPLETE to the next, so the read still polls, but the 2 s
// wait would add 2 s to the first audit or import of every test. And
// retries back off from 1 s (throttling) or awsx.RetryBaseDelay, sized for
// AWS; moto's faults, and those the fault proxy injects, clear at once.
func TestMain(m *testing.M) {
	if serveSimFromEnv() { // a benchmark's simulator in a process of its own
		return
	}
	posture.SetCredentialReportPoll(50 * time.Millisecond)
	awsx.SetRetryBaseDelay(time.Millisecond)
	os.Exit(m.Run())
}

// run executes groundwork with args in dir and returns its exit code,
// stdout and stderr.
func run(t *testing.T, dir, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	wd, _ := os.Getwd()
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	defer os.Chdir(wd)
	code := Main(context.Background(), args, IO{In: strings.NewReader(stdin), Out: &out, Err: &errb})
	return code, out.String(), errb.String()
}

func mustRun(t *testing.T, dir string, want int, args ...string) (string, string) {
	t.Helper()
	code, out, errOut := run(t, dir, "", args...)
	if code != want {
		t.Fatalf("groundwork %s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), code, want, out, errOut)
	}
	return out, errOut
}

const workloads = `
  payments-prod:
    unit: Workloads/Prod
    role: workload
    workload: payments
    environment: prod
    tags: { Owner: payments-team, CostCenter: FIN123, Environment: Prod }
  payments-dev:
    unit: Workloads/NonProd
    role: workload
    workload: payments
    environment: dev
    tags: { Owner: payments-team, Environment: Dev }
`

// motoDelegationGap lists the delegated administrators of the starter spec
// that moto refuses: its RegisterDelegatedAdministrator accepts only
// config-multiaccountsetup, guardduty, access-analyzer, macie,
// servicecatalog and ssm, where AWS accepts every integrated service.
// Tests against moto drop them; the kinds tests cover them with a fake.
var motoDelegationGap = []string{
	"    cloudtrail.amazonaws.com: security-tooling\n",
	"    config.amazonaws.com: security-tooling\n",
	"    securityhub.amazonaws.com: security-tooling\n",
	"    sso.amazonaws.com: identity-center\n",
}

// motoABAC is what tests against moto write in the identity section:
// moto has no access control attribute API (DescribeInstanceAccessControl
// AttributeConfiguration answers HTTP 500), and the starter's tagging
// dictionary (CostCenter, BusinessUnit) makes the attributes wanted by
// default, so a plan would stop on the read. Writing them empty leaves
// the instance's attributes alone; the kinds tests cover them with a fake.
const motoABAC = "  access_control_attributes: {}\n"

// withoutABAC returns the spec with motoABAC written in its identity
// section.
func withoutABAC(t testing.TB, spec string) string {
	t.Helper()
	const head = "\nidentity:\n"
	if !strings.Contains(spec, head) {
		t.Fatalf("the spec has no identity section")
	}
	return strings.Replace(spec, head, head+motoABAC, 1)
}

// withoutIdentity returns the spec without its identity section, the
// last one, with the comment the starter writes above it: for tests that
// give people access their own way.
func withoutIdentity(t testing.TB, spec string) string {
	t.Helper()
	i := strings.Index(spec, "\nidentity:\n")
	if i < 0 {
		t.Fatalf("the spec has no identity section")
	}
	if c := strings.Index(spec, "\n# How people reach the accounts"); c >= 0 && c < i {
		i = c
	}
	return spec[:i+1]
}

// stripIdentity removes the identity section from the spec in dir.
func stripIdentity(t *testing.T, dir string) {
	t.Helper()
	editSpec(t, dir, func(spec string) string { return withoutIdentity(t, spec) })
}

// editSpec rewrites the foundation.yaml in dir with edit.
func editSpec(t *testing.T, dir string, edit func(spec string) string) {
	t.Helper()
	path := filepath.Join(dir, "foundation.yaml")
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(edit(string(src))), 0o644); err != nil {
		t.Fatal(err)
	}
}

// jsonString is the string at path in the JSON object an AWS CLI call
// printed (out): the ID a create answers, say. It fails the test when
// there is none.
func jsonString(t *testing.T, out []byte, path ...string) string {
	t.Helper()
	var cur any
	if err := json.Unmarshal(out, &cur); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	for _, p := range path {
		cur, _ = cur.(map[string]any)[p]
	}
	s, _ := cur.(string)
	if s == "" {
		t.Fatalf("no %s in %s", strings.Join(path, "."), out)
	}
	return s
}

// newFoundation writes the init output, with one administrator of the
// management account, plus two workload accounts to a temporary
// directory and returns it.
func newFoundation(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	mustRun(t, dir, ExitOK, "init", "--org-id", "primary", "--domain", "example.com", "--home-region", "us-east-1", "--regions", "us-east-1,eu-west-1", "--phone", "+1-555-0100",
		"--admin-user", "Ana Lima <ana.lima@example.com>")
	editSpec(t, dir, func(s string) string {
		s = strings.Replace(s, "    role: identity-center\n", "    role: identity-center\n"+strings.TrimPrefix(workloads, "\n"), 1)
		s = withoutABAC(t, withoutLogging(t, s))
		for _, line := range motoDelegationGap {
			if !strings.Contains(s, line) {
				t.Fatalf("starter spec lacks %q", line)
			}
			s = strings.Replace(s, line, "", 1)
		}
		return s
	})
	return dir
}

// withoutLogging removes the starter's logging section, so that tests of
// the organization layer stay quick; logging_e2e_test.go adds it back.
func withoutLogging(t *testing.T, spec string) string {
	t.Helper()
	start := strings.Index(spec, "\n# Central logging")
	end := strings.Index(spec, "\n# Alternate contacts")
	if start < 0 || end < start {
		t.Fatalf("starter spec lacks its logging section")
	}
	return spec[:start] + spec[end:]
}

type cliAccount struct{ Id, Name, Email string }

func listAccounts(t *testing.T, m *testenv.Server) map[string]cliAccount {
	t.Helper()
	var out struct{ Accounts []cliAccount }
	if err := json.Unmarshal(m.AWS(t, "organizations", "list-accounts"), &out); err != nil {
		t.Fatal(err)
	}
	byEmail := map[string]cliAccount{}
	for _, a := range out.Accounts {
		byEmail[a.Email] = a
	}
	return byEmail
}

func rootID(t *testing.T, m *testenv.Server) string {
	t.Helper()
	var out struct{ Roots []struct{ Id string } }
	if err := json.Unmarshal(m.AWS(t, "organizations", "list-roots"), &out); err != nil {
		t.Fatal(err)
	}
	return out.Roots[0].Id
}

// children returns the OUs under parent by name.
func children(t *testing.T, m *testenv.Server, parent string) map[string]string {
	t.Helper()
	var out struct{ OrganizationalUnits []struct{ Id, Name string } }
	if err := json.Unmarshal(m.AWS(t, "organizations", "list-organizational-units-for-parent", "--parent-id", parent), &out); err != nil {
		t.Fatal(err)
	}
	ous := map[string]string{}
	for _, ou := range out.OrganizationalUnits {
		ous[ou.Name] = ou.Id
	}
	return ous
}

func parentOf(t *testing.T, m *testenv.Server, id string) string {
	t.Helper()
	var out struct{ Parents []struct{ Id string } }
	if err := json.Unmarshal(m.AWS(t, "organizations", "list-parents", "--child-id", id), &out); err != nil {
		t.Fatal(err)
	}
	return out.Parents[0].Id
}

func keys(m map[string]string) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func TestInitValidateApplyPlan(t *testing.T) {
	m := testenv.Moto(t)
	m.Setenv(t)
	dir := newFoundation(t)
	mustRun(t, dir, ExitOK, "validate")

	out, _ := mustRun(t, dir, ExitChanges, "plan", "--detailed-exitcode")
	for _, want := range []string{"+ organization", "+ unit Workloads/Prod", "+ account aws-log-archive-primary@example.com", "Plan: 73 to create, 0 to update, 0 to delete."} {
		if !strings.Contains(out, want) {
			t.Errorf("first plan lacks %q:\n%s", want, out)
		}
	}

	out, errOut := mustRun(t, dir, ExitOK, "apply", "--auto-approve", "--stats")
	if !strings.Contains(out, "73 applied, 0 failed") {
		t.Errorf("apply output:\n%s", out)
	}
	if !strings.Contains(errOut, "5  Organizations CreateAccount") {
		t.Errorf("first apply should create 5 accounts:\n%s", errOut)
	}

	// Independent check with the AWS CLI.
	root := rootID(t, m)
	top := children(t, m, root)
	if got, want := strings.Join(keys(top), ","), "Exceptions,Infrastructure,Sandbox,Security,Workloads"; got != want {
		t.Errorf("top-level OUs = %s, want %s", got, want)
	}
	work := children(t, m, top["Workloads"])
	if got, want := strings.Join(keys(work), ","), "NonProd,Prod"; got != want {
		t.Errorf("Workloads OUs = %s, want %s", got, want)
	}
	accounts := listAccounts(t, m)
	wantParents := map[string]string{
		"aws-log-archive-primary@example.com":      top["Security"],
		"aws-security-tooling-primary@example.com": top["Security"],
		"aws-identity-center-primary@example.com":  top["Infrastructure"],
		"aws-payments-prod-primary@example.com":    work["Prod"],
		"aws-payments-dev-primary@example.com":     work["NonProd"],
	}
	for email, parent := range wantParents {
		a, ok := accounts[email]
		if !ok {
			t.Errorf("aws organizations list-accounts lacks %s", email)
			continue
		}
		if got := parentOf(t, m, a.Id); got != parent {
			t.Errorf("%s is under %s, want %s", email, got, parent)
		}
	}
	if a := accounts["aws-payments-prod-primary@example.com"]; a.Name != "payments-prod-primary" {
		t.Errorf("payments-prod name = %q", a.Name)
	}
	var tags struct{ Tags []struct{ Key, Value string } }
	json.Unmarshal(m.AWS(t, "organizations", "list-tags-for-resource", "--resource-id", accounts["aws-payments-prod-primary@example.com"].Id), &tags)
	if len(tags.Tags) != 3 {
		t.Errorf("payments-prod tags = %+v, want Owner, CostCenter and Environment", tags.Tags)
	}

	// Re-plan: nothing to do. Re-apply: zero writes.
	out, _ = mustRun(t, dir, ExitOK, "plan", "--detailed-exitcode")
	if !strings.Contains(out, "No changes.") {
		t.Errorf("second plan:\n%s", out)
	}
	_, errOut = mustRun(t, dir, ExitOK, "apply", "--auto-approve", "--stats")
	if !strings.Contains(errOut, "reads, 0 writes)") {
		t.Errorf("second apply made writes:\n%s", errOut)
	}
	// And the audit of what was built finds only what moto cannot do.
	if got, want := auditFindings(t, dir), wantFindings(unhardened, untrailed, unbilled, unalerted); got != want {
		t.Errorf("audit findings = %s, want %s", got, want)
	}
}

// motoFindings are the findings of an audit of the foundation built on
// moto: the delegations moto refuses (motoDelegationGap), and billing
// alerts, which no API turns on and for want of which moto, like AWS,
// publishes no EstimatedCharges metric (GW-BIL-007). The management
// account's contacts follow the spec's name for it, as GW-ACC-002 judges
// them, though moto names that account "master".
const motoFindings = "GW-BIL-007,GW-SVC-002,GW-SVC-002,GW-SVC-002,GW-SVC-003"

// motoSurveyUnread is what every audit against moto cannot read: the Cost
// and Usage Report definitions (moto has no CUR API), which the audit
// reads with or without a billing section, and the Identity Center
// instance's access control attributes (moto has no API for them), which
// it reads with or without an identity section.
var motoSurveyUnread = []string{"billing/reports", "identity/attributes"}

// The findings the whole-estate checks add to motoFindings on a
// foundation of newFoundation (6 accounts, 2 Regions) that leaves out a
// layer: the audit judges every account whatever the spec asks for.
var (
	// unhardened: no hardening section, so in every account no password
	// policy, no account-level Block Public Access, no EBS encryption by
	// default (GW-DAT-001, per account) and no role holding
	// AWSSupportAccess (GW-IAM-012, CIS 1.17), and a default VPC, whose
	// default network ACL and security group are open and which no flow
	// log records in each Region; and moto's root MFA (motoRootMFA).
	unhardened = slices.Concat(repeated("GW-HRD-001", 6), repeated("GW-HRD-003", 6), repeated("GW-HRD-004", 6),
		repeated("GW-DAT-001", 6), repeated("GW-IAM-012", 6),
		motoRootMFA, repeated("GW-NET-003", 12), repeated("GW-NET-004", 12), repeated("GW-NET-006", 12))
	// unbilled: no billing section, so the management account has no
	// budget and no estimated-charges alarm.
	unbilled = []string{"GW-BIL-001", "GW-BIL-004"}
	// unalerted: no monitoring section, so no EventBridge rule of the
	// management account notifies root sign-ins.
	unalerted = []string{"GW-MON-003"}
	// untrailed: no logging section (which the monitoring layer needs),
	// so no trail records any account, no organization trail or Config
	// aggregator exists, and no account records its configuration or runs
	// the baseline Config rules in either Region.
	untrailed = slices.Concat(repeated("GW-TRL-001", 6), []string{"GW-LOG-001", "GW-LOG-030"}, repeated("GW-LOG-020", 6),
		repeated("GW-LOG-050", 6))
	// unaccessed: a logging section, whose trail bucket has no S3 server
	// access logging (CIS v3.0.0 3.4): groundwork does not set it up.
	unaccessed = []string{"GW-LOG-016"}
	// noDataEvents: in every foundation of newFoundation, no trail records
	// S3 object-level writes or reads (CIS v3.0.0 3.8, 3.9) for any of the
	// 6 accounts: groundwork's organization trail logs management events
	// only, data events being billed per event.
	noDataEvents = slices.Concat(repeated("GW-LOG-008", 6), repeated("GW-LOG-009", 6))
	// unwatched: a logging section but no monitoring section, and a trail
	// that delivers to no CloudWatch Logs log group, so none of the 15 CIS
	// section 4 patterns is watched (GW-MON-011 and 012 are groundwork's
	// own and judged only when the spec asks for them).
	unwatched = []string{"GW-MON-010", "GW-MON-013", "GW-MON-014", "GW-MON-015", "GW-MON-016", "GW-MON-017", "GW-MON-018",
		"GW-MON-019", "GW-MON-020", "GW-MON-021", "GW-MON-022", "GW-MON-023", "GW-MON-024", "GW-MON-025", "GW-MON-026"}
)

// undetected are the findings every foundation of newFoundation draws
// whatever its spec: groundwork builds neither Security Hub nor an IAM
// Access Analyzer analyzer, so each of the 6 accounts lacks both (moto has
// no Access Analyzer: testenv's fake of it holds none). EBS encryption by
// default and the support role are built by the hardening section, which
// moto models (EnableEbsEncryptionByDefault per account and Region,
// ListEntitiesForPolicy over the roles a policy is attached to): a
// foundation without one draws them (unhardened).
var undetected = slices.Concat(repeated("GW-DET-001", 6), repeated("GW-DET-002", 6))

// repeated returns n copies of a check ID.
func repeated(id string, n int) []string { return slices.Repeat([]string{id}, n) }

// wantFindings is motoFindings, undetected and noDataEvents with more
// findings, sorted as auditFindings returns them. The starter's identity
// section, with its administrator (newFoundation), draws no finding.
func wantFindings(more ...[]string) string {
	return withFindings(motoFindings, slices.Concat(undetected, noDataEvents, slices.Concat(more...))...)
}

// auditFindings runs audit -o json and returns the sorted check IDs found.
func auditFindings(t *testing.T, dir string) string {
	t.Helper()
	return auditFindingsUnread(t, dir)
}

// auditFindingsUnread is auditFindings of an audit that could not read
// exactly the parts unread names (by inventory.Unread.Read) and
// motoSurveyUnread, which --allow-partial lets exit 0.
func auditFindingsUnread(t *testing.T, dir string, unread ...string) string {
	t.Helper()
	// The access control attributes moto cannot answer for are a part of
	// the identity layer: with an identity section, the drift check does
	// not compare that layer's plan either (audit.ReadPlan).
	if src, err := os.ReadFile(filepath.Join(dir, "foundation.yaml")); err == nil && strings.Contains(string(src), "\nidentity:\n") {
		unread = append(unread, "plan/identity")
	}
	unread = slices.Compact(slices.Sorted(slices.Values(slices.Concat(unread, motoSurveyUnread))))
	args := []string{"audit", "-o", "json", "--fail-on", "critical", "--allow-partial"}
	code, out, errOut := run(t, dir, "", args...)
	if code != ExitOK {
		t.Fatalf("audit: exit %d\n%s\n%s", code, out, errOut)
	}
	var report struct {
		Findings []struct {
			CheckID string `json:"check_id"`
		}
		Completeness struct {
			Unread []struct{ Read string }
		}
	}
	if err := json.Unmarshal([]byte(out), &report); err != nil {
		t.Fatalf("audit json: %v\n%s", err, out)
	}
	// A part may be not read for several causes (the plan of a layer for
	// each part of it not read): each is listed, and counted once here.
	var reads []string
	for _, u := range report.Completeness.Unread {
		reads = append(reads, u.Read)
	}
	reads = slices.Compact(slices.Sorted(slices.Values(reads)))
	if strings.Join(reads, ",") != strings.Join(unread, ",") {
		t.Errorf("audit did not read %v, want %v\n%s", reads, unread, errOut)
	}
	var ids []string
	for _, f := range report.Findings {
		ids = append(ids, f.CheckID)
	}
	sort.Strings(ids)
	return strings.Join(ids, ",")
}

func TestDriftIsPlannedAndAudited(t *testing.T) {
	m := testenv.Moto(t)
	m.Setenv(t)
	dir := newFoundation(t)
	mustRun(t, dir, ExitOK, "apply", "--auto-approve")

	// Move Log Archive to the root and add an OU by hand, marked as
	// groundwork's (as if an earlier spec had it): it is groundwork's to
	// delete. One without the marker is left alone (TestBrownfield).
	root := rootID(t, m)
	top := children(t, m, root)
	la := listAccounts(t, m)["aws-log-archive-primary@example.com"]
	m.AWS(t, "organizations", "move-account", "--account-id", la.Id, "--source-parent-id", top["Security"], "--destination-parent-id", root)
	m.AWS(t, "organizations", "create-organizational-unit", "--parent-id", root, "--name", "Scratch",
		"--tags", "Key="+kinds.OwnerTagKey+",Value="+kinds.OwnerTagValue)

	out, _ := mustRun(t, dir, ExitChanges, "plan", "--detailed-exitcode")
	for _, want := range []string{
		"~ account aws-log-archive-primary@example.com",
		`unit : "Root" -> "Root/Security"`,
		"- unit Scratch  (needs --allow-delete)",
		"Plan: 0 to create, 1 to update, 1 to delete.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("drift plan lacks %q:\n%s", want, out)
		}
	}
	out, _ = mustRun(t, dir, ExitFindings, "audit")
	for _, want := range []string{"GW-ORG-002", "GW-ORG-005", la.Id} {
		if !strings.Contains(out, want) {
			t.Errorf("audit lacks %q:\n%s", want, out)
		}
	}
	var report struct {
		Findings []struct {
			CheckID string `json:"check_id"`
		}
	}
	out, _ = mustRun(t, dir, ExitFindings, "audit", "-o", "json")
	if err := json.Unmarshal([]byte(out), &report); err != nil || len(report.Findings) == 0 {
		t.Fatalf("audit json: %v\n%s", err, out)
	}

	// Without --allow-delete the move happens and the OU stays.
	out, _ = mustRun(t, dir, ExitOK, "apply", "--auto-approve")
	if !strings.Contains(out, "held    delete unit/Scratch") {
		t.Errorf("apply without --allow-delete:\n%s", out)
	}
	if got := parentOf(t, m, la.Id); got != top["Security"] {
		t.Errorf("log archive is under %s after apply, want Security %s", got, top["Security"])
	}
	if _, ok := children(t, m, root)["Scratch"]; !ok {
		t.Errorf("Scratch was deleted without --allow-delete")
	}
	// With it, the OU goes.
	mustRun(t, dir, ExitOK, "apply", "--auto-approve", "--allow-delete")
	if _, ok := children(t, m, root)["Scratch"]; ok {
		t.Errorf("Scratch survived apply --allow-delete")
	}
	mustRun(t, dir, ExitOK, "plan", "--detailed-exitcode")
	if got, want := auditFindings(t, dir), wantFindings(unhardened, untrailed, unbilled, unalerted); got != want {
		t.Errorf("audit after repair = %s, want %s", got, want)
	}
}

func TestSavedPlanIsRefusedWhenTheOrganizationMoved(t *testing.T) {
	m := testenv.Moto(t)
	m.Setenv(t)
	dir := newFoundation(t)
	mustRun(t, dir, ExitOK, "apply", "--auto-approve")
	// An OU groundwork made (it carries the marker) that the spec dropped.
	m.AWS(t, "organizations", "create-organizational-unit", "--parent-id", rootID(t, m), "--name", "Scratch",
		"--tags", "Key="+kinds.OwnerTagKey+",Value="+kinds.OwnerTagValue)

	mustRun(t, dir, ExitOK, "plan", "--out", "plan.json")
	b, err := os.ReadFile(filepath.Join(dir, "plan.json"))
	if err != nil || !bytes.Contains(b, []byte(`"address": "unit/Scratch"`)) {
		t.Fatalf("saved plan: %v\n%s", err, b)
	}
	// Someone changes the organization between plan and apply.
	m.AWS(t, "organizations", "create-organizational-unit", "--parent-id", rootID(t, m), "--name", "Other")
	_, errOut := mustRun(t, dir, ExitError, "apply", "--auto-approve", "--allow-delete", "plan.json")
	if !strings.Contains(errOut, "changed since plan.json was made") {
		t.Errorf("stale plan: %s", errOut)
	}
	if _, ok := children(t, m, rootID(t, m))["Scratch"]; !ok {
		t.Errorf("a refused plan deleted Scratch")
	}
	// A fresh plan applies exactly.
	mustRun(t, dir, ExitOK, "plan", "--out", "plan.json", "--allow-delete")
	mustRun(t, dir, ExitOK, "apply", "--auto-approve", "--allow-delete", "plan.json")
	ous := children(t, m, rootID(t, m))
	if _, ok := ous["Scratch"]; ok {
		t.Errorf("Scratch survived the saved plan")
	}
}

func TestBadSpecWritesNothing(t *testing.T) {
	m := testenv.Moto(t)
	m.Setenv(t)
	dir := t.TempDir()
	bad := `version: 1
organization:
  id: primary
  email_domain: example.com
  home_region: us-east-9
units:
  Security: {}
accounts:
  log-archive: { unit: Security, role: log-archive }
  copy: { unit: Securty, email: aws-log-archive-primary@example.com }
`
	if err := os.WriteFile(filepath.Join(dir, "foundation.yaml"), []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, verb := range [][]string{{"validate"}, {"plan"}, {"apply", "--auto-approve", "--stats"}} {
		code, _, errOut := run(t, dir, "", verb...)
		if code != ExitError {
			t.Errorf("%s: exit %d, want %d", verb[0], code, ExitError)
		}
		for _, want := range []string{
			`foundation.yaml:5:16: organization.home_region: "us-east-9" is not an AWS Region`,
			`foundation.yaml:10:17: accounts.copy.unit: OU "Securty" is not declared under units (did you mean "Security"?)`,
			`foundation.yaml:10:33: accounts.copy.email: e-mail "aws-log-archive-primary@example.com" is already used by accounts.log-archive`,
			"nothing was sent to AWS",
		} {
			if !strings.Contains(errOut, want) {
				t.Errorf("%s: stderr lacks %q:\n%s", verb[0], want, errOut)
			}
		}
		if verb[0] == "apply" && !strings.Contains(errOut, "API calls: 0") {
			t.Errorf("apply with a bad spec called AWS:\n%s", errOut)
		}
	}
	if _, err := m.TryAWS("organizations", "describe-organization"); err == nil {
		t.Errorf("an organization exists after a rejected spec")
	}
}

func TestApplyAsksFirst(t *testing.T) {
	m := testenv.Moto(t)
	m.Setenv(t)
	dir := newFoundation(t)
	code, _, errOut := run(t, dir, "no\n", "apply")
	if code != ExitError || !strings.Contains(errOut, "apply cancelled") {
		t.Fatalf("apply answered no: exit %d\n%s", code, errOut)
	}
	if _, err := m.TryAWS("organizations", "describe-organization"); err == nil {
		t.Fatalf("apply wrote although the answer was no")
	}
	code, _, errOut = run(t, dir, "", "apply")
	if code != ExitError || !strings.Contains(errOut, "--auto-approve") {
		t.Fatalf("apply without input: exit %d\n%s", code, errOut)
	}
	code, out, _ := run(t, dir, "yes\n", "apply")
	if code != ExitOK || !strings.Contains(out, "73 applied") {
		t.Fatalf("apply answered yes: exit %d\n%s", code, out)
	}
}

func TestOfflinePlanNeedsNoCredentials(t *testing.T) {
	dir := t.TempDir()
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE", "AWS_SESSION_TOKEN"} {
		t.Setenv(k, "")
	}
	t.Setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:1") // nothing listens: any call would fail
	mustRun(t, dir, ExitOK, "init", "--org-id", "primary", "--domain", "example.com", "--home-region", "eu-west-1")
	editSpec(t, dir, func(spec string) string { return withoutLogging(t, spec) })
	// The starter foundation: the organization, 7 OUs, 3 accounts, 2 policy
	// types, 4 policies (3 SCPs, 1 tag policy), 13 attachments (3 SCPs on 4
	// baseline OUs, the tag policy on the root), trusted access for 9
	// services, 7 delegated administrators, and of Identity Center the
	// access control attributes and the 2 administrator groups (its
	// permission sets and assignments are planned against the instance,
	// which an offline plan does not know).
	const starterChanges = 1 + 7 + 3 + 2 + 4 + 13 + 9 + 7 + 1 + 2
	out, errOut := mustRun(t, dir, ExitChanges, "plan", "--offline", "--detailed-exitcode", "--stats")
	if !strings.Contains(out, fmt.Sprintf("Plan: %d to create", starterChanges)) || !strings.Contains(errOut, "API calls: 0") {
		t.Errorf("offline plan:\n%s\n%s", out, errOut)
	}
	out, _ = mustRun(t, dir, ExitOK, "plan", "--offline", "-o", "json")
	var p struct {
		Changes []struct{ Address, Action string }
	}
	if err := json.Unmarshal([]byte(out), &p); err != nil || len(p.Changes) != starterChanges {
		t.Errorf("offline plan json: %v, %d changes", err, len(p.Changes))
	}
}
