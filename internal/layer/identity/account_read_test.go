package identity_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/inventory"
	"github.com/groundwork-aws/groundwork/internal/layer/identity"
)

// The model's read sees what the audit judges: users outside the
// Identity account, the group's other policies and each user's own, the
// stage roles by the names the spec gives; with Warn set an account that
// refuses is recorded as not read and the others are read.
func TestReadAccountModel(t *testing.T) {
	w := acctLooseWorld()
	id := w.account(acctIDID)
	id.groups["identity-users"].attached = []string{"arn:aws:iam::aws:policy/ReadOnlyAccess"}
	id.groups["identity-users"].inline["extra"] = `{}`
	id.groups["admins"] = &iamGroup{inline: map[string]string{}}
	id.users["ana"] = &iamUser{groups: []string{"admins", "identity-users"}, attached: []string{"arn:aws:iam::aws:policy/AdministratorAccess"}, inline: []string{"s3"}}
	w.account(acctProdID).users["bob"] = &iamUser{}
	w.account(acctMgmtID).users["break-glass"] = &iamUser{}
	w.account(acctProdID).roles["Other"] = &iamRole{path: "/", trust: `{}`}
	w.denied[acctDevID] = true

	d, base := acctEstates(t)
	actual := *base
	var warned []inventory.Unread
	var mu sync.Mutex // the read warns from the goroutine of each account
	opts := inventory.Options{Warn: func(err error) {
		mu.Lock()
		defer mu.Unlock()
		warned = append(warned, inventory.UnreadOf(err))
	}}
	if err := identity.ReadAccountModel(context.Background(), w.reads, d.Identity.Account, &actual, opts); err != nil {
		t.Fatal(err)
	}
	m := actual.Identity.Account
	if m.Group != "identity-users" || !slices.Equal(m.GroupManagedPolicies, []string{"arn:aws:iam::aws:policy/ReadOnlyAccess"}) ||
		!slices.Equal(m.GroupInlinePolicies, []string{"extra"}) || !strings.Contains(m.GroupPolicy, `"Action":"*"`) {
		t.Errorf("group %+v", m)
	}
	if u := m.Users["ana"]; u == nil || !slices.Equal(u.Groups, []string{"admins", "identity-users"}) ||
		!slices.Equal(u.ManagedPolicies, []string{"arn:aws:iam::aws:policy/AdministratorAccess"}) || !slices.Equal(u.InlinePolicies, []string{"s3"}) {
		t.Errorf("ana %+v", m.Users["ana"])
	}
	want := map[string][]string{acctProd: {"bob"}, estate.ManagementKey: {"break-glass"}}
	if len(m.OutsideUsers) != 2 || !slices.Equal(m.OutsideUsers[acctProd], want[acctProd]) || !slices.Equal(m.OutsideUsers[estate.ManagementKey], want[estate.ManagementKey]) {
		t.Errorf("outside users %v, want %v", m.OutsideUsers, want)
	}
	var roles []string
	for k := range m.Roles {
		roles = append(roles, k)
	}
	if !slices.Equal(roles, []string{acctProd + "//ReadOnly"}) {
		t.Errorf("roles %v: want web-prod's ReadOnly only (Other is not a stage role, web-dev refused)", roles)
	}
	if r := m.Roles[acctProd+"//ReadOnly"]; r.MaxSessionSeconds != 43200 || !strings.HasPrefix(r.Trust, "{") {
		t.Errorf("ReadOnly %+v: the trust is decoded", r)
	}
	if len(warned) != 2 || warned[0].Read != "identity/account" || warned[0].Account != acctDevID || warned[0].Code != "AccessDenied" {
		t.Errorf("warned %+v, want web-dev's users and roles not read", warned)
	}

	// Without Warn (plan) a refusal fails the read.
	if err := identity.ReadAccountModel(context.Background(), w.reads, d.Identity.Account, base, inventory.Options{}); err == nil || !strings.Contains(err.Error(), "AccessDenied") {
		t.Errorf("read without Warn: %v", err)
	}
}

