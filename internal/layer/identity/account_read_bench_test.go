package identity_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/inventory"
	"github.com/groundwork-aws/groundwork/internal/layer/identity"
)

// BenchmarkReadAccountModel reads the Identity-account model of an
// organization of 1,000 accounts (each with the three default stage
// roles wanted, two of them made, and the access role), 20 users in the
// Identity account, and reports the calls per account: the model's plan
// read and an audit's survey, whose roles read is shared.
func BenchmarkReadAccountModel(b *testing.B) {
	const accounts, users = 1000, 20
	mfa := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::100000000000:root"},"Action":"sts:AssumeRole","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}`
	access := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999900000000:root"},"Action":"sts:AssumeRole"}]}`
	w := newIAMWorld()
	e := estate.New()
	e.Organization = &estate.Organization{ID: "o-1", ManagementAccountID: "999900000000"}
	want := &estate.IdentityAccount{Account: "identity@example.com", Group: "identity-users", Roles: map[string]*estate.StageRole{}}
	e.Accounts["identity@example.com"] = &estate.Account{ID: "100000000000", Email: "identity@example.com", Status: "ACTIVE"}
	id := w.account("100000000000")
	id.groups["identity-users"] = &iamGroup{inline: map[string]string{identity.GroupPolicyName: `{}`}}
	for i := range users {
		id.users[fmt.Sprintf("user%02d", i)] = &iamUser{groups: []string{"identity-users"}}
	}
	for i := range accounts {
		acctID, key := fmt.Sprintf("2%011d", i), fmt.Sprintf("a%04d@example.com", i)
		e.Accounts[key] = &estate.Account{ID: acctID, Email: key, Status: "ACTIVE"}
		roles := w.account(acctID).roles
		roles["OrganizationAccountAccessRole"] = &iamRole{path: "/", trust: access}
		for _, name := range []string{"Administrator", "ReadOnly", "PowerUser"} {
			where := estate.Where{Account: estate.AccountKey(key)}
			want.Roles[where.Key(name)] = &estate.StageRole{Where: where, Name: name}
			if name != "PowerUser" {
				roles[name] = &iamRole{path: "/org-admin/", trust: mfa, maxSession: 3600, attached: []string{"arn:aws:iam::aws:policy/ReadOnlyAccess"}}
			}
		}
	}
	opts := inventory.Options{Width: 32}
	var plan, survey int
	for range b.N {
		w.calls = 0
		actual := *e
		if err := identity.ReadAccountModel(context.Background(), w.reads, want, &actual, opts); err != nil {
			b.Fatal(err)
		}
		plan = w.calls
		w.calls = 0
		opts.Shared = &inventory.Shared{}
		if err := identity.ReadCrossAccountRoles(context.Background(), w.reads, &actual, opts); err != nil {
			b.Fatal(err)
		}
		if err := identity.ReadAccountModel(context.Background(), w.reads, want, &actual, opts); err != nil {
			b.Fatal(err)
		}
		survey = w.calls
		opts.Shared = nil
	}
	b.ReportMetric(float64(plan)/accounts, "plan-calls/account")
	b.ReportMetric(float64(survey)/accounts, "survey-calls/account")
}
