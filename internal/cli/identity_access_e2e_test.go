package cli

// End-to-end test of the identity layer's permission sets and account
// assignments against moto, checked with the AWS CLI (aws sso-admin
// list-permission-sets, describe-permission-set, list-account-assignments):
// apply builds the sets and assigns them to an account, to every account
// of an OU and to the root; a second apply writes nothing; an account the
// spec adds to an OU gets that OU's assignments in the same apply; an
// assignment the spec drops goes only with --allow-delete, and one of a
// set the spec does not manage never; a change to an assigned set is
// provisioned again.
//
// moto gaps: it does not provision a set on CreateAccountAssignment, as
// AWS does, and its ListAccountsForProvisionedPermissionSet lists the
// caller's account for every set ever provisioned, whatever
// ProvisioningStatus asks. The read finds assignments where a set is
// provisioned, in the management account and where the spec assigns it,
// so on moto alone the assignments of a set the spec stops assigning are
// not found, and a set provisioned again is reported out of date for
// ever (the last step shows it). From the deletions on, groundwork
// reaches moto through provisioning, a narrow fake that answers that one call as
// AWS would. A CLI-made permission set needs --session-duration (moto
// otherwise stores a number the SDK refuses). moto has no access control
// attribute API (access_control_attributes: {}, see motoABAC).

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/ssoadmin"

	"github.com/groundwork-aws/groundwork/internal/testenv"
)

// accessIdentity is the identity section of the test: a set on the
// management account for a named user, one on the Log Archive account
// for a group, one on every account of Workloads for a group, and one on
// the root for a user.
const accessIdentity = `
identity:
  access_control_attributes: {}
  users:
    ana.lima: {given_name: Ana, family_name: Lima, email: ana.lima@example.com}
    bo: {given_name: Bo, family_name: Berg, email: bo@example.com}
  groups:
    developers: {members: [bo]}
    Log Archive Administrators: {members: [bo]}
  permission_sets:
    MA-Administrator: {managed_policies: [AdministratorAccess]}
    LogArchiveAdminAccess: {managed_policies: [AdministratorAccess], session_duration: 2h}
    Developer:
      description: build and run workloads
      managed_policies: [PowerUserAccess]
      customer_managed_policies: [{name: developer-extra, path: /teams/}]
    Auditor:
      description: read everything
      session_duration: 4h
      managed_policies: [SecurityAudit]
      inline_policy: auditor.json
  assignments:
    - {permission_set: MA-Administrator, users: [ana.lima], accounts: [management]}
    - {permission_set: LogArchiveAdminAccess, groups: [Log Archive Administrators], accounts: [log-archive]}
    - {permission_set: Developer, groups: [developers], units: [Workloads]}
    - {permission_set: Auditor, users: [ana.lima], root: true}
`

const auditorPolicy = `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["cloudtrail:LookupEvents"], "Resource": "*"}]}`

// ssoView is Identity Center as the AWS CLI shows it: the permission sets
// by name, and the assignments as "ACCOUNT-NAME/SET/TYPE/PRINCIPAL".
type ssoView struct {
	instance string
	sets     map[string]string // name -> ARN
	assigned []string
}

