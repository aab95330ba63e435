package orglayer

import (
	"slices"
	"strings"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/audit/audittest"
	"github.com/groundwork-aws/groundwork/internal/estate"
)

// The statements of guidance 000's hardening SCPs and guidance 004's
// protection of /org-admin/ roles, written the way AWS's examples are.
const (
	denyLeave   = `{"Sid":"PreventMemberLeaveOrg","Effect":"Deny","Action":["organizations:LeaveOrganization"],"Resource":"*"}`
	denySharing = `{"Sid":"PreventResourceSharingOutsideOrg","Effect":"Deny",` +
		`"Action":["ram:CreateResourceShare","ram:UpdateResourceShare"],"Resource":"*",` +
		`"Condition":{"Bool":{"ram:RequestedAllowsExternalPrincipals":"true"}}}`
	denyRoot = `{"Sid":"PreventRootUserFromPerformingAnyActions","Effect":"Deny","Action":"*","Resource":"*",` +
		`"Condition":{"StringLike":{"aws:PrincipalArn":["arn:aws:iam::*:root"]}}}`
	protectOrgAdmin = `{"Sid":"DenyRoleModificationUnderOrgAdminPath","Effect":"Deny",` +
		`"Action":["iam:UpdateRole","iam:ChangePassword","iam:DeleteRole"],"Resource":"arn:aws:iam::*:role/org-admin/*"}`
)

// scp writes a policy document of the statements.
func scp(statements ...string) string {
	return `{"Version":"2012-10-17","Statement":[` + strings.Join(statements, ",") + `]}`
}

// baselineSCP combines all four.
var baselineSCP = scp(denyLeave, denySharing, denyRoot, protectOrgAdmin)

