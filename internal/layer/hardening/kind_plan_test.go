package hardening_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/kinds/kindstest"
	"github.com/groundwork-aws/groundwork/internal/layer/hardening"
	"github.com/groundwork-aws/groundwork/internal/plan"
	"github.com/groundwork-aws/groundwork/internal/spec"
)

const hrdSpec = `version: 1
organization: {id: primary, email_domain: example.com, home_region: us-east-1, regions: [us-east-1, eu-west-1]}
units: {Security: {}, Workloads: {units: {Prod: {}}}}
accounts:
  log-archive: {unit: Security, role: log-archive}
  web-prod: {unit: Workloads/Prod, role: workload, workload: web, environment: prod}
hardening: %s
`

const (
	hrdMgmtID, hrdLAID, hrdWebID = "111111111111", "222222222222", "333333333333"
	hrdLA, hrdWeb                = "aws-log-archive-primary@example.com", "aws-web-prod-primary@example.com"
	hrdCaller                    = "arn:aws:iam::111111111111:user/ci"
)

var hrdKinds = []string{hardening.KindPasswordPolicy, hardening.KindAccountPublicAccessBlock, hardening.KindDefaultVPC, hardening.KindManagementIAMUser}

// hrdEstates returns the desired estate of hrdSpec with the hardening
// section given, and an actual estate where the organization and both
// accounts exist, hardened as the spec asks, with no default VPCs and no
// IAM users.
func hrdEstates(t *testing.T, hardening string) (desired, actual *estate.Estate) {
	t.Helper()
	f, err := spec.Parse("foundation.yaml", []byte(fmt.Sprintf(hrdSpec, hardening)))
	if err != nil {
		t.Fatal(err)
	}
	desired = f.Desired()
	actual = estate.New()
	actual.Organization = &estate.Organization{ID: "o-abc", RootID: "r-1", FeatureSet: "ALL", ManagementAccountID: hrdMgmtID}
	actual.Units["Security"] = &estate.Unit{ID: "ou-1", Path: "Security"}
	actual.Units["Workloads"] = &estate.Unit{ID: "ou-2", Path: "Workloads"}
	actual.Units["Workloads/Prod"] = &estate.Unit{ID: "ou-3", Path: "Workloads/Prod"}
	actual.Accounts[hrdLA] = &estate.Account{ID: hrdLAID, Email: hrdLA, Name: "log-archive-primary", Unit: "Security", Status: "ACTIVE"}
	actual.Accounts[hrdWeb] = &estate.Account{ID: hrdWebID, Email: hrdWeb, Name: "web-prod-primary", Unit: "Workloads/Prod", Status: "ACTIVE"}
	h := estate.NewHardening()
	d := desired.Hardening
	h.Accounts, h.Regions, h.HomeRegion, h.Caller = d.Accounts, d.Regions, d.HomeRegion, hrdCaller
	for _, acct := range d.Accounts {
		if p := d.PasswordPolicies[acct]; p != nil {
			cp := *p
			h.PasswordPolicies[acct] = &cp
		}
		h.PublicAccessBlocks[acct] = estate.BlockAll()
		h.Roots[acct] = &estate.RootCredentials{MFA: true}
	}
	actual.Hardening = h
	return desired, actual
}

// hrdDiff runs the hardening kinds' Diff alone: their changes and notes,
// without those of the other layers.
func hrdDiff(t *testing.T, desired, actual *estate.Estate) ([]plan.Change, []string) {
	t.Helper()
	var changes []plan.Change
	var notes []string
	for _, name := range hrdKinds {
		k, ok := kinds.Lookup(name)
		if !ok {
			t.Fatalf("kind %s is not registered", name)
		}
		c, n := k.Diff(desired, actual)
		changes, notes = append(changes, c...), append(notes, n...)
	}
	return changes, notes
}

// hrdWithoutValues drops the typed values of changes, to compare what the
// plan shows; TestHardeningSavedPlanAppliesTheSame proves the values.
func hrdWithoutValues(changes []plan.Change) []plan.Change {
	out := slices.Clone(changes)
	for i := range out {
		out[i].Value = nil
	}
	return out
}

