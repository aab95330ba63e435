package audit

import (
	"fmt"
	"slices"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/policy"
)

// baseline is the guarded foundation's customer SCP.
func baseline(e *estate.Estate) *estate.Policy { return policyNamed(e, "groundwork-baseline") }

// withBaseline replaces the baseline SCP's statements.
func withBaseline(statements ...string) func(e *estate.Estate) {
	return func(e *estate.Estate) { baseline(e).Content = scp(statements...) }
}

func TestGuardrailChecks(t *testing.T) {
	const org = "organization/o-abc123"
	runCases(t, guarded, map[string]checkCase{
		"010 passes": {check: "GW-ORG-010"},
		"010 not enabled": {
			check: "GW-ORG-010",
			edit:  func(e *estate.Estate) { e.Org.EnabledPolicyTypes = []string{estate.PolicyTypeTag} },
			want:  []string{org}, msg: "SERVICE_CONTROL_POLICY policy type is not enabled on the root",
		},

		"011 passes": {check: "GW-ORG-011"},
		"011 passes without a spec": {
			check: "GW-ORG-011",
			edit: func(e *estate.Estate) {
				for _, u := range e.Units {
					u.Guardrails = false
				}
			},
		},
		"011 OU without a customer SCP": {
			check: "GW-ORG-011",
			edit:  func(e *estate.Estate) { baseline(e).Targets = []string{"Infrastructure", "Security", "Workloads"} },
			want:  []string{"ou/Root/Sandbox"}, msg: "no customer-managed SCP is attached to Root/Sandbox (attached: FullAWSAccess)",
		},
		"011 a nested OU does not count": {
			check: "GW-ORG-011",
			edit: func(e *estate.Estate) {
				baseline(e).Targets = []string{"Infrastructure", "Sandbox", "Security", "Workloads/NonProd", "Workloads/Prod"}
			},
			want: []string{"ou/Root/Workloads"},
		},
		"011 AWS-managed SCPs do not count": {
			check: "GW-ORG-011",
			edit:  func(e *estate.Estate) { baseline(e).AWSManaged = true },
			want:  []string{"ou/Root/Infrastructure", "ou/Root/Sandbox", "ou/Root/Security", "ou/Root/Workloads"},
		},
		"011 without a spec, a new top-level OU needs one": {
			check: "GW-ORG-011",
			edit: func(e *estate.Estate) {
				e.Units["Scratch"] = &estate.Unit{Path: "Scratch"}
				for _, u := range e.Units {
					u.Guardrails = false
				}
			},
			want: []string{"ou/Root/Scratch"}, msg: "(attached: none)",
		},
		"011 with a spec, a waived OU needs none": {
			check: "GW-ORG-011",
			edit:  func(e *estate.Estate) { e.Units["Scratch"] = &estate.Unit{Path: "Scratch"} },
		},

		"012 passes with FullAWSAccess on the root": {check: "GW-ORG-012"},
		"012 customer SCP on the root": {
			check: "GW-ORG-012",
			edit:  func(e *estate.Estate) { baseline(e).Targets = append(baseline(e).Targets, estate.RootTarget) },
			want:  []string{"policy/p-baseline (groundwork-baseline)"}, msg: "groundwork-baseline is attached to the root",
		},

		"013 passes": {check: "GW-ORG-013"},
		"013 passes from the root": {
			check: "GW-ORG-013",
			edit:  func(e *estate.Estate) { baseline(e).Targets = []string{estate.RootTarget} },
		},
		"013 passes with wildcards, a lone statement and policies split": {
			check: "GW-ORG-013",
			edit: func(e *estate.Estate) {
				baseline(e).Content = `{"Statement":{"Effect":"Deny","Action":"Organizations:*","Resource":"*"}}`
				addPolicy(e.Org, &estate.Policy{ID: "p-more", Name: "more", Type: estate.PolicyTypeSCP,
					Content: scp(`{"Effect":"Deny","Action":"ram:*Share","Resource":"*","Condition":{"Bool":{"ram:RequestedAllowsExternalPrincipals":true}}}`,
						`{"Effect":"Deny","Action":["*"],"Resource":"*","Condition":{"ArnLike":{"aws:principalarn":"arn:aws:iam::*:root"}}}`),
					Targets: guardedUnits})
			},
		},
		"013 passes with an administration role exempt": {
			check: "GW-ORG-013",
			edit: withBaseline(denySharing, denyRoot,
				`{"Effect":"Deny","Action":"organizations:LeaveOrganization","Resource":"*","Condition":{"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/org-admin/*"}}}`),
		},
		"013 nothing denied": {
			check: "GW-ORG-013",
			edit:  withBaseline(protectOrgAdmin),
			want:  []string{org, org, org},
			msg:   "no customer-managed SCP in effect denies every action to the root user",
		},
		"013 leaving the organization not denied": {
			check: "GW-ORG-013",
			edit:  withBaseline(denySharing, denyRoot),
			want:  []string{org}, msg: "denies organizations:LeaveOrganization; library policy PreventMemberLeaveOrg does",
		},
		"013 missing on one OU": {
			check: "GW-ORG-013",
			edit: func(e *estate.Estate) {
				baseline(e).Targets = []string{"Infrastructure", "Security", "Workloads"}
				addPolicy(e.Org, &estate.Policy{ID: "p-sbx", Name: "sandbox", Type: estate.PolicyTypeSCP,
					Content: scp(denySharing, denyRoot), Targets: []string{"Sandbox"}})
			},
			want: []string{org}, msg: "no customer-managed SCP in effect on Root/Sandbox denies organizations:LeaveOrganization",
		},
		"013 Allow is not a guardrail": {
			check: "GW-ORG-013",
			edit: withBaseline(denySharing, denyRoot,
				`{"Effect":"Allow","Action":"organizations:LeaveOrganization","Resource":"*"}`),
			want: []string{org}, msg: "PreventMemberLeaveOrg",
		},
		"013 root user denied only some services": {
			check: "GW-ORG-013",
			edit: withBaseline(denyLeave, denySharing,
				`{"Effect":"Deny","Action":["s3:*","iam:*"],"Resource":"*","Condition":{"StringLike":{"aws:PrincipalArn":"arn:aws:iam::*:root"}}}`),
			want: []string{org}, msg: "PreventRootUserFromPerformingAnyActions",
		},
		"013 a negated condition exempts the root user": {
			check: "GW-ORG-013",
			edit: withBaseline(denyLeave, denySharing,
				`{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:root"}}}`),
			want: []string{org}, msg: "PreventRootUserFromPerformingAnyActions",
		},
		"013 sharing denied only when not external": {
			check: "GW-ORG-013",
			edit: withBaseline(denyLeave, denyRoot,
				`{"Effect":"Deny","Action":["ram:CreateResourceShare","ram:UpdateResourceShare"],"Resource":"*","Condition":{"Bool":{"ram:RequestedAllowsExternalPrincipals":"false"}}}`),
			want: []string{org}, msg: "PreventResourceSharingOutsideOrg",
		},
		"013 updating a share left open": {
			check: "GW-ORG-013",
			edit: withBaseline(denyLeave, denyRoot,
				`{"Effect":"Deny","Action":"ram:CreateResourceShare","Resource":"*","Condition":{"Bool":{"ram:RequestedAllowsExternalPrincipals":"true"}}}`),
			want: []string{org}, msg: "PreventResourceSharingOutsideOrg",
		},
		"013 an unattached SCP is not in effect": {
			check: "GW-ORG-013",
			edit:  func(e *estate.Estate) { baseline(e).Targets = nil },
			want:  []string{org, org, org},
		},
		"013 a document that does not parse provides nothing": {
			check: "GW-ORG-013",
			edit:  func(e *estate.Estate) { baseline(e).Content = `{"Statement":[` },
			want:  []string{org, org, org},
		},
		"013 without top-level OUs the root is judged": {
			check: "GW-ORG-013",
			edit: func(e *estate.Estate) {
				e.Units = map[string]*estate.Unit{}
				baseline(e).Targets = []string{"Security"} // a stale target
			},
			want: []string{org, org, org}, msg: "no customer-managed SCP in effect denies",
		},

		"014 passes": {check: "GW-ORG-014"},
		"014 passes with wildcards": {
			check: "GW-ORG-014",
			edit:  withBaseline(denyLeave, denySharing, denyRoot, `{"Effect":"Deny","Action":"iam:*","Resource":["arn:aws:iam::*:role/*"]}`),
		},
		"014 not protected": {
			check: "GW-ORG-014",
			edit:  withBaseline(denyLeave, denySharing, denyRoot),
			want:  []string{org}, msg: "; library policy ProtectOrgAdminRoles does",
		},
		"014 denied only under a condition": {
			check: "GW-ORG-014",
			edit: withBaseline(`{"Effect":"Deny","Action":["iam:UpdateRole","iam:DeleteRole"],"Resource":"arn:aws:iam::*:role/org-admin/*",` +
				`"Condition":{"StringEquals":{"aws:RequestedRegion":"eu-west-1"}}}`),
			want: []string{org},
		},
		"014 only deletion denied": {
			check: "GW-ORG-014",
			edit:  withBaseline(`{"Effect":"Deny","Action":"iam:DeleteRole","Resource":"arn:aws:iam::*:role/org-admin/*"}`),
			want:  []string{org},
		},
		"014 another path protected": {
			check: "GW-ORG-014",
			edit:  withBaseline(`{"Effect":"Deny","Action":["iam:UpdateRole","iam:DeleteRole"],"Resource":"arn:aws:iam::*:role/admin/*"}`),
			want:  []string{org},
		},

		// Security has FullAWSAccess and groundwork-baseline.
		"015 passes":             {check: "GW-ORG-015"},
		"015 passes with a slot": {check: "GW-ORG-015", edit: attachSCPs("Security", policy.MaxSCPsPerTarget-3)},
		"015 full OU": {
			check: "GW-ORG-015",
			edit:  attachSCPs("Security", policy.MaxSCPsPerTarget-2),
			want:  []string{"ou/Root/Security"},
			msg:   fmt.Sprintf("Root/Security has %d SCPs attached (FullAWSAccess, extra-00, extra-01,", policy.MaxSCPsPerTarget),
		},
		"015 only top-level OUs": {check: "GW-ORG-015", edit: attachSCPs("Workloads/Prod", policy.MaxSCPsPerTarget)},
	})
}

