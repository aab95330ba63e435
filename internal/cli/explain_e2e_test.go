package cli

import (
	"encoding/json"
	"net"
	"strings"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/testenv"
)

// Run as a member account, groundwork names the account it is and the
// one to be, before reading anything that would fail for want of the
// management account's rights.
func TestMemberAccountIsNamed(t *testing.T) {
	m := testenv.Moto(t)
	m.Setenv(t)
	dir := newFoundation(t)
	var org struct {
		Organization struct{ Id, MasterAccountId string }
	}
	if err := json.Unmarshal(m.AWS(t, "organizations", "create-organization", "--feature-set", "ALL"), &org); err != nil {
		t.Fatal(err)
	}
	var created struct{ CreateAccountStatus struct{ AccountId string } }
	if err := json.Unmarshal(m.AWS(t, "organizations", "create-account", "--account-name", "log-archive", "--email", "log@example.com"), &created); err != nil {
		t.Fatal(err)
	}
	member := created.CreateAccountStatus.AccountId
	var role struct {
		Credentials struct{ AccessKeyId, SecretAccessKey, SessionToken string }
	}
	if err := json.Unmarshal(m.AWS(t, "sts", "assume-role", "--role-arn", "arn:aws:iam::"+member+":role/OrganizationAccountAccessRole", "--role-session-name", "member"), &role); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_ACCESS_KEY_ID", role.Credentials.AccessKeyId)
	t.Setenv("AWS_SECRET_ACCESS_KEY", role.Credentials.SecretAccessKey)
	t.Setenv("AWS_SESSION_TOKEN", role.Credentials.SessionToken)
	for _, verb := range [][]string{{"plan"}, {"apply", "--auto-approve"}, {"audit"}, {"import"}} {
		code, _, errOut := run(t, dir, "", verb...)
		want := "you are account " + member
		if code != ExitError || !strings.Contains(errOut, want) ||
			!strings.Contains(errOut, "a member of organization "+org.Organization.Id+"; run groundwork as its management account "+org.Organization.MasterAccountId) {
			t.Errorf("%s as a member: exit %d, want %d and %q\n%s", verb[0], code, ExitError, want, errOut)
		}
		if strings.Contains(errOut, "ParentNotFound") {
			t.Errorf("%s as a member still ends in ParentNotFound:\n%s", verb[0], errOut)
		}
	}
}

// A read that cannot reach the endpoint says so, and does not send the
// user to their credentials.
func TestUnreachableEndpointIsNotCredentials(t *testing.T) {
	m := testenv.Moto(t)
	m.Setenv(t)
	dir := newFoundation(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + l.Addr().String()
	l.Close()
	t.Setenv("AWS_ENDPOINT_URL", closed)
	code, _, errOut := run(t, dir, "", "plan")
	if code != ExitError || !strings.Contains(errOut, "cannot reach "+closed+" (connection refused") || !strings.Contains(errOut, "not a credentials problem") {
		t.Errorf("plan against a closed port: exit %d\n%s", code, errOut)
	}
	if strings.Contains(errOut, "check your credentials") {
		t.Errorf("plan against a closed port blames the credentials:\n%s", errOut)
	}
}