const allowAll = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`

// guardedUnits are the top-level OUs the baseline attaches to.
var guardedUnits = []string{"Infrastructure", "Sandbox", "Security", "Workloads"}

// guarded is the recommended foundation with its organization layer and
// alternate contacts read: every check passes on it.
func guarded() *estate.Estate {
	e := audittest.Foundation()
	l := estate.NewOrgLayer()
	l.EnabledPolicyTypes = []string{estate.PolicyTypeSCP, estate.PolicyTypeTag}
	everywhere := []string{estate.RootTarget}
	for path := range e.Units {
		everywhere = append(everywhere, path)
	}
	for key, a := range e.Accounts {
		everywhere = append(everywhere, key)
		a.Contacts = map[string]estate.Contact{}
		for _, ct := range estate.ContactTypes {
			a.Contacts[ct] = estate.Contact{Name: ct, Title: ct, Email: a.Name + "-" + strings.ToLower(ct) + "@example.com", Phone: "+1-555-0100"}
		}
	}
	slices.Sort(everywhere)
	addPolicy(l, &estate.Policy{ID: "p-FullAWSAccess", Name: estate.FullAWSAccess, Type: estate.PolicyTypeSCP,
		AWSManaged: true, Content: allowAll, Targets: everywhere})
	addPolicy(l, &estate.Policy{ID: "p-baseline", Name: "groundwork-baseline", Type: estate.PolicyTypeSCP,
		Content: baselineSCP, Targets: slices.Clone(guardedUnits)})
	addPolicy(l, &estate.Policy{ID: "p-tagging", Name: "groundwork-tagging", Type: estate.PolicyTypeTag,
		Content: `{"tags":{"Owner":{"tag_key":{"@@assign":"Owner"}}}}`, Targets: []string{estate.RootTarget}})
	l.TrustedServices = append(slices.Clone(foundationServices), "tagpolicies.tag.amazonaws.com")
	slices.Sort(l.TrustedServices)
	for _, svc := range securityServices {
		l.DelegatedAdmins[svc] = "security-tooling@example.com"
	}
	l.DelegatedAdmins[serviceIdentityCenter] = "identity-center@example.com"
	e.Org = l
	return e
}

func addPolicy(l *estate.OrgLayer, p *estate.Policy) {
	l.Policies[estate.PolicyKey(p.Type, p.Name)] = p
}

func policyNamed(e *estate.Estate, name string) *estate.Policy {
	for _, p := range e.Org.Policies {
		if p.Name == name {
			return p
		}
	}
	return nil
}

// orgLayerChecks are the checks that judge e.Org; contactChecks judge
// Account.Contacts.
var (
	orgLayerChecks = []string{"GW-ORG-010", "GW-ORG-011", "GW-ORG-012", "GW-ORG-013", "GW-ORG-014", "GW-ORG-015",
		"GW-TAG-001", "GW-SVC-001", "GW-SVC-002", "GW-SVC-003"}
	contactChecks = []string{"GW-ACC-001", "GW-ACC-002"}
)

func TestGuardedFoundationIsClean(t *testing.T) {
	audittest.Clean(t, "guarded foundation", guarded())
}

// TestUnreadIsNotAFinding: a layer that was not read says nothing about
// the organization, while one read and found empty fails (nearly) every
// check that judges it.
func TestUnreadIsNotAFinding(t *testing.T) {
	tests := map[string]struct {
		checks []string
		unread func(e *estate.Estate)
		empty  func(e *estate.Estate)
		// quiet are checks an empty read rightly passes.
		quiet []string
	}{
		"organization layer": {
			checks: orgLayerChecks,
			unread: func(e *estate.Estate) { e.Org = nil },
			empty:  func(e *estate.Estate) { e.Org = estate.NewOrgLayer() },
			quiet:  []string{"GW-ORG-012", "GW-ORG-015"}, // nothing attached to the root; room everywhere
		},
		"contacts": {
			checks: contactChecks,
			unread: func(e *estate.Estate) {
				for _, a := range e.Accounts {
					a.Contacts = nil
				}
			},
			empty: func(e *estate.Estate) {
				for _, a := range e.Accounts {
					a.Contacts = map[string]estate.Contact{}
				}
			},
			quiet: []string{"GW-ACC-002"}, // no contact to be off the convention
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			for _, id := range tt.checks {
				unread := guarded()
				tt.unread(unread)
				if fs := audittest.RunCheck(t, id, unread); len(fs) != 0 {
					t.Errorf("%s on an unread layer: %+v", id, fs)
				}
				empty := guarded()
				tt.empty(empty)
				fs := audittest.RunCheck(t, id, empty)
				if quiet := slices.Contains(tt.quiet, id); quiet != (len(fs) == 0) {
					t.Errorf("%s on an empty read: %d findings, want findings: %v", id, len(fs), !quiet)
				}
			}
		})
	}
}

func TestBareFoundationHasNoLayerFindings(t *testing.T) {
	// foundation() reads neither the layer, tags nor contacts, as the
	// inventory of an organization without them.
	for _, id := range append(append(slices.Clone(orgLayerChecks), contactChecks...), "GW-TAG-002") {
		if fs := audittest.RunCheck(t, id, audittest.Foundation()); len(fs) != 0 {
			t.Errorf("%s: %+v", id, fs)
		}
	}
}

func TestGuardrailUnits(t *testing.T) {
	tests := map[string]struct {
		edit func(e *estate.Estate)
		want []string
	}{
		"from the spec": {want: guardedUnits},
		"spec waives Sandbox": {
			edit: func(e *estate.Estate) { e.Units["Sandbox"].Guardrails = false },
			want: []string{"Infrastructure", "Security", "Workloads"},
		},
		"no spec: all but Exceptions, ignoring case": {
			edit: func(e *estate.Estate) {
				e.Units["exceptions"] = &estate.Unit{Path: "exceptions"}
				for _, u := range e.Units {
					u.Guardrails = false
				}
			},
			want: []string{"Infrastructure", "Sandbox", "Security", "Workloads"},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			e := guarded()
			if tt.edit != nil {
				tt.edit(e)
			}
			var got []string
			for _, u := range guardrailUnits(e) {
				got = append(got, u.Path)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("guardrailUnits = %q, want %q", got, tt.want)
			}
		})
	}
}