// attachSCPs attaches n more customer SCPs to a target.
func attachSCPs(target string, n int) func(e *estate.Estate) {
	return func(e *estate.Estate) {
		for i := range n {
			addPolicy(e.Org, &estate.Policy{ID: fmt.Sprintf("p-extra%02d", i), Name: fmt.Sprintf("extra-%02d", i),
				Type: estate.PolicyTypeSCP, Content: allowAll, Targets: []string{target}})
		}
	}
}

// TestLibraryProvidesTheGuardrails ties the content tests to the SCP
// library: its policies, rendered with default parameters, pass GW-ORG-013
// and GW-ORG-014.
func TestLibraryProvidesTheGuardrails(t *testing.T) {
	e := guarded()
	delete(e.Org.Policies, estate.PolicyKey(estate.PolicyTypeSCP, "groundwork-baseline"))
	for _, g := range append(slices.Clone(baselineGuardrails), orgAdminGuardrail) {
		doc, err := policy.Render(g.library, policy.Params{Regions: []string{"eu-west-1"}})
		if err != nil {
			t.Fatalf("render %s: %v", g.library, err)
		}
		addPolicy(e.Org, &estate.Policy{ID: "p-" + g.library, Name: g.library, Type: estate.PolicyTypeSCP,
			Content: string(doc), Targets: guardedUnits})
	}
	for _, id := range []string{"GW-ORG-013", "GW-ORG-014"} {
		if fs := runCheck(t, id, e); len(fs) != 0 {
			t.Errorf("%s with the library policies: %+v", id, fs)
		}
	}
}
