package orglayer_test

import (
	"context"
	"errors"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/groundwork-aws/groundwork/internal/apply"
	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/kinds/kindstest"
	"github.com/groundwork-aws/groundwork/internal/layer/orglayer"
	"github.com/groundwork-aws/groundwork/internal/plan"
)

// enableDelay makes enabling a policy type or trusted access slow enough
// that a change not waiting for it would run first and be refused.
const enableDelay = 20 * time.Millisecond

// newOrgLayerFakes returns the organization kindstest.DesiredEstate asks for, with
// its management account, and an organization layer with nothing enabled.
func newOrgLayerFakes() (*kindstest.FakeOrg, *fakeOrgLayer) {
	org := kindstest.NewFakeOrg()
	org.AddUnit("ou-sec", "Security", org.Root)
	org.AddUnit("ou-wl", "Workloads", org.Root)
	org.AddUnit("ou-prod", "Prod", "ou-wl")
	org.SetTags("ou-wl", []types.Tag{{Key: aws.String("Owner"), Value: aws.String("platform")}})
	org.AddAccount(kindstest.ManagementID, "management", mgmtEmail, org.Root)
	org.AddAccount(kindstest.LogID, "log-archive", kindstest.LogEmail, "ou-sec")
	org.AddAccount(kindstest.PaymentsID, "payments-prod", kindstest.PaymentsEmail, "ou-prod")
	org.SetTags(kindstest.PaymentsID, []types.Tag{{Key: aws.String("Owner"), Value: aws.String("payments")},
		{Key: aws.String("CostCenter"), Value: aws.String("FIN123")}})
	return org, newFakeOrgLayer(org)
}

func orgLayerEnv(t *testing.T, org *kindstest.FakeOrg, l *fakeOrgLayer) *kinds.Env {
	env := kindstest.NewEnv(t, org)
	kinds.SetClients(env, orglayer.Clients{Org: l, Account: l})
	return env
}

// desiredWith is kindstest.DesiredEstate with the organization layer set asks for.
func desiredWith(set func(l *estate.OrgLayer)) *estate.Estate {
	e := kindstest.DesiredEstate()
	e.Org = estate.NewOrgLayer()
	set(e.Org)
	return e
}

// planAndApply plans desired against what the fakes hold, as the apply
// command does, and runs the plan.
func planAndApply(t *testing.T, org *kindstest.FakeOrg, l *fakeOrgLayer, desired *estate.Estate, opts apply.Options) (*plan.Plan, apply.Report) {
	t.Helper()
	actual := actualEstate(org, l)
	p := kinds.Plan(desired, actual)
	env := orgLayerEnv(t, org, l)
	env.Seed(actual)
	rep, err := apply.Run(context.Background(), env, p, opts)
	if err != nil {
		t.Fatalf("apply: %v\n%+v", err, rep)
	}
	return p, rep
}

func checkNoRefusals(t *testing.T, l *fakeOrgLayer) {
	t.Helper()
	if r := l.refused(); len(r) > 0 {
		t.Errorf("AWS would have refused: %v", r)
	}
}

// indexOf returns the position of the first write with the prefix, or -1.
func indexOf(writes []string, prefix string) int {
	return slices.IndexFunc(writes, func(w string) bool { return strings.HasPrefix(w, prefix) })
}

