package cli

// End-to-end tests of the organization layer against moto, checked with
// the AWS CLI: SCPs and their attachments, the tag policy, trusted access,
// delegated administrators and alternate contacts.

import (
	"encoding/json"
	"sort"
	"strings"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/testenv"
)

func policyIDs(t *testing.T, m *testenv.Server, filter string) map[string]string {
	t.Helper()
	var out struct{ Policies []struct{ Id, Name string } }
	if err := json.Unmarshal(m.AWS(t, "organizations", "list-policies", "--filter", filter), &out); err != nil {
		t.Fatal(err)
	}
	ids := map[string]string{}
	for _, p := range out.Policies {
		ids[p.Name] = p.Id
	}
	return ids
}

func policyTargets(t *testing.T, m *testenv.Server, policyID string) []string {
	t.Helper()
	var out struct{ Targets []struct{ Name string } }
	if err := json.Unmarshal(m.AWS(t, "organizations", "list-targets-for-policy", "--policy-id", policyID), &out); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tg := range out.Targets {
		names = append(names, tg.Name)
	}
	sort.Strings(names)
	return names
}

func TestOrganizationLayerIsBuiltAndSeenByTheAWSCLI(t *testing.T) {
	m := testenv.Moto(t)
	m.Setenv(t)
	dir := newFoundation(t)
	mustRun(t, dir, ExitOK, "apply", "--auto-approve")

	scps := policyIDs(t, m, "SERVICE_CONTROL_POLICY")
	for _, name := range []string{"groundwork-baseline", "groundwork-regions", "groundwork-security-services"} {
		id, ok := scps[name]
		if !ok {
			t.Errorf("SCP %s missing; have %v", name, scps)
			continue
		}
		// Guidance 000: every top-level OU except Exceptions, never the root.
		if got, want := strings.Join(policyTargets(t, m, id), ","), "Infrastructure,Sandbox,Security,Workloads"; got != want {
			t.Errorf("%s attached to %s, want %s", name, got, want)
		}
	}
	var doc struct{ Policy struct{ Content string } }
	json.Unmarshal(m.AWS(t, "organizations", "describe-policy", "--policy-id", scps["groundwork-regions"]), &doc)
	if !strings.Contains(doc.Policy.Content, `"aws:RequestedRegion":["us-east-1","eu-west-1"]`) {
		t.Errorf("Region guardrail content: %s", doc.Policy.Content)
	}
	tags := policyIDs(t, m, "TAG_POLICY")
	if id, ok := tags["groundwork-tagging"]; !ok {
		t.Errorf("tag policy missing: %v", tags)
	} else if got := policyTargets(t, m, id); len(got) != 1 || got[0] != "Root" {
		t.Errorf("tag policy attached to %v, want Root", got)
	}
	var roots struct {
		Roots []struct {
			PolicyTypes []struct{ Type, Status string }
		}
	}
	json.Unmarshal(m.AWS(t, "organizations", "list-roots"), &roots)
	enabled := map[string]bool{}
	for _, pt := range roots.Roots[0].PolicyTypes {
		enabled[pt.Type] = pt.Status == "ENABLED"
	}
	if !enabled["SERVICE_CONTROL_POLICY"] || !enabled["TAG_POLICY"] {
		t.Errorf("policy types on the root: %+v", roots.Roots[0].PolicyTypes)
	}

	var access struct {
		EnabledServicePrincipals []struct{ ServicePrincipal string }
	}
	json.Unmarshal(m.AWS(t, "organizations", "list-aws-service-access-for-organization"), &access)
	if len(access.EnabledServicePrincipals) != 9 {
		t.Errorf("trusted access for %d services, want 9: %+v", len(access.EnabledServicePrincipals), access)
	}
	accounts := listAccounts(t, m)
	tooling := accounts["aws-security-tooling-primary@example.com"].Id
	var delegated struct {
		DelegatedServices []struct{ ServicePrincipal string }
	}
	json.Unmarshal(m.AWS(t, "organizations", "list-delegated-services-for-account", "--account-id", tooling), &delegated)
	var services []string
	for _, s := range delegated.DelegatedServices {
		services = append(services, s.ServicePrincipal)
	}
	sort.Strings(services)
	if got, want := strings.Join(services, ","), "access-analyzer.amazonaws.com,config-multiaccountsetup.amazonaws.com,guardduty.amazonaws.com"; got != want {
		t.Errorf("services delegated to Security Tooling = %s, want %s", got, want)
	}

	var contact struct {
		AlternateContact struct{ EmailAddress, PhoneNumber string }
	}
	la := accounts["aws-log-archive-primary@example.com"].Id
	json.Unmarshal(m.AWS(t, "account", "get-alternate-contact", "--account-id", la, "--alternate-contact-type", "SECURITY"), &contact)
	if contact.AlternateContact.EmailAddress != "log-archive-primary-security@example.com" || contact.AlternateContact.PhoneNumber != "+1-555-0100" {
		t.Errorf("Log Archive security contact = %+v", contact.AlternateContact)
	}
	json.Unmarshal(m.AWS(t, "account", "get-alternate-contact", "--alternate-contact-type", "BILLING"), &contact)
	if contact.AlternateContact.EmailAddress != "aws-management-account-primary-billing@example.com" {
		t.Errorf("management billing contact = %+v", contact.AlternateContact)
	}
	mustRun(t, dir, ExitOK, "plan", "--detailed-exitcode")
}

