package orglayer

import (
	"fmt"
	"slices"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/audit/audittest"
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
	audittest.RunCases(t, guarded, map[string]audittest.Case{
		"010 passes": {Check: "GW-ORG-010"},
		"010 not enabled": {
			Check: "GW-ORG-010",
			Edit:  func(e *estate.Estate) { e.Org.EnabledPolicyTypes = []string{estate.PolicyTypeTag} },
			Want:  []string{org}, Msg: "SERVICE_CONTROL_POLICY policy type is not enabled on the root",
		},

		"011 passes": {Check: "GW-ORG-011"},
		"011 passes without a spec": {
			Check: "GW-ORG-011",
			Edit: func(e *estate.Estate) {
				for _, u := range e.Units {
					u.Guardrails = false
				}
			},
		},
		"011 OU without a customer SCP": {
			Check: "GW-ORG-011",
			Edit:  func(e *estate.Estate) { baseline(e).Targets = []string{"Infrastructure", "Security", "Workloads"} },
			Want:  []string{"ou/Root/Sandbox"}, Msg: "no customer-managed SCP is attached to Root/Sandbox (attached: FullAWSAccess)",
		},
		"011 a nested OU does not count": {
			Check: "GW-ORG-011",
			Edit: func(e *estate.Estate) {
				baseline(e).Targets = []string{"Infrastructure", "Sandbox", "Security", "Workloads/NonProd", "Workloads/Prod"}
			},
			Want: []string{"ou/Root/Workloads"},
		},
		"011 AWS-managed SCPs do not count": {
			Check: "GW-ORG-011",
			Edit:  func(e *estate.Estate) { baseline(e).AWSManaged = true },
			Want:  []string{"ou/Root/Infrastructure", "ou/Root/Sandbox", "ou/Root/Security", "ou/Root/Workloads"},
		},
		"011 without a spec, a new top-level OU needs one": {
			Check: "GW-ORG-011",
			Edit: func(e *estate.Estate) {
				e.Units["Scratch"] = &estate.Unit{Path: "Scratch"}
				for _, u := range e.Units {
					u.Guardrails = false
				}
			},
			Want: []string{"ou/Root/Scratch"}, Msg: "(attached: none)",
		},
		"011 with a spec, a waived OU needs none": {
			Check: "GW-ORG-011",
			Edit:  func(e *estate.Estate) { e.Units["Scratch"] = &estate.Unit{Path: "Scratch"} },
		},

		"012 passes with FullAWSAccess on the root": {Check: "GW-ORG-012"},
		"012 customer SCP on the root": {
			Check: "GW-ORG-012",
			Edit:  func(e *estate.Estate) { baseline(e).Targets = append(baseline(e).Targets, estate.RootTarget) },
			Want:  []string{"policy/p-baseline (groundwork-baseline)"}, Msg: "groundwork-baseline is attached to the root",
		},

		"013 passes": {Check: "GW-ORG-013"},
		"013 passes from the root": {
			Check: "GW-ORG-013",
			Edit:  func(e *estate.Estate) { baseline(e).Targets = []string{estate.RootTarget} },
		},
		"013 passes with wildcards, a lone statement and policies split": {
			Check: "GW-ORG-013",
			Edit: func(e *estate.Estate) {
				baseline(e).Content = `{"Statement":{"Effect":"Deny","Action":"Organizations:*","Resource":"*"}}`
				addPolicy(e.Org, &estate.Policy{ID: "p-more", Name: "more", Type: estate.PolicyTypeSCP,
					Content: scp(`{"Effect":"Deny","Action":"ram:*Share","Resource":"*","Condition":{"Bool":{"ram:RequestedAllowsExternalPrincipals":true}}}`,
						`{"Effect":"Deny","Action":["*"],"Resource":"*","Condition":{"ArnLike":{"aws:principalarn":"arn:aws:iam::*:root"}}}`),
					Targets: guardedUnits})
			},
		},
		"013 passes with an administration role exempt": {
			Check: "GW-ORG-013",
			Edit: withBaseline(denySharing, denyRoot,
				`{"Effect":"Deny","Action":"organizations:LeaveOrganization","Resource":"*","Condition":{"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/org-admin/*"}}}`),
		},
		"013 nothing denied": {
			Check: "GW-ORG-013",
			Edit:  withBaseline(protectOrgAdmin),
			Want:  []string{org, org, org},
			Msg:   "no customer-managed SCP in effect denies every action to the root user",
		},
		"013 leaving the organization not denied": {
			Check: "GW-ORG-013",
			Edit:  withBaseline(denySharing, denyRoot),
			Want:  []string{org}, Msg: "denies organizations:LeaveOrganization; library policy PreventMemberLeaveOrg does",
		},
		"013 missing on one OU": {
			Check: "GW-ORG-013",
			Edit: func(e *estate.Estate) {
				baseline(e).Targets = []string{"Infrastructure", "Security", "Workloads"}
				addPolicy(e.Org, &estate.Policy{ID: "p-sbx", Name: "sandbox", Type: estate.PolicyTypeSCP,
					Content: scp(denySharing, denyRoot), Targets: []string{"Sandbox"}})
			},
			Want: []string{org}, Msg: "no customer-managed SCP in effect on Root/Sandbox denies organizations:LeaveOrganization",
		},
		"013 Allow is not a guardrail": {
			Check: "GW-ORG-013",
			Edit: withBaseline(denySharing, denyRoot,
				`{"Effect":"Allow","Action":"organizations:LeaveOrganization","Resource":"*"}`),
			Want: []string{org}, Msg: "PreventMemberLeaveOrg",
		},
		"013 root user denied only some services": {
			Check: "GW-ORG-013",
			Edit: withBaseline(denyLeave, denySharing,
				`{"Effect":"Deny","Action":["s3:*","iam:*"],"Resource":"*","Condition":{"StringLike":{"aws:PrincipalArn":"arn:aws:iam::*:root"}}}`),
			Want: []string{org}, Msg: "PreventRootUserFromPerformingAnyActions",
		},
		"013 a negated condition exempts the root user": {
			Check: "GW-ORG-013",
			Edit: withBaseline(denyLeave, denySharing,
				`{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:root"}}}`),
			Want: []string{org}, Msg: "PreventRootUserFromPerformingAnyActions",
		},
		"013 sharing denied only when not external": {
			Check: "GW-ORG-013",
			Edit: withBaseline(denyLeave, denyRoot,
				`{"Effect":"Deny","Action":["ram:CreateResourceShare","ram:UpdateResourceShare"],"Resource":"*","Condition":{"Bool":{"ram:RequestedAllowsExternalPrincipals":"false"}}}`),
			Want: []string{org}, Msg: "PreventResourceSharingOutsideOrg",
		},
		"013 updating a share left open": {
			Check: "GW-ORG-013",
			Edit: withBaseline(denyLeave, denyRoot,
				`{"Effect":"Deny","Action":"ram:CreateResourceShare","Resource":"*","Condition":{"Bool":{"ram:RequestedAllowsExternalPrincipals":"true"}}}`),
			Want: []string{org}, Msg: "PreventResourceSharingOutsideOrg",
		},
		"013 an unattached SCP is not in effect": {
			Check: "GW-ORG-013",
			Edit:  func(e *estate.Estate) { baseline(e).Targets = nil },
			Want:  []string{org, org, org},
		},
		"013 a document that does not parse provides nothing": {
			Check: "GW-ORG-013",
			Edit:  func(e *estate.Estate) { baseline(e).Content = `{"Statement":[` },
			Want:  []string{org, org, org},
		},
		"013 without top-level OUs the root is judged": {
			Check: "GW-ORG-013",
			Edit: func(e *estate.Estate) {
				e.Units = map[string]*estate.Unit{}
				baseline(e).Targets = []string{"Security"} // a stale target
			},
			Want: []string{org, org, org}, Msg: "no customer-managed SCP in effect denies",
		},

		"014 passes": {Check: "GW-ORG-014"},
		"014 passes with wildcards": {
			Check: "GW-ORG-014",
			Edit:  withBaseline(denyLeave, denySharing, denyRoot, `{"Effect":"Deny","Action":"iam:*","Resource":["arn:aws:iam::*:role/*"]}`),
		},
		"014 not protected": {
			Check: "GW-ORG-014",
			Edit:  withBaseline(denyLeave, denySharing, denyRoot),
			Want:  []string{org}, Msg: "; library policy ProtectOrgAdminRoles does",
		},
		"014 denied only under a condition": {
			Check: "GW-ORG-014",
			Edit: withBaseline(`{"Effect":"Deny","Action":["iam:UpdateRole","iam:DeleteRole"],"Resource":"arn:aws:iam::*:role/org-admin/*",` +
				`"Condition":{"StringEquals":{"aws:RequestedRegion":"eu-west-1"}}}`),
			Want: []string{org},
		},
		"014 only deletion denied": {
			Check: "GW-ORG-014",
			Edit:  withBaseline(`{"Effect":"Deny","Action":"iam:DeleteRole","Resource":"arn:aws:iam::*:role/org-admin/*"}`),
			Want:  []string{org},
		},
		"014 another path protected": {
			Check: "GW-ORG-014",
			Edit:  withBaseline(`{"Effect":"Deny","Action":["iam:UpdateRole","iam:DeleteRole"],"Resource":"arn:aws:iam::*:role/admin/*"}`),
			Want:  []string{org},
		},

		// Security has FullAWSAccess and groundwork-baseline.
		"015 passes":             {Check: "GW-ORG-015"},
		"015 passes with a slot": {Check: "GW-ORG-015", Edit: attachSCPs("Security", policy.MaxSCPsPerTarget-3)},
		"015 full OU": {
			Check: "GW-ORG-015",
			Edit:  attachSCPs("Security", policy.MaxSCPsPerTarget-2),
			Want:  []string{"ou/Root/Security"},
			Msg:   fmt.Sprintf("Root/Security has %d SCPs attached (FullAWSAccess, extra-00, extra-01,", policy.MaxSCPsPerTarget),
		},
		"015 only top-level OUs": {Check: "GW-ORG-015", Edit: attachSCPs("Workloads/Prod", policy.MaxSCPsPerTarget)},
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
		if fs := audittest.RunCheck(t, id, e); len(fs) != 0 {
			t.Errorf("%s with the library policies: %+v", id, fs)
		}
	}
}