// Moto gap: AWS refuses AttachPolicy of a type not enabled on the root
// (PolicyTypeNotEnabledException); moto attaches it anyway. The fake
// refuses, so this shows apply enables the type before attaching.
func TestApplyEnablesPolicyTypeBeforeAttaching_MotoGap(t *testing.T) {
	t.Run("the fake refuses an attachment of a type not enabled", func(t *testing.T) {
		org, l := newOrgLayerFakes()
		l.addPolicy("p-early", "early", estate.PolicyTypeSCP, baselineDoc)
		actual := actualEstate(org, l)
		env := orgLayerEnv(t, org, l)
		env.Seed(actual)
		desired := desiredWith(func(ol *estate.OrgLayer) {
			ol.Policies[estate.PolicyKey(scp, "early")] = &estate.Policy{Name: "early", Type: scp, Content: baselineDoc,
				Targets: []string{estate.RootTarget}}
		})
		ch := kindstest.Planned(t, desired, actual, orglayer.AttachmentAddress(scp, "early", estate.RootTarget))
		err := kindstest.ApplyChange(t, env, ch)
		var notEnabled *types.PolicyTypeNotEnabledException
		if !errors.As(err, &notEnabled) {
			t.Fatalf("attach error %v, want PolicyTypeNotEnabledException", err)
		}
	})
	t.Run("apply enables each type first", func(t *testing.T) {
		org, l := newOrgLayerFakes()
		l.enableDelay = enableDelay
		desired := desiredWith(func(ol *estate.OrgLayer) {
			ol.EnabledPolicyTypes = []string{scp, tagPolicy}
			ol.Policies[estate.PolicyKey(scp, "baseline")] = &estate.Policy{Name: "baseline", Type: scp, Content: baselineDoc,
				Targets: []string{estate.RootTarget, "Workloads", kindstest.LogEmail}}
			ol.Policies[estate.PolicyKey(tagPolicy, "tagging")] = &estate.Policy{Name: "tagging", Type: tagPolicy, Content: `{"tags":{}}`,
				Targets: []string{estate.RootTarget}}
		})
		p, rep := planAndApply(t, org, l, desired, apply.Options{Width: 8})
		if n := rep.Count(apply.Applied); n != len(p.Changes) {
			t.Fatalf("%d of %d changes applied: %+v", n, len(p.Changes), rep)
		}
		checkNoRefusals(t, l)
		writes := l.writeLog()
		baseline, tagging := l.policyByName("baseline"), l.policyByName("tagging")
		for _, tc := range []struct{ policyType, id string }{{scp, baseline}, {tagPolicy, tagging}} {
			enabled := indexOf(writes, "EnablePolicyType "+tc.policyType)
			attached := indexOf(writes, "AttachPolicy "+tc.id+" ")
			if enabled < 0 || attached < enabled {
				t.Errorf("%s enabled at write %d, first attached at %d: %v", tc.policyType, enabled, attached, writes)
			}
		}
		if got, want := l.targetsOf(baseline), []string{kindstest.LogID, "ou-wl", "r-root"}; !slices.Equal(got, want) {
			t.Errorf("baseline attached to %v, want %v", got, want)
		}
		if got := l.targetsOf(tagging); !slices.Equal(got, []string{"r-root"}) {
			t.Errorf("tagging attached to %v, want the root", got)
		}
	})
}

// starterDelegations are the delegated administrators of the starter spec.
// AWS accepts all seven; moto refuses sso, cloudtrail, config and
// securityhub, so the end-to-end tests drop those four.
var starterDelegations = map[string]string{
	"access-analyzer.amazonaws.com":          secEmail,
	"cloudtrail.amazonaws.com":               secEmail,
	"config-multiaccountsetup.amazonaws.com": secEmail,
	"config.amazonaws.com":                   secEmail,
	"guardduty.amazonaws.com":                secEmail,
	"securityhub.amazonaws.com":              secEmail,
	"sso.amazonaws.com":                      idcEmail,
}

const (
	secEmail = "security-tooling@example.com"
	secID    = "333333333333"
	idcEmail = "identity-center@example.com"
)

