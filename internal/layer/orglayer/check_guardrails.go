package orglayer

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/groundwork-aws/groundwork/internal/audit"
	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/policy"
)

// The guardrail checks: service control policies, where they are attached
// (guidance 000: every top-level OU except Exceptions, never the root) and
// what the customer-managed ones deny (guidance 000's hardening SCPs and
// guidance 004's protection of /org-admin/ roles).

// sampleAccountID stands in for any account in the ARNs a guardrail must
// cover.
const sampleAccountID = "123456789012"

// A guardrail is a protection some customer-managed SCP must provide.
type guardrail struct {
	// library is the SCP library policy that provides it.
	library string
	// what says what the guardrail denies, for messages.
	what string
	// actions must each be denied by a statement for which applies holds.
	actions []string
	// applies tells a statement that provides the guardrail from one that
	// denies the same actions for something else, such as only for the
	// root user.
	applies func(policy.Statement) bool
}

// baselineGuardrails are the organization hardening SCPs of guidance 000.
var baselineGuardrails = []guardrail{
	{
		library: "PreventMemberLeaveOrg",
		what:    "denies organizations:LeaveOrganization",
		actions: []string{"organizations:LeaveOrganization"},
		applies: forEveryone,
	},
	{
		library: "PreventRootUserFromPerformingAnyActions",
		what:    "denies every action to the root user (aws:PrincipalArn arn:aws:iam::*:root)",
		// Only an Action of "*" matches the action name "*": a statement
		// that denies the root user some services is not this guardrail.
		actions: []string{"*"},
		applies: func(s policy.Statement) bool {
			return slices.ContainsFunc(conditionValues(s, "aws:PrincipalArn"), func(v string) bool {
				return policy.MatchWildcard(v, "arn:aws:iam::"+sampleAccountID+":root", false)
			})
		},
	},
	{
		library: "PreventResourceSharingOutsideOrg",
		what:    "denies ram:CreateResourceShare and ram:UpdateResourceShare when ram:RequestedAllowsExternalPrincipals is true",
		actions: []string{"ram:CreateResourceShare", "ram:UpdateResourceShare"},
		applies: func(s policy.Statement) bool {
			return slices.ContainsFunc(conditionValues(s, "ram:RequestedAllowsExternalPrincipals"), func(v string) bool {
				return strings.EqualFold(v, "true")
			})
		},
	},
}

// orgAdminGuardrail is guidance 004's protection of the roles under the
// /org-admin/ path. Both actions count: denying one leaves the other open.
var orgAdminGuardrail = guardrail{
	library: "ProtectOrgAdminRoles",
	what:    "denies iam:UpdateRole and iam:DeleteRole on roles under /org-admin/",
	actions: []string{"iam:UpdateRole", "iam:DeleteRole"},
	applies: func(s policy.Statement) bool {
		return forEveryone(s) && covers(s, "arn:aws:iam::"+sampleAccountID+":role/org-admin/example")
	},
}

