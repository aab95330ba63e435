package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/testenv"
)

// checklistStates runs checklist -o json in dir and returns each item's
// state and detail by "ID account" ("ID" for organization-wide items).
func checklistStates(t *testing.T, dir string, args ...string) map[string][2]string {
	t.Helper()
	out, _ := mustRun(t, dir, ExitOK, append([]string{"checklist", "-o", "json"}, args...)...)
	var doc struct {
		Summary map[string]int
		Items   []struct {
			ID          string `json:"id"`
			AccountID   string `json:"account_id"`
			State       string `json:"state"`
			Detail      string `json:"detail"`
			ConsolePath string `json:"console_path"`
		}
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("checklist -o json: %v\n%s", err, out)
	}
	states := map[string][2]string{}
	for _, it := range doc.Items {
		key := strings.TrimSpace(it.ID + " " + it.AccountID)
		if it.ConsolePath == "" {
			t.Errorf("%s has no console path", key)
		}
		states[key] = [2]string{it.State, it.Detail}
	}
	return states
}

// TestChecklistMoto runs the checklist against moto: an organization with
// one member account, first without a spec, then with one.
func TestChecklistMoto(t *testing.T) {
	m := testenv.Moto(t)
	m.Setenv(t)
	var org struct {
		Organization struct{ MasterAccountId string }
	}
	if err := json.Unmarshal(m.AWS(t, "organizations", "create-organization", "--feature-set", "ALL"), &org); err != nil {
		t.Fatal(err)
	}
	mgmt := org.Organization.MasterAccountId
	m.AWS(t, "organizations", "create-account", "--account-name", "payments-prod", "--email", "aws-payments-prod-primary@example.com")
	member := listAccounts(t, m)["aws-payments-prod-primary@example.com"].Id
	if mgmt == "" || member == "" {
		t.Fatalf("management %q, member %q", mgmt, member)
	}
	dir := t.TempDir()

	// What moto yields: its account summaries show no root MFA and no root
	// access keys, it lacks GetContactInformation and the Support API
	// (DescribeSeverityLevels answers HTTP 500: the support plan is
	// unknown; internal/checklist tests it with a fake), it has no
	// alternate contacts or subscriptions yet, Cost Explorer answers, and
	// its sso-admin has an Identity Center instance from the start. Of the
	// CIS data steps: no account has a bucket or a route through VPC
	// peering, and moto's Macie has no ListClassificationJobs (HTTP 404),
	// so CL-018 is unknown (internal/checklist tests it with a fake).
	want := map[string]string{
		"CL-001 " + mgmt:   "manual",
		"CL-002 " + mgmt:   "todo",
		"CL-003 " + member: "todo",
		"CL-004 " + mgmt:   "done",
		"CL-004 " + member: "done",
		"CL-005 " + mgmt:   "manual",
		"CL-006 " + mgmt:   "manual",
		"CL-007 " + mgmt:   "unknown",
		"CL-008 " + mgmt:   "todo",
		"CL-009 " + mgmt:   "unknown",
		"CL-010 " + mgmt:   "done",
		"CL-011 " + mgmt:   "todo",
		"CL-012":           "manual",
		"CL-013":           "manual",
		"CL-014 " + mgmt:   "todo",
		"CL-015 " + mgmt:   "done",
		"CL-016 " + mgmt:   "manual",
		"CL-016 " + member: "manual",
		"CL-017 " + mgmt:   "done",
		"CL-017 " + member: "done",
		"CL-018 " + mgmt:   "unknown",
		"CL-018 " + member: "unknown",
		"CL-019 " + mgmt:   "done",
		"CL-019 " + member: "done",
	}
	got := checklistStates(t, dir)
	if len(got) != len(want) {
		t.Errorf("%d items, want %d: %v", len(got), len(want), got)
	}
	for key, state := range want {
		if got[key][0] != state {
			t.Errorf("%s = %s (%s), want %s", key, got[key][0], got[key][1], state)
		}
	}
	for key, detail := range map[string]string{
		"CL-002 " + mgmt:   "no MFA device; guidance wants a hardware one",
		"CL-003 " + member: "the root user has no MFA device",
		"CL-007 " + mgmt:   "get contact information: ",
		"CL-008 " + mgmt:   "no billing, operations, security contact",
		"CL-014 " + mgmt:   "no SNS subscriptions in the home Region",
		"CL-015 " + mgmt:   "IAM Identity Center instance arn:aws:sso:::instance/",
		"CL-017 " + member: "no buckets",
		"CL-019 " + member: "no route goes through a VPC peering connection",
	} {
		if !strings.Contains(got[key][1], detail) {
			t.Errorf("%s detail %q lacks %q", key, got[key][1], detail)
		}
	}

	text, _ := mustRun(t, dir, ExitOK, "checklist")
	last := -1
	for _, s := range []string{"TODO     CL-002", "UNKNOWN  CL-007", "MANUAL   CL-001", "DONE     CL-004"} {
		i := strings.Index(text, s)
		if i < last {
			t.Errorf("text lacks %q or has it out of order:\n%s", s, text)
		}
		last = i
	}
	for _, s := range []string{
		"CL-003  MFA on the member account's root user: " + member + " (payments-prod)\n",
		"    console: sign in as the root user > account menu (top right) > Account > IAM user and role access to Billing information",
		"24 items: 5 todo, 4 unknown, 7 to verify by hand, 8 done\n",
	} {
		if !strings.Contains(text, s) {
			t.Errorf("text lacks %q:\n%s", s, text)
		}
	}
	mustRun(t, dir, ExitFindings, "checklist", "--fail-on-todo")

	// One alternate contact and a confirmed subscription in us-east-1.
	m.AWS(t, "account", "put-alternate-contact", "--alternate-contact-type", "BILLING", "--email-address", "aws-billing@example.com",
		"--name", "Billing", "--phone-number", "+1-555-0100", "--title", "Billing")
	var topic struct{ TopicArn string }
	if err := json.Unmarshal(m.AWS(t, "sns", "create-topic", "--name", "ManagementAccountCloudWatchAlarm"), &topic); err != nil {
		t.Fatal(err)
	}
	m.AWS(t, "sns", "subscribe", "--topic-arn", topic.TopicArn, "--protocol", "email", "--notification-endpoint", "security@example.com")
	got = checklistStates(t, dir)
	if s := got["CL-008 "+mgmt]; s[0] != "todo" || s[1] != "no operations, security contact" {
		t.Errorf("CL-008 = %v, want todo: no operations, security contact", s)
	}
	if s := got["CL-014 "+mgmt]; s[0] != "done" || s[1] != "1 subscription, all confirmed" {
		t.Errorf("CL-014 = %v, want done: 1 subscription, all confirmed", s)
	}
	if s := got["CL-011 "+mgmt]; s[0] != "todo" || !strings.Contains(s[1], "billing alerts are off") {
		t.Errorf("CL-011 = %v, want todo: billing alerts are off", s)
	}

	// What AWS publishes once billing alerts are on: the EstimatedCharges
	// metric in us-east-1 (put here by hand; AWS refuses AWS/ namespaces
	// to anyone else, moto does not).
	m.AWS(t, "cloudwatch", "put-metric-data", "--region", "us-east-1", "--namespace", "AWS/Billing", "--metric-name", "EstimatedCharges",
		"--dimensions", "Currency=USD", "--value", "12.5")
	if s := checklistStates(t, dir)["CL-011 "+mgmt]; s[0] != "done" {
		t.Errorf("with the EstimatedCharges metric, CL-011 = %v, want done", s)
	}

	// A spec moves the home Region to eu-west-1, where there is no
	// subscription.
	mustRun(t, dir, ExitOK, "init", "--org-id", "primary", "--domain", "example.com", "--home-region", "eu-west-1", "--regions", "eu-west-1", "--phone", "+1-555-0100")
	if s := checklistStates(t, dir)["CL-014 "+mgmt]; s[0] != "todo" {
		t.Errorf("with home Region eu-west-1, CL-014 = %v, want todo", s)
	}

	// A spec that does not load is warned about, not fatal.
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("organization: [\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, errOut := mustRun(t, dir, ExitOK, "checklist", "-f", bad)
	if !strings.Contains(errOut, "warning: spec not used") {
		t.Errorf("no warning about the spec:\n%s", errOut)
	}
}

func TestChecklistErrors(t *testing.T) {
	dir := t.TempDir()
	if code, _, errOut := run(t, dir, "", "checklist", "-o", "yaml"); code != ExitError || !strings.Contains(errOut, "--output") {
		t.Errorf("checklist -o yaml: exit %d, stderr %q; want 1 naming --output", code, errOut)
	}
	if code, _, _ := run(t, dir, "", "checklist", "extra"); code != ExitError {
		t.Errorf("checklist extra: exit %d, want 1", code)
	}
}