// Moto gap: moto's RegisterDelegatedAdministrator refuses sso, cloudtrail,
// config and securityhub, which AWS accepts. The fake accepts any service
// with trusted access and refuses, as AWS does, one without.
func TestApplyDelegatesStarterServices_MotoGap(t *testing.T) {
	t.Run("the fake refuses a service without trusted access", func(t *testing.T) {
		org, l := newOrgLayerFakes()
		actual := actualEstate(org, l)
		env := orgLayerEnv(t, org, l)
		env.Seed(actual)
		desired := desiredWith(func(ol *estate.OrgLayer) { ol.DelegatedAdmins[ssoSvc] = kindstest.LogEmail })
		err := kindstest.ApplyChange(t, env, kindstest.Planned(t, desired, actual, orglayer.DelegatedAdminAddress(ssoSvc)))
		var cv *types.ConstraintViolationException
		if !errors.As(err, &cv) || cv.Reason != types.ConstraintViolationExceptionReasonServiceAccessNotEnabled {
			t.Fatalf("delegate error %v, want ConstraintViolationException SERVICE_ACCESS_NOT_ENABLED", err)
		}
	})
	t.Run("apply delegates all seven", func(t *testing.T) {
		org, l := newOrgLayerFakes()
		l.enableDelay = enableDelay
		org.AddAccount(secID, "security-tooling", secEmail, "ou-sec")
		desired := desiredWith(func(ol *estate.OrgLayer) {
			ol.TrustedServices = slices.Sorted(maps.Keys(starterDelegations))
			maps.Copy(ol.DelegatedAdmins, starterDelegations)
		})
		kindstest.AddAccount(desired, &estate.Account{Key: "security-tooling", Name: "security-tooling", Email: secEmail, Unit: "Security"})
		// Identity Center's account is created by the same apply.
		kindstest.AddAccount(desired, &estate.Account{Key: "identity-center", Name: "identity-center", Email: idcEmail, Unit: "Security"})

		p, rep := planAndApply(t, org, l, desired, apply.Options{})
		if n := rep.Count(apply.Applied); n != len(p.Changes) {
			t.Fatalf("%d of %d changes applied: %+v", n, len(p.Changes), rep)
		}
		checkNoRefusals(t, l)
		idcID := org.AccountByEmail(idcEmail)
		want := map[string]string{}
		for svc, email := range starterDelegations {
			want[svc] = map[string]string{secEmail: secID, idcEmail: idcID}[email]
		}
		l.mu.Lock()
		got := maps.Clone(l.admins)
		l.mu.Unlock()
		if !maps.Equal(got, want) {
			t.Errorf("delegated administrators %v, want %v", got, want)
		}
		if n := l.count("RegisterDelegatedAdministrator"); n != len(starterDelegations) {
			t.Errorf("RegisterDelegatedAdministrator called %d times, want %d", n, len(starterDelegations))
		}
	})
}

// AWS answers a write that was already done with an error; apply takes
// those as success, so that a run killed half-way can be run again. Each
// change is planned before setup does what it asks for.
func TestApplyTreatsAlreadyDoneAsSuccess(t *testing.T) {
	tests := map[string]struct {
		desired func(ol *estate.OrgLayer)
		setup   func(l *fakeOrgLayer)
		address string
		op      string // the call AWS answers with the exception
	}{
		"PolicyTypeAlreadyEnabledException": {
			desired: func(ol *estate.OrgLayer) { ol.EnabledPolicyTypes = []string{scp} },
			setup:   func(l *fakeOrgLayer) { l.enable(scp) },
			address: orglayer.PolicyTypeAddress(scp),
			op:      "EnablePolicyType",
		},
		"DuplicatePolicyAttachmentException": {
			desired: func(ol *estate.OrgLayer) {
				ol.EnabledPolicyTypes = []string{scp}
				ol.Policies[estate.PolicyKey(scp, "baseline")] = &estate.Policy{Name: "baseline", Type: scp, Content: baselineDoc,
					Targets: []string{estate.RootTarget}}
			},
			setup: func(l *fakeOrgLayer) {
				l.enable(scp)
				l.addPolicy(baselineID, "baseline", scp, baselineDoc, "r-root")
			},
			address: orglayer.AttachmentAddress(scp, "baseline", estate.RootTarget),
			op:      "AttachPolicy",
		},
		"AccountAlreadyRegisteredException": {
			desired: func(ol *estate.OrgLayer) { ol.DelegatedAdmins[configSvc] = kindstest.LogEmail },
			setup: func(l *fakeOrgLayer) {
				l.trusted[configSvc] = true
				l.admins[configSvc] = kindstest.LogID
			},
			address: orglayer.DelegatedAdminAddress(configSvc),
			op:      "RegisterDelegatedAdministrator",
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			org, l := newOrgLayerFakes()
			ch := kindstest.Planned(t, desiredWith(tt.desired), actualEstate(org, l), tt.address)
			tt.setup(l)
			env := orgLayerEnv(t, org, l)
			env.Seed(actualEstate(org, l))
			before := actualEstate(org, l)
			if err := kindstest.ApplyChange(t, env, ch); err != nil {
				t.Fatalf("apply: %v", err)
			}
			// The test's name is the exception's error code.
			if got := l.refused(); len(got) != 1 || got[0] != tt.op+" "+name {
				t.Errorf("the fake refused %v, want [%s %s]", got, tt.op, name)
			}
			if after := actualEstate(org, l); !reflect.DeepEqual(after, before) {
				t.Errorf("state changed:\n before %+v\n after  %+v", before.Org, after.Org)
			}
		})
	}
}