func init() {
	audit.Register(audit.Check{
		ID:       "GW-ORG-010",
		Title:    "Service control policies enabled on the root",
		Severity: audit.High,
		Guidance: "000 Create and attach organization hardening SCPs; 004 Effective Organizational Unit (OU) Strategy",
		Controls: []string{"NIST CSF PR.AC-4"},
		Rationale: "Until the SCP policy type is enabled no guardrail can be attached, so the administrators of every " +
			"member account can do anything there, leaving the organization included.",
		Remediation: "list the guardrails under policies.scps in foundation.yaml and run groundwork apply, " +
			"which enables the SERVICE_CONTROL_POLICY policy type on the root",
		Reads: []string{readPoliciesName},
		Run:   checkSCPsEnabled,
	})
	audit.Register(audit.Check{
		ID:       "GW-ORG-011",
		Title:    "A customer-managed SCP attached to every top-level OU except Exceptions",
		Severity: audit.High,
		Guidance: "000 Create and attach organization hardening SCPs; 000 Create Exceptions OU; 004 Robust SCPs",
		Controls: []string{"NIST CSF PR.AC-4"},
		Rationale: "An OU with only AWS-managed FullAWSAccess attached puts no limit on its accounts: a compromised " +
			"administrator there can leave the organization, share resources outside it or act as the root user.",
		Remediation: "list the guardrails under policies.scps in foundation.yaml (they attach by default to every top-level OU " +
			"whose guardrails are baseline; set units.<name>.guardrails: none only for Exceptions) and run groundwork apply",
		Reads: []string{readPoliciesName},
		Run:   checkGuardedUnits,
	})
	audit.Register(audit.Check{
		ID:       "GW-ORG-012",
		Title:    "No customer-managed SCP attached to the root",
		Severity: audit.Medium,
		Guidance: "000 Create and attach organization hardening SCPs; 000 Create Exceptions OU",
		Controls: []string{"NIST CSF PR.AC-4"},
		Rationale: "An SCP on the root binds every account, those in Exceptions included, so the one OU meant for " +
			"exceptions has none, and a faulty policy there locks out the whole organization at once.",
		Remediation: "remove Root from policies.scps.<name>.attach in foundation.yaml (the default attaches to every top-level OU " +
			"except Exceptions) and run groundwork apply",
		Reads: []string{readPoliciesName},
		Run:   checkRootSCPs,
	})
	audit.Register(audit.Check{
		ID:       "GW-ORG-013",
		Title:    "Baseline guardrails in effect on every top-level OU except Exceptions",
		Severity: audit.High,
		Guidance: "000 Create and attach organization hardening SCPs",
		Controls: []string{"NIST CSF PR.AC-4", "NIST CSF PR.DS-5"},
		Rationale: "Without the baseline guardrails a member account can leave the organization and its controls, share " +
			"resources with principals outside it, or be used through its root user, whom no IAM policy limits.",
		Remediation: "list PreventMemberLeaveOrg, PreventRootUserFromPerformingAnyActions and PreventResourceSharingOutsideOrg " +
			"under policies.scps in foundation.yaml and run groundwork apply",
		Reads: []string{readPoliciesName},
		Run:   checkGuardrails(baselineGuardrails),
	})
	audit.Register(audit.Check{
		ID:       "GW-ORG-014",
		Title:    "Organization administration roles under /org-admin/ protected by an SCP",
		Severity: audit.Medium,
		Guidance: "004 Implement Role Pathing and SCP Protection; 004 Protecting IAM Roles via SCPs",
		Controls: []string{"NIST CSF PR.AC-4"},
		Rationale: "Administration roles that an account's own administrators can change or delete can be turned against " +
			"the organization or removed, cutting off the central team's access to repair the account.",
		Remediation: "list ProtectOrgAdminRoles under policies.scps in foundation.yaml (policies.protected_role_paths " +
			"defaults to /org-admin/) and run groundwork apply",
		Reads: []string{readPoliciesName},
		Run:   checkGuardrails([]guardrail{orgAdminGuardrail}),
	})
	audit.Register(audit.Check{
		ID:       "GW-ORG-015",
		Title:    "Room for another SCP on every top-level OU",
		Severity: audit.Low,
		Guidance: "000 Create and attach organization hardening SCPs; 004 Robust SCPs",
		Rationale: "AWS allows five SCPs on one target; an OU at the limit cannot take a new guardrail when a threat or " +
			"audit calls for one, and merging policies under pressure is where mistakes happen.",
		Remediation: "combine guardrails into fewer SCPs with policies.scps.<name>.library (several library policies in one SCP) " +
			"in foundation.yaml and run groundwork apply",
		Reads: []string{readPoliciesName},
		Run:   checkSCPRoom,
	})
}

func checkSCPsEnabled(e *estate.Estate) []audit.Finding {
	if e.Org == nil || slices.Contains(e.Org.EnabledPolicyTypes, estate.PolicyTypeSCP) {
		return nil
	}
	return []audit.Finding{{
		Resource: audit.OrgResource(e),
		Message:  fmt.Sprintf("the %s policy type is not enabled on the root: no guardrail can be attached", estate.PolicyTypeSCP),
	}}
}

// checkGuardedUnits reports every top-level OU that should carry the
// baseline guardrails and has no customer-managed SCP attached directly.
func checkGuardedUnits(e *estate.Estate) []audit.Finding {
	if e.Org == nil {
		return nil
	}
	scps := customerSCPs(e.Org)
	var out []audit.Finding
	for _, u := range guardrailUnits(e) {
		if slices.ContainsFunc(scps, func(p *estate.Policy) bool { return attachedTo(p, u.Path) }) {
			continue
		}
		attached := e.Org.PoliciesOn(estate.PolicyTypeSCP, u.Path)
		out = append(out, audit.Finding{
			Resource: audit.UnitResource(u.Path),
			Message: fmt.Sprintf("no customer-managed SCP is attached to %s (attached: %s): guidance 000 attaches the baseline "+
				"guardrails to every top-level OU except %s", estate.DisplayPath(u.Path), cmp.Or(audit.NameList(attached), "none"), exceptionsOU),
		})
	}
	return out
}