// The cross-account roles are the roles that another account, or
// anyone, may assume: not service roles, not those trusting their own
// account.
func TestReadCrossAccountRoles(t *testing.T) {
	w := newIAMWorld()
	roles := w.account(acctProdID).roles
	roles["svc"] = &iamRole{path: "/service-role/", trust: trustDocument(`{"Service":"lambda.amazonaws.com"}`)}
	roles["self"] = &iamRole{path: "/", trust: trustDocument(`{"AWS":"arn:aws:iam::` + acctProdID + `:root"}`)}
	roles["access"] = &iamRole{path: "/", trust: trustDocument(`{"AWS":"arn:aws:iam::` + acctMgmtID + `:root"}`)}
	roles["open"] = &iamRole{path: "/", trust: trustDocument(`"*"`)}
	w.account(acctMgmtID).roles["vendor"] = &iamRole{path: "/", trust: trustDocument(`{"AWS":"999999999999"}`)}
	_, base := acctEstates(t)
	shared := &inventory.Shared{}
	if err := identity.ReadCrossAccountRoles(context.Background(), w.reads, base, inventory.Options{Shared: shared}); err != nil {
		t.Fatal(err)
	}
	var got []string
	for k := range base.Identity.CrossAccountRoles {
		got = append(got, k)
	}
	slices.Sort(got)
	want := []string{acctProd + "//access", acctProd + "//open", "management//vendor"}
	if !slices.Equal(got, want) {
		t.Errorf("cross-account roles %v, want %v", got, want)
	}
	w.denied[acctDevID] = true
	err := identity.ReadCrossAccountRoles(context.Background(), w.reads, base, inventory.Options{Shared: &inventory.Shared{}})
	if !errors.As(err, new(interface{ ErrorCode() string })) || !strings.Contains(err.Error(), "AccessDenied") {
		t.Errorf("read of a refusing account without Warn: %v", err)
	}
}

func trustDocument(principal string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":` + principal + `,"Action":"sts:AssumeRole"}]}`
}

// Without a spec that names the model, the read finds it: the member
// account that roles of other accounts trust with MFA is the Identity
// account, those roles its stage roles, and the group whose policy lets
// its users assume roles its group. A role trusting the management
// account, or an account with MFA from outside the organization, is no
// sign of it.
func TestDetectAccountModel(t *testing.T) {
	w := newIAMWorld()
	mfa := `{"Bool":{"aws:MultiFactorAuthPresent":"true"}}`
	trust := func(principal, cond string) string {
		return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + principal + `"},"Action":"sts:AssumeRole","Condition":` + cond + `}]}`
	}
	w.account(acctProdID).roles["Admin"] = &iamRole{path: "/people/", maxSession: 3600, attached: []string{"arn:aws:iam::aws:policy/AdministratorAccess"},
		trust: trust("arn:aws:iam::"+acctIDID+":root", mfa)}
	w.account(acctDevID).roles["Admin"] = &iamRole{path: "/people/", maxSession: 3600, trust: trust(acctIDID, mfa)}
	w.account(acctDevID).roles["access"] = &iamRole{path: "/", trust: trust("arn:aws:iam::"+acctMgmtID+":root", mfa)}
	w.account(acctProdID).roles["vendor"] = &iamRole{path: "/", trust: trust("999999999999", mfa)}
	id := w.account(acctIDID)
	id.groups["admins"] = &iamGroup{inline: map[string]string{"ec2": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:*","Resource":"*"}]}`}}
	id.groups["people"] = &iamGroup{inline: map[string]string{"switch": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::*:role/people/*"}]}`}}
	id.users["ana"] = &iamUser{groups: []string{"people"}}
	_, base := acctEstates(t)
	if err := identity.ReadCrossAccountRoles(context.Background(), w.reads, base, inventory.Options{}); err != nil {
		t.Fatal(err)
	}
	found := identity.DetectAccountModel(base)
	if found == nil || found.Account != acctIdentity || !found.Detected || len(found.Roles) != 2 ||
		found.Roles[acctProd+"//Admin"] == nil || found.Roles[acctDev+"//Admin"] == nil {
		t.Fatalf("detected %+v", found)
	}
	if err := identity.ReadAccountModel(context.Background(), w.reads, found, base, inventory.Options{}); err != nil {
		t.Fatal(err)
	}
	m := base.Identity.Account
	if !m.Detected || m.Group != "people" || m.Users["ana"] == nil || len(m.OutsideUsers) != 0 ||
		!slices.Equal(m.Roles[acctProd+"//Admin"].ManagedPolicies, []string{"arn:aws:iam::aws:policy/AdministratorAccess"}) {
		t.Errorf("model read %+v", m)
	}

	// No role trusting a member with MFA: no model.
	_, base = acctEstates(t)
	delete(w.account(acctProdID).roles, "Admin")
	delete(w.account(acctDevID).roles, "Admin")
	if err := identity.ReadCrossAccountRoles(context.Background(), w.reads, base, inventory.Options{}); err != nil {
		t.Fatal(err)
	}
	if found := identity.DetectAccountModel(base); found != nil {
		t.Errorf("detected %+v from roles trusting the management account and an outside one", found)
	}
}