// readSSO reads the permission sets and, in every account of the
// organization, their assignments, with the AWS CLI.
func readSSO(t *testing.T, m *testenv.Server) ssoView {
	t.Helper()
	instance, store := ssoInstance(t, m)
	v := ssoView{instance: instance, sets: map[string]string{}}
	_, usersByID, groupsByID := principalNames(t, m, store)
	var list struct{ PermissionSets []string }
	json.Unmarshal(m.AWS(t, "sso-admin", "list-permission-sets", "--instance-arn", v.instance), &list)
	for _, arn := range list.PermissionSets {
		var d struct{ PermissionSet struct{ Name string } }
		json.Unmarshal(m.AWS(t, "sso-admin", "describe-permission-set", "--instance-arn", v.instance, "--permission-set-arn", arn), &d)
		v.sets[d.PermissionSet.Name] = arn
	}
	for _, acct := range listAccounts(t, m) {
		for name, arn := range v.sets {
			var out struct {
				AccountAssignments []struct{ PrincipalType, PrincipalId string }
			}
			json.Unmarshal(m.AWS(t, "sso-admin", "list-account-assignments", "--instance-arn", v.instance,
				"--account-id", acct.Id, "--permission-set-arn", arn), &out)
			for _, a := range out.AccountAssignments {
				who := usersByID[a.PrincipalId]
				if a.PrincipalType == "GROUP" {
					who = groupsByID[a.PrincipalId]
				}
				v.assigned = append(v.assigned, acct.Name+"/"+name+"/"+a.PrincipalType+"/"+who)
			}
		}
	}
	slices.Sort(v.assigned)
	return v
}

// principalNames are the Identity Store's user and group names by ID.
func principalNames(t *testing.T, m *testenv.Server, store string) (string, map[string]string, map[string]string) {
	t.Helper()
	var users struct {
		Users []struct{ UserId, UserName string }
	}
	json.Unmarshal(m.AWS(t, "identitystore", "list-users", "--identity-store-id", store), &users)
	var groups struct {
		Groups []struct{ GroupId, DisplayName string }
	}
	json.Unmarshal(m.AWS(t, "identitystore", "list-groups", "--identity-store-id", store), &groups)
	u, g := map[string]string{}, map[string]string{}
	for _, x := range users.Users {
		u[x.UserId] = x.UserName
	}
	for _, x := range groups.Groups {
		g[x.GroupId] = x.DisplayName
	}
	return store, u, g
}

// expectedAssignments are the assignments accessIdentity makes over the
// accounts named, by account name.
func expectedAssignments(mgmtName string, workloads []string, all []string) []string {
	out := []string{
		mgmtName + "/MA-Administrator/USER/ana.lima",
		"log-archive-primary/LogArchiveAdminAccess/GROUP/Log Archive Administrators",
	}
	for _, w := range workloads {
		out = append(out, w+"/Developer/GROUP/developers")
	}
	for _, a := range all {
		out = append(out, a+"/Auditor/USER/ana.lima")
	}
	slices.Sort(out)
	return out
}

// provisioning is a narrow fake in front of moto that answers
// ListAccountsForProvisionedPermissionSet as AWS does, where moto cannot:
// AWS provisions a set to every account it is assigned in
// (CreateAccountAssignment does), and lists an account out of date only
// until the provisioning there has succeeded, which on moto is at once.
// moto provisions nothing on assignment and lists the caller's account
// for every set ever provisioned, whatever ProvisioningStatus asks. The
// fake lists the accounts (of the organization) where the set has an
// assignment or was provisioned through it, none as out of date, and
// records the accounts ProvisionPermissionSet targets. Every other call
// passes through to moto unchanged.
type provisioning struct {
	URL string

	mu      sync.Mutex
	targets map[string][]string // permission set ARN -> account IDs provisioned to
}