// hrdChange is the change Diff plans at addr.
func hrdChange(t *testing.T, desired, actual *estate.Estate, addr string) plan.Change {
	t.Helper()
	changes, _ := hrdDiff(t, desired, actual)
	for _, ch := range changes {
		if ch.Address == addr {
			return ch
		}
	}
	t.Fatalf("no change planned at %s: %+v", addr, changes)
	return plan.Change{}
}

func strongPolicy(account string) plan.Attrs {
	return plan.Attrs{"account": account, "min_length": "14", "require_uppercase": "true", "require_lowercase": "true",
		"require_numbers": "true", "require_symbols": "true", "max_age_days": "90", "reuse_prevention": "24",
		"allow_users_to_change": "true", "hard_expiry": "false"}
}

func blockAll(account string) plan.Attrs {
	return plan.Attrs{"account": account, "block_public_acls": "true", "ignore_public_acls": "true",
		"block_public_policy": "true", "restrict_public_buckets": "true"}
}

func setPolicy(account, group string, action plan.Action, before plan.Attrs) plan.Change {
	return plan.Change{Address: hardening.PasswordPolicyAddress(account), Kind: hardening.KindPasswordPolicy, Action: action,
		Group: group, Before: before, After: strongPolicy(account), DependsOn: hrdAccountDeps(account)}
}

func setBlock(account, group string, action plan.Action, before plan.Attrs) plan.Change {
	return plan.Change{Address: hardening.AccountPublicAccessBlockAddress(account), Kind: hardening.KindAccountPublicAccessBlock,
		Action: action, Group: group, Before: before, After: blockAll(account), DependsOn: hrdAccountDeps(account)}
}

func hrdAccountDeps(account string) []string {
	if account == estate.ManagementKey {
		return []string{kinds.OrganizationAddress}
	}
	return []string{kinds.AccountAddress(account), kinds.OrganizationAddress}
}

func addDefaultVPC(e *estate.Estate, account, region, id string, enis int) {
	w := estate.Where{Account: estate.AccountKey(account), Region: region}
	e.Hardening.DefaultVPCs[w.Key(id)] = &estate.DefaultVPC{Where: w, ID: id, CIDR: "172.31.0.0/16", NetworkInterfaces: enis}
}

func addUsers(e *estate.Estate, names ...string) {
	for _, n := range names {
		e.Hardening.ManagementUsers[n] = &estate.IAMUser{Name: n, ARN: "arn:aws:iam::" + hrdMgmtID + ":user/" + n, Path: "/"}
	}
}