// A run killed after CreatePolicy leaves a policy the next plan, made
// before it, still means to create: apply adopts it by name and brings its
// content up to date instead of failing on DuplicatePolicyException.
func TestApplyPolicyCreateAdoptsSameName(t *testing.T) {
	org, l := newOrgLayerFakes()
	l.enable(scp)
	stale := actualEstate(org, l) // the estate the plan was made from
	l.addPolicy("p-earlier", "baseline", scp, `{"Statement":[]}`)
	desired := desiredWith(func(ol *estate.OrgLayer) {
		ol.EnabledPolicyTypes = []string{scp}
		ol.Policies[estate.PolicyKey(scp, "baseline")] = &estate.Policy{Name: "baseline", Type: scp,
			Description: "Baseline guardrails", Content: baselineReordered, Targets: []string{estate.RootTarget}}
	})
	p := kinds.Plan(desired, stale)
	env := orgLayerEnv(t, org, l)
	env.Seed(stale)
	if rep, err := apply.Run(context.Background(), env, p, apply.Options{}); err != nil {
		t.Fatalf("apply: %v\n%+v", err, rep)
	}
	checkNoRefusals(t, l)
	if n := l.count("CreatePolicy"); n != 0 {
		t.Errorf("CreatePolicy called %d times, want 0", n)
	}
	if n := l.count("UpdatePolicy"); n != 1 {
		t.Errorf("UpdatePolicy called %d times, want 1", n)
	}
	l.mu.Lock()
	got := *l.policies["p-earlier"]
	l.mu.Unlock()
	if kinds.PrettyJSON(got.content) != kinds.PrettyJSON(baselineDoc) || strings.ContainsAny(got.content, "\n\t") {
		t.Errorf("content %q, want baseline minified", got.content)
	}
	if got.description != "Baseline guardrails" {
		t.Errorf("description %q", got.description)
	}
	if got := l.targetsOf("p-earlier"); !slices.Equal(got, []string{"r-root"}) {
		t.Errorf("adopted policy attached to %v, want the root", got)
	}
}

// A CreatePolicy whose response is lost is not sent again: the policy it
// made is found by name and adopted, and the attachment that waits for it
// goes on.
func TestApplyPolicyCreateLostResponseAdopts(t *testing.T) {
	org, l := newOrgLayerFakes()
	l.enable(scp)
	l.loseCreates = 1
	desired := desiredWith(func(ol *estate.OrgLayer) {
		ol.EnabledPolicyTypes = []string{scp}
		ol.Policies[estate.PolicyKey(scp, "baseline")] = &estate.Policy{Name: "baseline", Type: scp,
			Description: "Baseline guardrails", Content: baselineDoc, Targets: []string{estate.RootTarget}}
	})
	actual := actualEstate(org, l)
	env := orgLayerEnv(t, org, l)
	env.Seed(actual)
	rep, err := apply.Run(context.Background(), env, kinds.Plan(desired, actual), apply.Options{})
	if err != nil {
		t.Fatalf("apply: %v\n%+v", err, rep)
	}
	checkNoRefusals(t, l)
	if n := l.count("CreatePolicy"); n != 1 {
		t.Errorf("CreatePolicy called %d times, want 1", n)
	}
	var ids []string
	l.mu.Lock()
	for id, p := range l.policies {
		if p.name == "baseline" {
			ids = append(ids, id)
		}
	}
	l.mu.Unlock()
	if len(ids) != 1 {
		t.Fatalf("%d policies named baseline, want 1", len(ids))
	}
	if got := l.targetsOf(ids[0]); !slices.Equal(got, []string{"r-root"}) {
		t.Errorf("policy attached to %v, want the root", got)
	}
	if len(rep.Recovered) != 1 || !strings.Contains(rep.Recovered[0], "policy baseline") {
		t.Errorf("recovered %q, want the policy", rep.Recovered)
	}
}

