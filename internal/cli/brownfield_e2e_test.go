package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/testenv"
)

// orgTagPolicy is a tag policy groundwork would not generate (it appends
// values), as an organization's own may be.
const orgTagPolicy = `{"tags":{"costcenter":{"tag_key":{"@@assign":"CostCenter"},"tag_value":{"@@append":["100","200"]}}}}`

// TestBrownfield: an organization built by hand, with the shapes
// groundwork's own never has (an account directly under the root, OU
// names with a dot and a space, an empty OU, its own tag policy, its own
// SCP on the root and on that account, contacts for the management
// account alone, a default VPC), is imported into a spec that plans no
// change; and a spec that drops all of it deletes none of it, even with
// --allow-delete, listing each under "Left alone" instead, while its
// default VPCs wait for their own flag.
func TestBrownfield(t *testing.T) {
	m := testenv.Moto(t)
	m.Setenv(t)
	m.AWS(t, "organizations", "create-organization", "--feature-set", "ALL")
	root := rootID(t, m)
	legacy := createOU(t, m, root, "Legacy.v2")
	teamA := createOU(t, m, legacy, "Team A")
	createOU(t, m, root, "Empty OU")
	loose := createAccount(t, m, "loose-ends", "loose@example.com")
	team := createAccount(t, m, "team-a", "team-a@example.com")
	m.AWS(t, "organizations", "move-account", "--account-id", team, "--source-parent-id", root, "--destination-parent-id", teamA)

	m.AWS(t, "organizations", "enable-policy-type", "--root-id", root, "--policy-type", "SERVICE_CONTROL_POLICY")
	m.AWS(t, "organizations", "enable-policy-type", "--root-id", root, "--policy-type", "TAG_POLICY")
	var pol struct {
		Policy struct{ PolicySummary struct{ Id string } }
	}
	if err := json.Unmarshal(m.AWS(t, "organizations", "create-policy", "--name", "deny-big-instances", "--type", "SERVICE_CONTROL_POLICY",
		"--description", "No big instances in production", "--content", customSCP), &pol); err != nil {
		t.Fatal(err)
	}
	scp := pol.Policy.PolicySummary.Id
	m.AWS(t, "organizations", "attach-policy", "--policy-id", scp, "--target-id", root)
	m.AWS(t, "organizations", "attach-policy", "--policy-id", scp, "--target-id", loose)
	if err := json.Unmarshal(m.AWS(t, "organizations", "create-policy", "--name", "org-tags", "--type", "TAG_POLICY",
		"--description", "ours", "--content", orgTagPolicy), &pol); err != nil {
		t.Fatal(err)
	}
	tagPolicy := pol.Policy.PolicySummary.Id
	mgmt := callerAccount(t, m)
	m.AWS(t, "organizations", "attach-policy", "--policy-id", tagPolicy, "--target-id", root)
	m.AWS(t, "organizations", "attach-policy", "--policy-id", tagPolicy, "--target-id", mgmt)
	m.AWS(t, "organizations", "enable-aws-service-access", "--service-principal", "account.amazonaws.com")
	putContacts(t, m, "", "master")
	if len(defaultVPCsIn(t, m, mgmt, mgmt, "us-east-1")) != 1 {
		t.Fatalf("the management account has no default VPC to start from")
	}

	// Import, then plan: nothing to change.
	dir := t.TempDir()
	_, errOut := mustRun(t, dir, ExitOK, "import", "--org-id", "primary", "--domain", "example.com", "--out", "foundation.yaml")
	if !strings.Contains(errOut, "plan shows no changes") {
		t.Errorf("import stderr:\n%s", errOut)
	}
	src, err := os.ReadFile(filepath.Join(dir, "foundation.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"  Empty OU: {}\n", "  Legacy.v2:\n    units:\n      Team A: {}\n",
		"  loose-ends:\n    unit: Root\n", "  team-a:\n    unit: Legacy.v2/Team A\n",
		"      attach: [Root, loose-ends]\n",
		"  management:\n    name: master\n    email: master@example.com\n    exempt_from_naming: true\n    contacts:\n",
		// The organization's own tag policy, in a file beside the spec,
		// on the root and on the management account.
		"  tag_policies:\n    org-tags:\n      description: ours\n      file: policies/tag-policies/org-tags.json\n      attach: [Root, management]\n",
	} {
		if !strings.Contains(string(src), want) {
			t.Errorf("imported spec lacks %q:\n%s", want, src)
		}
	}
	doc, err := os.ReadFile(filepath.Join(dir, "policies", "tag-policies", "org-tags.json"))
	if err != nil {
		t.Fatalf("the tag policy file: %v", err)
	}
	var got, want any
	if json.Unmarshal(doc, &got) != nil || json.Unmarshal([]byte(orgTagPolicy), &want) != nil || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("policies/tag-policies/org-tags.json = %s, want the document of org-tags", doc)
	}
	out, _ := mustRun(t, dir, ExitOK, "plan", "--detailed-exitcode")
	if !strings.Contains(out, "No changes.") {
		t.Errorf("plan of the imported spec:\n%s", out)
	}

	// A spec that has none of it, and asks for the default VPCs to go.
	dropped := "version: 1\norganization: {id: primary, email_domain: example.com, home_region: us-east-1,\n" +
		"  management: {name: master, email: master@example.com, exempt_from_naming: true}}\n" +
		"units: {Workloads: {}}\npolicies: {scps: {}}\ntagging: {policy: {disabled: true}}\n" +
		"services: {trusted_access: [account.amazonaws.com]}\n" +
		"hardening: {password_policy: {enabled: false}, s3_block_public_access: {enabled: false}}\n"
	if err := os.WriteFile(filepath.Join(dir, "dropped.yaml"), []byte(dropped), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _ = mustRun(t, dir, ExitChanges, "plan", "-f", "dropped.yaml", "--allow-delete", "--detailed-exitcode")
	for _, want := range []string{
		"+ unit Workloads",
		"- default-vpc management/us-east-1  (needs --allow-delete-default-vpcs)",
		"Left alone:",
		"* delete unit/Empty OU: not in the spec, but groundwork did not make it",
		"OU Root/Legacy.v2/Team A is not in the spec but still holds team-a",
		"OU Root/Legacy.v2 is not in the spec but still holds OU Team A",
		"* delete policy/SERVICE_CONTROL_POLICY/deny-big-instances:",
		"* delete attachment/SERVICE_CONTROL_POLICY/deny-big-instances@Root:",
		"* delete attachment/SERVICE_CONTROL_POLICY/deny-big-instances@loose@example.com:",
		"* delete policy/TAG_POLICY/org-tags:",
		"* delete attachment/TAG_POLICY/org-tags@master@example.com:",
		"account " + loose + " loose-ends (loose@example.com) in Root is not in the spec",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("plan --allow-delete of the dropped spec lacks %q:\n%s", want, out)
		}
	}
	for _, never := range []string{"- unit ", "- policy ", "- attachment "} {
		if strings.Contains(out, never) {
			t.Errorf("plan --allow-delete would %q something groundwork did not make:\n%s", never, out)
		}
	}
	var plan struct {
		LeftAlone []struct{ Address string } `json:"left_alone"`
	}
	js, _ := mustRun(t, dir, ExitOK, "plan", "-f", "dropped.yaml", "-o", "json")
	if err := json.Unmarshal([]byte(js), &plan); err != nil || len(plan.LeftAlone) != 7 {
		t.Errorf("JSON plan left_alone: %v %+v", err, plan.LeftAlone)
	}

	// Applied with --allow-delete: everything made by hand is still there,
	// as the AWS CLI sees it; the default VPC too, held for its own flag.
	out, _ = mustRun(t, dir, ExitOK, "apply", "-f", "dropped.yaml", "--auto-approve", "--allow-delete")
	if !strings.Contains(out, "held    delete default-vpc/management/us-east-1") {
		t.Errorf("apply --allow-delete:\n%s", out)
	}
	top := children(t, m, root)
	if top["Legacy.v2"] == "" || top["Empty OU"] == "" || children(t, m, legacy)["Team A"] == "" || top["Workloads"] == "" {
		t.Errorf("OUs after apply --allow-delete: %v", top)
	}
	if got := strings.Join(policyTargets(t, m, scp), ","); got != "Root,loose-ends" {
		t.Errorf("deny-big-instances is attached to %q after apply --allow-delete", got)
	}
	if got := strings.Join(policyTargets(t, m, tagPolicy), ","); got != "Root,master" {
		t.Errorf("org-tags is attached to %q after apply --allow-delete", got)
	}
	if len(defaultVPCsIn(t, m, mgmt, mgmt, "us-east-1")) != 1 {
		t.Errorf("--allow-delete deleted the default VPC")
	}
	mustRun(t, dir, ExitOK, "apply", "-f", "dropped.yaml", "--auto-approve", "--allow-delete-default-vpcs")
	if len(defaultVPCsIn(t, m, mgmt, mgmt, "us-east-1")) != 0 {
		t.Errorf("--allow-delete-default-vpcs left the default VPC")
	}
}
