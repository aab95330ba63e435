package identity

import (
	"testing"

	"github.com/groundwork-aws/groundwork/internal/audit/audittest"
	"github.com/groundwork-aws/groundwork/internal/estate"
)

// The Identity account of the model's clean estate, and the resources the
// checks name.
const (
	idaKey = "identity@example.com"
	idaID  = "777777777777"
)

// mfaTrust is a stage role's trust as groundwork writes it, for the
// Identity account.
func mfaTrust() string {
	out, _ := estate.Resolve(trustPolicy(idaKey), func(string, string) (string, bool) { return idaID, true })
	return out
}

// modelled is the recommended foundation using guidance 002's
// Identity-account model as groundwork builds it: two users in the group
// with its self-service policy, the stage roles in the workload accounts,
// and the organization's access role in every member, which trusts the
// management account. Every check passes on it.
func modelled() *estate.Estate {
	e := audittest.Foundation()
	audittest.AddAccount(e, idaID, "identity", "Infrastructure", estate.RoleIdentity, "")
	policy, _ := estate.Resolve(groupPolicy(&AccountModel{Path: "/org-admin/"}), func(kind, arg string) (string, bool) {
		if kind == estate.RefOrgID {
			return "o-abc123", true
		}
		return "${" + kind + ":" + arg + "}", true
	})
	m := &estate.IdentityAccount{Account: idaKey, Group: "identity-users", GroupPolicy: policy,
		Users: map[string]*estate.IdentityAccountUser{
			"ana": {Name: "ana", Groups: []string{"identity-users"}},
			"ben": {Name: "ben", Groups: []string{"identity-users"}},
		},
		Roles: map[string]*estate.StageRole{}, OutsideUsers: map[string][]string{estate.ManagementKey: {"break-glass"}}}
	cross := map[string]*estate.CrossAccountRole{}
	for _, key := range []string{audittest.ProdKey, audittest.DevKey} {
		w := estate.Where{Account: estate.AccountKey(key)}
		m.Roles[w.Key("Administrator")] = &estate.StageRole{Where: w, Name: "Administrator", Path: "/org-admin/", Trust: mfaTrust(), MaxSessionSeconds: 3600}
		cross[w.Key("Administrator")] = &estate.CrossAccountRole{Where: w, Name: "Administrator", Path: "/org-admin/", Trust: mfaTrust()}
	}
	for _, key := range audittest.AccountKeys()[1:] {
		w := estate.Where{Account: estate.AccountKey(key)}
		cross[w.Key("OrganizationAccountAccessRole")] = &estate.CrossAccountRole{Where: w, Name: "OrganizationAccountAccessRole", Path: "/",
			Trust: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:root"},"Action":"sts:AssumeRole"}]}`}
	}
	e.Identity = &estate.Identity{Account: m, CrossAccountRoles: cross}
	return e
}

var idaChecks = []string{"GW-IDA-001", "GW-IDA-002", "GW-IDA-003", "GW-IDA-004", "GW-IDA-005"}

func TestModelledFoundationIsClean(t *testing.T) {
	audittest.Clean(t, "foundation with the Identity-account model", modelled())
}

func TestIdentityAccountChecksRegistered(t *testing.T) {
	audittest.Documented(t, audittest.Registered(t, "GW-IDA-", idaChecks))
}

// Without the model the spec names (none, or one the read only found)
// its checks say nothing; without the roles read, the trust checks say
// nothing.
func TestIdentityAccountChecksUnread(t *testing.T) {
	for name, edit := range map[string]func(e *estate.Estate){
		"found":     func(e *estate.Estate) { e.Identity.Account.Detected = true },
		"not named": func(e *estate.Estate) { e.Identity.Account = nil },
	} {
		e := modelled()
		e.Identity.Account.OutsideUsers[audittest.ProdKey] = []string{"bob"}
		e.Identity.Account.Users["ana"].InlinePolicies = []string{"s3"}
		e.Identity.Account.Roles[estate.Where{Account: audittest.ProdKey}.Key("Administrator")].Trust = trustDoc(`{"AWS":"`+idaID+`"}`, "")
		for _, id := range idaChecks[:3] {
			if fs := audittest.RunCheck(t, id, e); len(fs) == 0 {
				t.Fatalf("%s finds nothing on the model the spec names", id)
			}
		}
		edit(e)
		for _, id := range idaChecks[:3] {
			if fs := audittest.RunCheck(t, id, e); len(fs) > 0 {
				t.Errorf("%s fires on a model %s: %+v", id, name, fs)
			}
		}
	}
	e := modelled()
	e.Identity = nil
	for _, id := range idaChecks {
		if fs := audittest.RunCheck(t, id, e); len(fs) > 0 {
			t.Errorf("%s fires on an unread layer: %+v", id, fs)
		}
	}
}

func role(key, name, trust string) func(e *estate.Estate) {
	return func(e *estate.Estate) {
		w := estate.Where{Account: estate.AccountKey(key)}
		e.Identity.CrossAccountRoles[w.Key(name)] = &estate.CrossAccountRole{Where: w, Name: name, Path: "/", Trust: trust}
	}
}

func trustDoc(principal, condition string) string {
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":` + principal + `,"Action":"sts:AssumeRole"`
	if condition != "" {
		doc += `,"Condition":` + condition
	}
	return doc + `}]}`
}

func TestIdentityAccountChecks(t *testing.T) {
	users := func(f func(m *estate.IdentityAccount)) func(e *estate.Estate) {
		return func(e *estate.Estate) { f(e.Identity.Account) }
	}
	const (
		prodRes  = "account/444444444444 (payments-prod)"
		groupRes = "iam-group/identity-users (identity)"
	)
	audittest.RunCases(t, modelled, map[string]audittest.Case{
		"user outside": {Check: "GW-IDA-001", Edit: users(func(m *estate.IdentityAccount) {
			m.OutsideUsers[audittest.ProdKey] = []string{"bob", "carol"}
		}), Want: []string{prodRes}, Msg: "2 IAM user(s) outside the Identity account: bob, carol"},
		"user policy": {Check: "GW-IDA-002", Edit: users(func(m *estate.IdentityAccount) {
			m.Users["ana"].ManagedPolicies = []string{"arn:aws:iam::aws:policy/AdministratorAccess"}
			m.Users["ben"].Groups = append(m.Users["ben"].Groups, "admins")
		}), Want: []string{"iam-user/ana (identity)", "iam-user/ben (identity)"}, Msg: "AdministratorAccess"},
		"user inline": {Check: "GW-IDA-002", Edit: users(func(m *estate.IdentityAccount) {
			m.Users["ben"].InlinePolicies = []string{"s3"}
		}), Want: []string{"iam-user/ben (identity)"}, Msg: "inline s3"},
		"group managed": {Check: "GW-IDA-002", Edit: users(func(m *estate.IdentityAccount) {
			m.GroupManagedPolicies = []string{"arn:aws:iam::aws:policy/ReadOnlyAccess"}
		}), Want: []string{groupRes}, Msg: "ReadOnlyAccess"},
		"group wildcard": {Check: "GW-IDA-002", Edit: users(func(m *estate.IdentityAccount) {
			m.GroupPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:*","Resource":"*"}]}`
		}), Want: []string{groupRes}, Msg: "allowing iam:*"},
		"keys of others": {Check: "GW-IDA-002", Edit: users(func(m *estate.IdentityAccount) {
			m.GroupPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:CreateAccessKey","sts:AssumeRole"],"Resource":"*"}]}`
		}), Want: []string{groupRes}, Msg: "iam:CreateAccessKey on other users, sts:AssumeRole on every role"},
		"stage role without MFA": {Check: "GW-IDA-003", Edit: func(e *estate.Estate) {
			r := e.Identity.Account.Roles[estate.Where{Account: audittest.ProdKey}.Key("Administrator")]
			r.Trust = trustDoc(`{"AWS":"arn:aws:iam::`+idaID+`:root"}`, "")
		}, Want: []string{"iam-role/Administrator (payments-prod)"}, Msg: "without MFA"},
		"if exists is no MFA": {Check: "GW-IDA-003",
			Edit: role(audittest.SandboxKey, "dev", trustDoc(`{"AWS":"`+idaID+`"}`, `{"BoolIfExists":{"aws:MultiFactorAuthPresent":"true"}}`)),
			Want: []string{"iam-role/dev (sandbox-ana)"}},
		"other role with MFA": {Check: "GW-IDA-003",
			Edit: role(audittest.SandboxKey, "dev", trustDoc(`{"AWS":"arn:aws:iam::`+idaID+`:user/ana"}`, `{"NumericLessThan":{"aws:MultiFactorAuthAge":"3600"}}`))},
		"anyone is not the Identity account's finding": {Check: "GW-IDA-003", Edit: role(audittest.DevKey, "open", trustDoc(`{"AWS":"*"}`, ""))},
		"anyone": {Check: "GW-IDA-004", Edit: role(audittest.DevKey, "open", trustDoc(`{"AWS":"*"}`, "")),
			Want: []string{"iam-role/open (payments-dev)"}, Msg: "every AWS principal"},
		"anyone bound to the organization": {Check: "GW-IDA-004",
			Edit: role(audittest.DevKey, "org", trustDoc(`"*"`, `{"StringEquals":{"aws:PrincipalOrgID":"o-abc123"}}`))},
		"anyone with a negative condition": {Check: "GW-IDA-004",
			Edit: role(audittest.DevKey, "open", trustDoc(`"*"`, `{"StringNotEquals":{"aws:PrincipalAccount":"999999999999"}}`)),
			Want: []string{"iam-role/open (payments-dev)"}},
		"outside account": {Check: "GW-IDA-005", Edit: role(audittest.ProdKey, "vendor", trustDoc(`{"AWS":["arn:aws:iam::999999999999:role/x","444444444444"]}`, `{"StringEquals":{"sts:ExternalId":"x"}}`)),
			Want: []string{"iam-role/vendor (payments-prod)"}, Msg: "outside the organization: account 999999999999"},
		"outside organization": {Check: "GW-IDA-005",
			Edit: role(audittest.ProdKey, "partner", trustDoc(`"*"`, `{"StringEquals":{"aws:PrincipalOrgID":"o-other"}}`)),
			Want: []string{"iam-role/partner (payments-prod)"}, Msg: "organization o-other"},
		"service role is not cross-account": {Check: "GW-IDA-005",
			Edit: role(audittest.ProdKey, "svc", trustDoc(`{"Service":"ec2.amazonaws.com"}`, ""))},
	}, audittest.NamesAccount)
}