// Moving a delegated administrator deregisters the old account first: the
// fake, like most services, keeps one administrator per service.
func TestApplyMovesDelegatedAdmin(t *testing.T) {
	tests := map[string]struct {
		allowDelete bool
		writes      []string
		admin       string
	}{
		"deregisters then registers with allow-delete": {
			allowDelete: true,
			writes: []string{
				"DeregisterDelegatedAdministrator " + configSvc + " " + kindstest.PaymentsID,
				"RegisterDelegatedAdministrator " + configSvc + " " + kindstest.LogID,
			},
			admin: kindstest.LogID,
		},
		"holds the move without allow-delete": {admin: kindstest.PaymentsID},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			org, l := newOrgLayerFakes()
			l.trusted[configSvc] = true
			l.admins[configSvc] = kindstest.PaymentsID
			desired := desiredWith(func(ol *estate.OrgLayer) {
				ol.TrustedServices = []string{configSvc}
				ol.DelegatedAdmins[configSvc] = kindstest.LogEmail
			})
			_, rep := planAndApply(t, org, l, desired, apply.Options{AllowDelete: tt.allowDelete})
			if !tt.allowDelete && rep.Count(apply.Held) != 1 {
				t.Errorf("%d changes held, want 1: %+v", rep.Count(apply.Held), rep)
			}
			checkNoRefusals(t, l)
			if got := l.writeLog(); !slices.Equal(got, tt.writes) {
				t.Errorf("writes %q, want %q", got, tt.writes)
			}
			l.mu.Lock()
			admin := l.admins[configSvc]
			l.mu.Unlock()
			if admin != tt.admin {
				t.Errorf("config administrator %s, want %s", admin, tt.admin)
			}
		})
	}
}

// A policy the spec no longer has is detached everywhere before it is
// deleted (AWS refuses to delete an attached policy), and FullAWSAccess is
// left where it is.
func TestApplyDeletesPolicyAfterDetaching(t *testing.T) {
	for _, allowDelete := range []bool{true, false} {
		t.Run(map[bool]string{true: "with allow-delete", false: "without allow-delete"}[allowDelete], func(t *testing.T) {
			org, l := newOrgLayerFakes()
			l.enable(scp)
			l.addPolicy("p-legacy", "legacy", scp, `{"Statement":[]}`, "r-root", "ou-sec", kindstest.PaymentsID)
			desired := desiredWith(func(ol *estate.OrgLayer) { ol.EnabledPolicyTypes = []string{scp} })
			planAndApply(t, org, l, desired, apply.Options{AllowDelete: allowDelete})
			checkNoRefusals(t, l)
			writes := l.writeLog()
			if !allowDelete {
				if len(writes) != 0 {
					t.Errorf("writes %q without allow-delete", writes)
				}
				return
			}
			if len(writes) != 4 || !strings.HasPrefix(writes[3], "DeletePolicy p-legacy") {
				t.Errorf("writes %q, want three detaches then the delete", writes)
			}
			if l.policyByName("legacy") != "" {
				t.Error("legacy still exists")
			}
			if got := l.targetsOf(fullAWSAccessID); !slices.Equal(got, []string{"r-root"}) {
				t.Errorf("FullAWSAccess attached to %v, want the root still", got)
			}
		})
	}
}