func checkRootSCPs(e *estate.Estate) []audit.Finding {
	if e.Org == nil {
		return nil
	}
	var out []audit.Finding
	for _, p := range customerSCPs(e.Org) {
		if attachedTo(p, estate.RootTarget) {
			out = append(out, audit.Finding{
				Resource: policyResource(p),
				Message: fmt.Sprintf("customer-managed SCP %s is attached to the root, where it binds every member account, "+
					"those in %s included; attach it to the top-level OUs instead", p.Name, exceptionsOU),
			})
		}
	}
	return out
}

// checkGuardrails reports each guardrail that is missing on some OU of
// guardrailUnits, naming the OUs unless it is missing on all of them. The
// SCPs in effect on an OU are those attached to it or to the root; an
// organization without top-level OUs is judged by the root alone. Documents that do not parse
// provide nothing; AWS accepts only valid JSON, so that happens only in an
// estate built by hand.
func checkGuardrails(gs []guardrail) func(*estate.Estate) []audit.Finding {
	return func(e *estate.Estate) []audit.Finding {
		if e.Org == nil {
			return nil
		}
		docs := map[*estate.Policy]*policy.Document{}
		for _, p := range customerSCPs(e.Org) {
			if d, err := policy.Parse([]byte(p.Content)); err == nil {
				docs[p] = d
			}
		}
		targets := []string{estate.RootTarget}
		if units := guardrailUnits(e); len(units) > 0 {
			targets = targets[:0]
			for _, u := range units {
				targets = append(targets, u.Path)
			}
		}
		var out []audit.Finding
		for _, g := range gs {
			var lacking []string
			for _, t := range targets {
				if !provides(docs, t, g) {
					lacking = append(lacking, displayTarget(t))
				}
			}
			if len(lacking) == 0 {
				continue
			}
			where := ""
			if len(lacking) < len(targets) {
				where = " on " + audit.NameList(lacking)
			}
			out = append(out, audit.Finding{
				Resource: audit.OrgResource(e),
				Message:  fmt.Sprintf("no customer-managed SCP in effect%s %s; library policy %s does", where, g.what, g.library),
			})
		}
		return out
	}
}

// provides reports whether the SCPs in effect on target together deny
// every action of the guardrail.
func provides(docs map[*estate.Policy]*policy.Document, target string, g guardrail) bool {
	for _, action := range g.actions {
		denied := false
		for p, d := range docs {
			if !attachedTo(p, target) && !attachedTo(p, estate.RootTarget) {
				continue
			}
			denied = denied || slices.ContainsFunc(d.Statements, func(s policy.Statement) bool {
				return denies(s, action) && g.applies(s)
			})
		}
		if !denied {
			return false
		}
	}
	return true
}

// checkSCPRoom reports top-level OUs at the quota of SCPs attached
// directly to one target (FullAWSAccess included), where no further
// guardrail can be attached. Units below them have room of their own, but
// guidance 000 attaches the baseline to the top-level OUs.
func checkSCPRoom(e *estate.Estate) []audit.Finding {
	if e.Org == nil {
		return nil
	}
	var out []audit.Finding
	for _, u := range topLevelUnits(e) {
		attached := e.Org.PoliciesOn(estate.PolicyTypeSCP, u.Path)
		if len(attached) < policy.MaxSCPsPerTarget {
			continue
		}
		out = append(out, audit.Finding{
			Resource: audit.UnitResource(u.Path),
			Message: fmt.Sprintf("%s has %d SCPs attached (%s), the most AWS Organizations allows on one target: "+
				"another guardrail cannot be attached without combining or removing one", estate.DisplayPath(u.Path), len(attached), audit.NameList(attached)),
		})
	}
	return out
}

// displayTarget renders a policy target for people.
func displayTarget(t string) string {
	if t == estate.RootTarget {
		return "Root"
	}
	return estate.DisplayPath(t)
}