func TestPlanHardening(t *testing.T) {
	mgmt := estate.ManagementKey
	tests := map[string]struct {
		hardening string
		actual    func(e *estate.Estate)
		want      []plan.Change
		notes     []string
	}{
		"in place": {hardening: "{}"},
		"nothing read yet": {
			hardening: "{}",
			actual:    func(e *estate.Estate) { e.Hardening = nil },
			want: []plan.Change{
				setPolicy(mgmt, "", plan.Create, nil), setPolicy(hrdLA, "Security", plan.Create, nil),
				setPolicy(hrdWeb, "Workloads/Prod", plan.Create, nil),
				setBlock(mgmt, "", plan.Create, nil), setBlock(hrdLA, "Security", plan.Create, nil),
				setBlock(hrdWeb, "Workloads/Prod", plan.Create, nil),
			},
		},
		"drift": {
			hardening: "{}",
			actual: func(e *estate.Estate) {
				p := e.Hardening.PasswordPolicies[mgmt]
				p.MinLength, p.RequireSymbols, p.MaxAgeDays = 8, false, 0
				delete(e.Hardening.PasswordPolicies, hrdLA)
				e.Hardening.PublicAccessBlocks[hrdLA] = &estate.PublicAccessBlock{}
				e.Hardening.PublicAccessBlocks[hrdWeb] = &estate.PublicAccessBlock{BlockPublicACLs: true, BlockPublicPolicy: true}
			},
			want: []plan.Change{
				setPolicy(mgmt, "", plan.Update, kindstest.WithAttr(kindstest.WithAttr(kindstest.WithAttr(strongPolicy(mgmt), "min_length", "8"),
					"require_symbols", "false"), "max_age_days", "0")),
				setPolicy(hrdLA, "Security", plan.Create, nil),
				setBlock(hrdLA, "Security", plan.Create, nil),
				setBlock(hrdWeb, "Workloads/Prod", plan.Update, kindstest.WithAttr(kindstest.WithAttr(blockAll(hrdWeb), "ignore_public_acls", "false"),
					"restrict_public_buckets", "false")),
			},
		},
		"weaker policy the spec asks for": {
			hardening: "{password_policy: {min_length: 8, max_age_days: 0, reuse_prevention: 0}}",
			actual: func(e *estate.Estate) {
				for acct := range e.Hardening.PasswordPolicies {
					e.Hardening.PasswordPolicies[acct] = &estate.PasswordPolicy{MinLength: 14, RequireUppercase: true,
						RequireLowercase: true, RequireNumbers: true, RequireSymbols: true, MaxAgeDays: 90, ReusePrevention: 24,
						AllowUsersToChange: true}
				}
			},
			want: func() []plan.Change {
				var out []plan.Change
				for _, a := range []struct{ key, group string }{{mgmt, ""}, {hrdLA, "Security"}, {hrdWeb, "Workloads/Prod"}} {
					ch := setPolicy(a.key, a.group, plan.Update, strongPolicy(a.key))
					ch.After = kindstest.WithAttr(kindstest.WithAttr(kindstest.WithAttr(strongPolicy(a.key), "min_length", "8"), "max_age_days", "0"), "reuse_prevention", "0")
					out = append(out, ch)
				}
				return out
			}(),
		},
		"closing account left alone": {
			hardening: "{}",
			actual: func(e *estate.Estate) {
				e.Accounts[hrdLA].Status = "SUSPENDED"
				delete(e.Hardening.PasswordPolicies, hrdLA)
				delete(e.Hardening.PublicAccessBlocks, hrdLA)
			},
		},
		"exception left alone": {
			hardening: "{s3_block_public_access: {exceptions: [web-prod]}}",
			actual: func(e *estate.Estate) {
				e.Hardening.PublicAccessBlocks[hrdWeb] = &estate.PublicAccessBlock{BlockPublicPolicy: true}
			},
			notes: []string{hrdWeb + " is an exception under hardening.s3_block_public_access but blocks some public access already"},
		},
		"exception without any block": {
			hardening: "{s3_block_public_access: {exceptions: [web-prod]}}",
			actual:    func(e *estate.Estate) { e.Hardening.PublicAccessBlocks[hrdWeb] = &estate.PublicAccessBlock{} },
		},
		"parts switched off": {
			hardening: "{password_policy: {enabled: false}, s3_block_public_access: {enabled: false}}",
			actual: func(e *estate.Estate) {
				e.Hardening.PasswordPolicies = map[string]*estate.PasswordPolicy{}
				e.Hardening.PublicAccessBlocks[hrdLA] = &estate.PublicAccessBlock{}
			},
		},
		"default VPCs": {
			hardening: "{}",
			actual: func(e *estate.Estate) {
				addDefaultVPC(e, hrdLA, "us-east-1", "vpc-la", 0)
				addDefaultVPC(e, hrdWeb, "eu-west-1", "vpc-web", 3)
				addDefaultVPC(e, mgmt, "ap-southeast-2", "vpc-far", 0) // not an operational Region
			},
			want: []plan.Change{{
				Address: hardening.DefaultVPCAddress(estate.Where{Account: hrdLA, Region: "us-east-1"}), Kind: hardening.KindDefaultVPC,
				Action: plan.Delete, Group: "Security", NeedsAllowDelete: true, Basis: plan.BasisSpec, Confirm: hardening.ConfirmDefaultVPCs,
				Reason: "hardening.delete_default_vpcs: its subnets and internet gateway are deleted first; runs only with --allow-delete-default-vpcs",
				Before: plan.Attrs{"account": hrdLA, "region": "us-east-1", "vpc_id": "vpc-la", "cidr": "172.31.0.0/16", "network_interfaces": "0"},
			}},
			notes: []string{"default VPC vpc-web of " + hrdWeb + " in eu-west-1 kept: 3 network interfaces use it"},
		},
		"default VPCs kept when the spec says so": {
			hardening: "{delete_default_vpcs: false}",
			actual: func(e *estate.Estate) {
				addDefaultVPC(e, hrdLA, "us-east-1", "vpc-la", 0)
			},
		},
		"management users reported": {
			hardening: "{break_glass_users: [break-glass]}",
			actual:    func(e *estate.Estate) { addUsers(e, "alice", "break-glass", "ci") },
			notes: []string{
				"IAM user alice in the management account, which should have none",
				"IAM user ci in the management account, which should have none",
			},
		},
		"management users deleted": {
			hardening: "{management_iam_users: delete, break_glass_users: [break-glass]}",
			actual:    func(e *estate.Estate) { addUsers(e, "alice", "break-glass", "ci") },
			want: []plan.Change{{
				Address: hardening.ManagementIAMUserAddress("alice"), Kind: hardening.KindManagementIAMUser, Action: plan.Delete,
				NeedsAllowDelete: true, Basis: plan.BasisSpec, Reason: "hardening.management_iam_users: delete; its access keys, password, MFA devices, " +
					"certificates, SSH keys, policies and group memberships go first; a delete, so it runs only with --allow-delete",
				Before: plan.Attrs{"account": mgmt, "name": "alice", "arn": "arn:aws:iam::111111111111:user/alice", "path": "/"},
			}},
			notes: []string{"IAM user ci of the management account kept: groundwork runs as it"},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			desired, actual := hrdEstates(t, tt.hardening)
			if tt.actual != nil {
				tt.actual(actual)
			}
			got, notes := hrdDiff(t, desired, actual)
			kindstest.CheckChanges(t, hrdWithoutValues(got), tt.want)
			kindstest.CheckNotes(t, notes, tt.notes)
		})
	}
}