func newProvisioning(t *testing.T, m *testenv.Server) *provisioning {
	t.Helper()
	target, err := url.Parse(m.Endpoint)
	if err != nil {
		t.Fatal(err)
	}
	cfg := aws.Config{Region: testenv.Region, BaseEndpoint: aws.String(m.Endpoint),
		Credentials: credentials.NewStaticCredentialsProvider("testing", "testing", "")}
	orgs, sso := organizations.NewFromConfig(cfg), ssoadmin.NewFromConfig(cfg)
	p := &provisioning{targets: map[string][]string{}}
	proxy := httputil.NewSingleHostReverseProxy(target)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		op := r.Header.Get("X-Amz-Target")
		var in struct{ InstanceArn, PermissionSetArn, ProvisioningStatus, TargetId string }
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		json.Unmarshal(body, &in)
		switch {
		case strings.HasSuffix(op, ".ProvisionPermissionSet"):
			p.mu.Lock()
			p.targets[in.PermissionSetArn] = append(p.targets[in.PermissionSetArn], in.TargetId)
			p.mu.Unlock()
		case strings.HasSuffix(op, ".ListAccountsForProvisionedPermissionSet"):
			ids := []string{}
			if in.ProvisioningStatus != "LATEST_PERMISSION_SET_NOT_PROVISIONED" {
				accts, err := orgs.ListAccounts(r.Context(), &organizations.ListAccountsInput{})
				if err != nil {
					http.Error(w, err.Error(), http.StatusInternalServerError)
					return
				}
				p.mu.Lock()
				provisioned := slices.Clone(p.targets[in.PermissionSetArn])
				p.mu.Unlock()
				for _, a := range accts.Accounts {
					out, err := sso.ListAccountAssignments(r.Context(), &ssoadmin.ListAccountAssignmentsInput{InstanceArn: aws.String(in.InstanceArn),
						AccountId: a.Id, PermissionSetArn: aws.String(in.PermissionSetArn)})
					if err != nil {
						http.Error(w, err.Error(), http.StatusInternalServerError)
						return
					}
					if len(out.AccountAssignments) > 0 || slices.Contains(provisioned, aws.ToString(a.Id)) {
						ids = append(ids, aws.ToString(a.Id))
					}
				}
			}
			w.Header().Set("Content-Type", "application/x-amz-json-1.1")
			json.NewEncoder(w).Encode(map[string]any{"AccountIds": ids})
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	p.URL = srv.URL
	return p
}

// provisionedTo are the accounts ProvisionPermissionSet targeted for the
// set, sorted.
func (p *provisioning) provisionedTo(arn string) []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Sorted(slices.Values(p.targets[arn]))
}