func TestOrganizationLayerDrift(t *testing.T) {
	m := testenv.Moto(t)
	m.Setenv(t)
	dir := newFoundation(t)
	mustRun(t, dir, ExitOK, "apply", "--auto-approve")
	scps := policyIDs(t, m, "SERVICE_CONTROL_POLICY")
	top := children(t, m, rootID(t, m))

	// By hand: detach the baseline from Workloads, weaken the Region
	// guardrail, attach a stray SCP to the root (marked as groundwork's,
	// as if an earlier spec had it), and change a contact.
	m.AWS(t, "organizations", "detach-policy", "--policy-id", scps["groundwork-baseline"], "--target-id", top["Workloads"])
	m.AWS(t, "organizations", "update-policy", "--policy-id", scps["groundwork-regions"],
		"--content", `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"ec2:RunInstances","Resource":"*"}]}`)
	var created struct {
		Policy struct{ PolicySummary struct{ Id string } }
	}
	json.Unmarshal(m.AWS(t, "organizations", "create-policy", "--name", "stray", "--type", "SERVICE_CONTROL_POLICY", "--description", "x",
		"--tags", "Key="+kinds.OwnerTagKey+",Value="+kinds.OwnerTagValue,
		"--content", `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*"}]}`), &created)
	m.AWS(t, "organizations", "attach-policy", "--policy-id", created.Policy.PolicySummary.Id, "--target-id", rootID(t, m))
	la := listAccounts(t, m)["aws-log-archive-primary@example.com"].Id
	m.AWS(t, "account", "put-alternate-contact", "--account-id", la, "--alternate-contact-type", "SECURITY",
		"--name", "Someone", "--title", "Engineer", "--email-address", "someone@example.com", "--phone-number", "+1-555-0199")

	out, _ := mustRun(t, dir, ExitChanges, "plan", "--detailed-exitcode")
	for _, want := range []string{
		"+ attachment SERVICE_CONTROL_POLICY/groundwork-baseline@Workloads",
		"~ policy SERVICE_CONTROL_POLICY/groundwork-regions",
		`-       "Action": "ec2:RunInstances",`,
		`+           "aws:RequestedRegion": [`,
		"- attachment SERVICE_CONTROL_POLICY/stray@Root  (needs --allow-delete)",
		"- policy SERVICE_CONTROL_POLICY/stray  (needs --allow-delete)",
		"~ contact aws-log-archive-primary@example.com/SECURITY",
		`email      : "someone@example.com" -> "log-archive-primary-security@example.com"`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("drift plan lacks %q:\n%s", want, out)
		}
	}
	ids := auditFindings(t, dir)
	for _, want := range []string{"GW-ORG-012", "GW-ORG-013", "GW-ACC-002"} {
		if !strings.Contains(ids, want) {
			t.Errorf("audit of the drift lacks %s: %s", want, ids)
		}
	}

	// apply repairs what it may; the stray SCP stays until --allow-delete.
	mustRun(t, dir, ExitOK, "apply", "--auto-approve")
	if _, ok := policyIDs(t, m, "SERVICE_CONTROL_POLICY")["stray"]; !ok {
		t.Errorf("stray SCP deleted without --allow-delete")
	}
	if got := policyTargets(t, m, scps["groundwork-baseline"]); strings.Join(got, ",") != "Infrastructure,Sandbox,Security,Workloads" {
		t.Errorf("baseline targets after repair: %v", got)
	}
	mustRun(t, dir, ExitOK, "apply", "--auto-approve", "--allow-delete")
	if _, ok := policyIDs(t, m, "SERVICE_CONTROL_POLICY")["stray"]; ok {
		t.Errorf("stray SCP survived --allow-delete")
	}
	if _, ok := policyIDs(t, m, "SERVICE_CONTROL_POLICY")["FullAWSAccess"]; !ok {
		t.Errorf("FullAWSAccess must never be touched")
	}
	mustRun(t, dir, ExitOK, "plan", "--detailed-exitcode")
	if got, want := auditFindings(t, dir), wantFindings(unhardened, untrailed, unbilled, unalerted); got != want {
		t.Errorf("audit after repair = %s, want %s", got, want)
	}
}