func TestPlanHardeningNotAskedFor(t *testing.T) {
	desired, actual := hrdEstates(t, "{}")
	desired.Hardening = nil
	addDefaultVPC(actual, hrdLA, "us-east-1", "vpc-la", 0)
	addUsers(actual, "alice")
	if got, notes := hrdDiff(t, desired, actual); len(got)+len(notes) != 0 {
		t.Errorf("a spec without hardening plans %+v, notes %q", got, notes)
	}
}

// An account the spec adds is hardened after it is created: its changes
// wait for the account; those of existing accounts wait for nothing.
func TestPlanHardeningWaitsForNewAccounts(t *testing.T) {
	desired, actual := hrdEstates(t, "{}")
	delete(actual.Accounts, hrdWeb)
	actual.Hardening.Accounts = slices.DeleteFunc(slices.Clone(actual.Hardening.Accounts), func(a string) bool { return a == hrdWeb })
	delete(actual.Hardening.PasswordPolicies, hrdWeb)
	delete(actual.Hardening.PublicAccessBlocks, hrdWeb)
	p := kinds.Plan(desired, actual)
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	byAddr := map[string]plan.Change{}
	for _, ch := range p.Changes {
		byAddr[ch.Address] = ch
	}
	for _, addr := range []string{hardening.PasswordPolicyAddress(hrdWeb), hardening.AccountPublicAccessBlockAddress(hrdWeb)} {
		ch, ok := byAddr[addr]
		if !ok || ch.Action != plan.Create {
			t.Fatalf("%s: %+v, want a create", addr, ch)
		}
		if !slices.Equal(ch.DependsOn, []string{kinds.AccountAddress(hrdWeb)}) {
			t.Errorf("%s depends on %q, want the account's creation", addr, ch.DependsOn)
		}
	}
	// The new account's default VPCs, which AWS creates with it, are
	// deleted in the same apply once the account exists.
	newVPCs := 0
	for _, kind := range hrdKinds {
		for _, ch := range kindstest.ChangesOfKind(p, kind) {
			switch {
			case ch.Address == hardening.PasswordPolicyAddress(hrdWeb), ch.Address == hardening.AccountPublicAccessBlockAddress(hrdWeb):
			case ch.Kind == hardening.KindDefaultVPC && ch.Before["account"] == hrdWeb:
				newVPCs++
				if ch.Action != plan.Delete || !ch.NeedsAllowDelete || !slices.Contains(ch.DependsOn, kinds.AccountAddress(hrdWeb)) {
					t.Errorf("new account's default VPC: %+v", ch)
				}
			default:
				t.Errorf("unexpected change %s %s", ch.Action, ch.Address)
			}
		}
	}
	if newVPCs != 2 {
		t.Errorf("%d default-VPC deletes for the new account, want one per Region (2)", newVPCs)
	}
}