// PutAlternateContact names no AccountId for the management account (AWS
// refuses its own ID) and the member's ID otherwise, including that of an
// account created earlier in the same apply, whose ID only Env knows.
func TestApplyAlternateContacts(t *testing.T) {
	tests := map[string]struct {
		trusted bool // trusted access for Account Management already on
	}{
		"with trusted access for account management": {trusted: true},
		// Then member contacts must wait for the plan to enable it.
		"enabling trusted access for account management in the same apply": {},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			org, l := newOrgLayerFakes()
			l.enableDelay = enableDelay
			l.trusted[accountService] = tt.trusted
			desired := desiredWith(func(ol *estate.OrgLayer) {
				ol.TrustedServices = []string{accountService}
				ol.ManagementContacts = map[string]estate.Contact{estate.ContactSecurity: mgmtSecurity}
			})
			desired.Accounts[kindstest.LogEmail].Contacts = map[string]estate.Contact{estate.ContactBilling: logBilling, estate.ContactSecurity: logSecurity}
			kindstest.AddAccount(desired, &estate.Account{Key: "new", Name: "new", Email: newEmail, Unit: "Security",
				Contacts: map[string]estate.Contact{estate.ContactSecurity: logSecurity}})

			p, rep := planAndApply(t, org, l, desired, apply.Options{Width: 8})
			if n := rep.Count(apply.Applied); n != len(p.Changes) {
				t.Fatalf("%d of %d changes applied: %+v", n, len(p.Changes), rep)
			}
			checkNoRefusals(t, l)
			newID := org.AccountByEmail(newEmail)
			if newID == "" {
				t.Fatal("the new account was not created")
			}
			l.mu.Lock()
			defer l.mu.Unlock()
			var ids []string
			for _, in := range l.puts {
				ids = append(ids, aws.ToString(in.AccountId)) // "" for none
			}
			slices.Sort(ids)
			if want := slices.Sorted(slices.Values([]string{"", kindstest.LogID, kindstest.LogID, newID})); !slices.Equal(ids, want) {
				t.Errorf("PutAlternateContact account IDs %q, want %q", ids, want)
			}
			want := map[string]map[string]estate.Contact{
				kindstest.ManagementID: {estate.ContactSecurity: mgmtSecurity},
				kindstest.LogID:        {estate.ContactBilling: logBilling, estate.ContactSecurity: logSecurity},
				newID:                  {estate.ContactSecurity: logSecurity},
			}
			if !reflect.DeepEqual(l.contacts, want) {
				t.Errorf("contacts %v, want %v", l.contacts, want)
			}
		})
	}
}

// TestApplyOrgLayerTwice builds a whole organization layer through
// apply.Run, then checks that a new plan over the result has nothing to do
// and that running the first plan again, as after a kill, creates nothing
// new and leaves the same state.
func TestApplyOrgLayerTwice(t *testing.T) {
	org, l := newOrgLayerFakes()
	org.CreatePolls = 1
	l.enableDelay = enableDelay
	desired := desiredOrgEstate()
	desired.Org.TrustedServices = []string{accountService, configSvc, ssoSvc}
	desired.Org.DelegatedAdmins[ssoSvc] = newEmail
	kindstest.AddAccount(desired, &estate.Account{Key: "new", Name: "new", Email: newEmail, Unit: "Security",
		Contacts: map[string]estate.Contact{estate.ContactSecurity: logSecurity}})
	p := desired.Org.Policies[estate.PolicyKey(scp, "baseline")]
	p.Targets = append(p.Targets, newEmail)

	stale := actualEstate(org, l)
	first, rep := planAndApply(t, org, l, desired, apply.Options{})
	if n := rep.Count(apply.Applied); n != len(first.Changes) {
		t.Fatalf("%d of %d changes applied: %+v", n, len(first.Changes), rep)
	}
	checkNoRefusals(t, l)
	built := actualEstate(org, l)

	t.Run("a new plan has no changes", func(t *testing.T) {
		second := kinds.Plan(desired, built)
		if second.HasChanges() || len(second.Notes) > 0 {
			t.Fatalf("second plan has changes %+v, notes %q", second.Changes, second.Notes)
		}
		writes := len(l.writeLog())
		env := orgLayerEnv(t, org, l)
		env.Seed(built)
		if _, err := apply.Run(context.Background(), env, second, apply.Options{}); err != nil {
			t.Fatal(err)
		}
		if got := l.writeLog(); len(got) != writes {
			t.Errorf("applying an empty plan wrote %q", got[writes:])
		}
	})
	t.Run("the first plan again creates nothing", func(t *testing.T) {
		policies, accounts := l.count("CreatePolicy"), org.Count("CreateAccount")
		env := orgLayerEnv(t, org, l)
		env.Seed(stale)
		if rep, err := apply.Run(context.Background(), env, first, apply.Options{}); err != nil {
			t.Fatalf("apply again: %v\n%+v", err, rep)
		}
		if got := l.count("CreatePolicy"); got != policies {
			t.Errorf("CreatePolicy called %d more times", got-policies)
		}
		if got := org.Count("CreateAccount"); got != accounts {
			t.Errorf("CreateAccount called %d more times", got-accounts)
		}
		if again := actualEstate(org, l); !reflect.DeepEqual(again, built) {
			t.Errorf("state after the second run differs:\n got  %+v\n want %+v", again.Org, built.Org)
		}
	})
}
