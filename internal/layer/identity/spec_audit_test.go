package identity_test

import (
	"strings"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/spec"
	"github.com/groundwork-aws/groundwork/internal/spec/spectest"
)

// identity.audit sets the audit's limits; unwritten ones take the
// defaults, and the desired estate carries them to the audit.
func TestAuditLimitsDesired(t *testing.T) {
	d := spectest.MustParse(t, spectest.Minimal+"identity:\n  audit: {admin_accounts: 2, session_hours: 4}\n").Desired()
	want := estate.IdentityLimits{AdminAccounts: 2, SessionHours: 4, ManagementUsers: estate.DefaultManagementUsers}
	if got := d.Identity.Limits; got != want {
		t.Errorf("limits = %+v, want %+v", got, want)
	}
	d = spectest.MustParse(t, spectest.Minimal+"identity: {model: identity_account, identity_account: {account: id}}\n"+
		"accounts: {id: {unit: Security, role: identity}}\n").Desired()
	if got := d.Identity.Limits; got != (estate.IdentityLimits{}).Or() {
		t.Errorf("identity-account model limits = %+v, want the defaults", got)
	}
}

func TestAuditLimitsBadInput(t *testing.T) {
	_, err := spec.Parse("foundation.yaml", []byte(spectest.Minimal+
		"identity:\n  audit: {admin_accounts: -1, session_hours: 13, management_users: -2}\n"))
	ds, ok := err.(spec.Diagnostics)
	if !ok {
		t.Fatalf("Parse: %v; want diagnostics", err)
	}
	all := ds.Error()
	for _, want := range []string{
		"identity.audit.admin_accounts: -1 is not a number of accounts",
		"identity.audit.session_hours: 13 is outside what Identity Center allows",
		"identity.audit.management_users: -2 is not a number of people",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("diagnostics lack %q:\n%s", want, all)
		}
	}
}