func TestIdentityAccessApply(t *testing.T) {
	m := testenv.Moto(t)
	m.Setenv(t)
	dir := newFoundation(t)
	withIdentity(t, dir, accessIdentity)
	if err := os.WriteFile(filepath.Join(dir, "auditor.json"), []byte(auditorPolicy), 0o644); err != nil {
		t.Fatal(err)
	}
	mustRun(t, dir, ExitOK, "apply", "--auto-approve")

	mgmt := callerAccount(t, m)
	accounts := listAccounts(t, m)
	var mgmtName string
	var all []string
	for _, a := range accounts {
		all = append(all, a.Name)
		if a.Id == mgmt {
			mgmtName = a.Name
		}
	}
	workloads := []string{"payments-dev-primary", "payments-prod-primary"}
	v := readSSO(t, m)
	if got := slices.Sorted(func(yield func(string) bool) {
		for name := range v.sets {
			if !yield(name) {
				return
			}
		}
	}); !slices.Equal(got, []string{"Auditor", "Developer", "LogArchiveAdminAccess", "MA-Administrator"}) {
		t.Errorf("aws sso-admin list-permission-sets: %v", got)
	}
	if want := expectedAssignments(mgmtName, workloads, all); !slices.Equal(v.assigned, want) {
		t.Errorf("aws sso-admin list-account-assignments:\n got %q\nwant %q", v.assigned, want)
	}
	var auditor struct {
		PermissionSet struct{ Description, SessionDuration string }
	}
	json.Unmarshal(m.AWS(t, "sso-admin", "describe-permission-set", "--instance-arn", v.instance, "--permission-set-arn", v.sets["Auditor"]), &auditor)
	var inline struct{ InlinePolicy string }
	json.Unmarshal(m.AWS(t, "sso-admin", "get-inline-policy-for-permission-set", "--instance-arn", v.instance, "--permission-set-arn", v.sets["Auditor"]), &inline)
	if auditor.PermissionSet.Description != "read everything" || auditor.PermissionSet.SessionDuration != "PT4H" || !strings.Contains(inline.InlinePolicy, "cloudtrail:LookupEvents") {
		t.Errorf("Auditor is %+v with inline policy %q", auditor.PermissionSet, inline.InlinePolicy)
	}
	var refs struct {
		CustomerManagedPolicyReferences []struct{ Name, Path string }
	}
	json.Unmarshal(m.AWS(t, "sso-admin", "list-customer-managed-policy-references-in-permission-set", "--instance-arn", v.instance,
		"--permission-set-arn", v.sets["Developer"]), &refs)
	if len(refs.CustomerManagedPolicyReferences) != 1 || refs.CustomerManagedPolicyReferences[0].Name != "developer-extra" {
		t.Errorf("Developer's customer managed policies: %+v", refs.CustomerManagedPolicyReferences)
	}

	// A second apply writes nothing.
	if _, errOut := mustRun(t, dir, ExitOK, "apply", "--auto-approve", "--stats"); !strings.Contains(errOut, "reads, 0 writes)") {
		t.Errorf("second apply made writes:\n%s", errOut)
	}

	// An account the spec adds to Workloads/Prod gets Workloads' and the
	// root's assignments in the apply that creates it.
	specPath := filepath.Join(dir, "foundation.yaml")
	src, _ := os.ReadFile(specPath)
	added := "  payments-new:\n    unit: Workloads/Prod\n    role: workload\n    workload: payments\n    environment: new\n    tags: { Owner: payments-team, Environment: Prod }\n"
	os.WriteFile(specPath, []byte(strings.Replace(string(src), "    role: identity-center\n", "    role: identity-center\n"+added, 1)), 0o644)
	out, _ := mustRun(t, dir, ExitChanges, "plan", "--detailed-exitcode")
	for _, want := range []string{"+ account aws-payments-new-primary@example.com",
		"+ account-assignment aws-payments-new-primary@example.com/Developer/GROUP/developers",
		"+ account-assignment aws-payments-new-primary@example.com/Auditor/USER/ana.lima"} {
		if !strings.Contains(out, want) {
			t.Errorf("plan with a new account lacks %q:\n%s", want, out)
		}
	}
	mustRun(t, dir, ExitOK, "apply", "--auto-approve")
	all = append(all, "payments-new-primary")
	workloads = append(workloads, "payments-new-primary")
	v = readSSO(t, m)
	if want := expectedAssignments(mgmtName, workloads, all); !slices.Equal(v.assigned, want) {
		t.Errorf("after adding an account, aws sso-admin list-account-assignments:\n got %q\nwant %q", v.assigned, want)
	}
	if _, errOut := mustRun(t, dir, ExitOK, "apply", "--auto-approve", "--stats"); !strings.Contains(errOut, "reads, 0 writes)") {
		t.Errorf("apply after the new account's made writes:\n%s", errOut)
	}

	// A set the spec does not manage, assigned by hand in a workload
	// account. (Without --session-duration moto stores the number 3600
	// where AWS answers an ISO 8601 string, which the SDK refuses.)
	var made struct {
		PermissionSet struct{ PermissionSetArn string }
	}
	json.Unmarshal(m.AWS(t, "sso-admin", "create-permission-set", "--instance-arn", v.instance, "--name", "HandMade",
		"--session-duration", "PT1H"), &made)
	_, usersByID, _ := principalNames(t, m, identityStore(t, m))
	var bo string
	for id, name := range usersByID {
		if name == "bo" {
			bo = id
		}
	}
	prod := listAccounts(t, m)["aws-payments-prod-primary@example.com"].Id
	m.AWS(t, "sso-admin", "create-account-assignment", "--instance-arn", v.instance, "--target-id", prod, "--target-type", "AWS_ACCOUNT",
		"--permission-set-arn", made.PermissionSet.PermissionSetArn, "--principal-type", "USER", "--principal-id", bo)
	handMade := "payments-prod-primary/HandMade/USER/bo"

	// From here groundwork reaches moto through the provisioning fake:
	// the assignments of a set the spec no longer assigns are found where
	// AWS lists the set provisioned, which moto does not.
	fake := newProvisioning(t, m)
	t.Setenv("AWS_ENDPOINT_URL", fake.URL)

	// The spec drops the root assignment: its 7 assignments go only with
	// --allow-delete, and the hand-made one stays.
	src, _ = os.ReadFile(specPath)
	os.WriteFile(specPath, []byte(strings.Replace(string(src), "    - {permission_set: Auditor, users: [ana.lima], root: true}\n", "", 1)), 0o644)
	out, _ = mustRun(t, dir, ExitOK, "apply", "--auto-approve")
	if !strings.Contains(out, "held    delete account-assignment/"+"aws-payments-new-primary@example.com/Auditor/USER/ana.lima") || !strings.Contains(out, "7 held") {
		t.Errorf("apply without --allow-delete:\n%s", out)
	}
	v = readSSO(t, m)
	if want := append(expectedAssignments(mgmtName, workloads, all), handMade); !sameSet(v.assigned, want) {
		t.Errorf("without --allow-delete, aws sso-admin list-account-assignments:\n got %q\nwant %q", v.assigned, want)
	}
	mustRun(t, dir, ExitOK, "apply", "--auto-approve", "--allow-delete")
	v = readSSO(t, m)
	if want := append(expectedAssignments(mgmtName, workloads, nil), handMade); !sameSet(v.assigned, want) {
		t.Errorf("with --allow-delete, aws sso-admin list-account-assignments:\n got %q\nwant %q", v.assigned, want)
	}

	// A change to an assigned set is made and provisioned again to the
	// accounts it is assigned in.
	src, _ = os.ReadFile(specPath)
	os.WriteFile(specPath, []byte(strings.Replace(string(src), "      managed_policies: [PowerUserAccess]\n",
		"      managed_policies: [PowerUserAccess, ReadOnlyAccess]\n", 1)), 0o644)
	mustRun(t, dir, ExitOK, "apply", "--auto-approve")
	live := listAccounts(t, m)
	want := []string{live["aws-payments-dev-primary@example.com"].Id, live["aws-payments-new-primary@example.com"].Id, prod}
	if got := fake.provisionedTo(v.sets["Developer"]); !sameSet(got, want) {
		t.Errorf("the changed Developer set was provisioned to %v, want %v (its workload accounts)", got, want)
	}
	var managed struct{ AttachedManagedPolicies []struct{ Name string } }
	json.Unmarshal(m.AWS(t, "sso-admin", "list-managed-policies-in-permission-set", "--instance-arn", v.instance,
		"--permission-set-arn", v.sets["Developer"]), &managed)
	if len(managed.AttachedManagedPolicies) != 2 {
		t.Errorf("Developer's managed policies: %+v", managed.AttachedManagedPolicies)
	}
	// Provisioned where it is assigned and out of date nowhere, the set
	// plans nothing more.
	mustRun(t, dir, ExitOK, "plan", "--detailed-exitcode")
	if _, errOut := mustRun(t, dir, ExitOK, "apply", "--auto-approve", "--stats"); !strings.Contains(errOut, "reads, 0 writes)") {
		t.Errorf("apply after the provisioning made writes:\n%s", errOut)
	}
	// Straight to moto, which lists the set out of date in the caller's
	// account for ever, the plan would provision it again each time: the
	// gap the fake covers.
	t.Setenv("AWS_ENDPOINT_URL", m.Endpoint)
	if out, _ := mustRun(t, dir, ExitChanges, "plan", "--detailed-exitcode"); !strings.Contains(out, "out of date in management") {
		t.Errorf("moto no longer reports a provisioned set out of date: the fake may go\n%s", out)
	}
}

// sameSet reports whether a and b hold the same strings, in any order.
func sameSet(a, b []string) bool {
	return slices.Equal(slices.Sorted(slices.Values(a)), slices.Sorted(slices.Values(b)))
}
