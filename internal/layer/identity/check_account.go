package identity

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/groundwork-aws/groundwork/internal/audit"
	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/policy"
)

// The Identity-account model's checks (guidance 002, Conformity IAM-030)
// and the checks on cross-account trust every organization gets. The
// model's checks judge e.Identity.Account, which is read only when the
// spec uses the model: only the spec says which account is the Identity
// account, so without it they are not evaluated (Needs). The trust checks
// judge e.Identity.CrossAccountRoles, every account's roles that another
// account may assume, and say nothing when they were not read (nil).

// Guidance the model's checks cite.
const (
	guidanceModelSetup = "002 Set up the AWS multi-account environment"
	guidanceModelRoles = guidanceModelSetup
)

func init() {
	audit.Register(audit.Check{
		ID:       "GW-IDA-001",
		Title:    "IAM users only in the Identity account",
		Severity: audit.Medium,
		Guidance: guidanceModelSetup + "; 002 Switch roles and enable cross-account access",
		Controls: []string{"NIST CSF PR.AC-1", "Conformity IAM-030"},
		Rationale: "In the Identity-account model people sign in to the Identity account only and switch roles from there; " +
			"an IAM user in any other account is a second set of long-lived credentials that the Identity account's " +
			"group, MFA and offboarding do not govern.",
		Remediation: "move the person to identity.identity_account.users (groundwork apply makes the user in the Identity " +
			"account) and delete the IAM user from the other account by hand; the management account's users are GW-HRD-005's",
		Reads: []string{readAccountName},
		Run:   checkOutsideUsers,
	})
	audit.Register(audit.Check{
		ID:       "GW-IDA-002",
		Title:    "Identity-account users hold only self-service permissions",
		Severity: audit.High,
		Guidance: guidanceModelSetup,
		Controls: []string{"NIST CSF PR.AC-4", "Conformity IAM-030"},
		Rationale: "The Identity account's users should be able to manage their own password, MFA device and access keys " +
			"and to assume the stage roles, nothing more: any other permission there is reached without switching role, " +
			"so without the stage roles' MFA condition and session limit.",
		Remediation: "detach the other policies from the users and the group, take the users out of other groups, and keep " +
			"identity.identity_account in foundation.yaml so that groundwork apply keeps the group's policy to self-service",
		Reads: []string{readAccountName},
		Run:   checkSelfServiceOnly,
	})
	audit.Register(audit.Check{
		ID:       "GW-IDA-003",
		Title:    "Roles the Identity account may assume require MFA",
		Severity: audit.High,
		Guidance: guidanceModelRoles + "; 004 Immediate Actions",
		Controls: []string{"NIST CSF PR.AC-7", "Conformity IAM-030"},
		Rationale: "A role that lets the Identity account's principals in without aws:MultiFactorAuthPresent can be assumed " +
			"with a leaked access key alone; BoolIfExists lets such keys through too, since they carry no MFA key at all.",
		Remediation: "keep the role as a stage role under identity.identity_account.roles and run groundwork apply, which " +
			"sets a trust that requires MFA; for another role, add Condition {\"Bool\": {\"aws:MultiFactorAuthPresent\": \"true\"}} " +
			"to each statement that trusts the Identity account",
		Reads: []string{readAccountName, readRolesName},
		Run:   checkStageRolesMFA,
	})
	audit.Register(audit.Check{
		ID:       "GW-IDA-004",
		Title:    "No IAM role trusts every AWS principal",
		Severity: audit.Critical,
		Guidance: guidanceModelRoles + "; 003 AWS Identity and Access Management (IAM)",
		Controls: []string{"NIST CSF PR.AC-3", "NIST CSF PR.AC-4"},
		Rationale: "A trust policy with the principal \"*\" and no condition binding it to accounts or the organization lets " +
			"any AWS account in the world assume the role and act with its permissions.",
		Remediation: "name the accounts or roles that may assume the role in its trust policy, or bind \"*\" with an " +
			"aws:PrincipalOrgID condition; for a stage role, groundwork apply sets the trust to the Identity account",
		Reads: []string{readRolesName},
		Run:   checkTrustsAnyone,
	})
	audit.Register(audit.Check{
		ID:       "GW-IDA-005",
		Title:    "No IAM role trusts accounts outside the organization",
		Severity: audit.Medium,
		Guidance: guidanceModelRoles + "; 003 AWS Identity and Access Management (IAM)",
		Controls: []string{"NIST CSF PR.AC-3", "NIST CSF PR.AC-4"},
		Rationale: "Principals of an account outside the organization are governed by none of its SCPs, logging or " +
			"offboarding; a role they may assume is a way in that the organization does not control.",
		Remediation: "remove the outside account from the role's trust policy; where a vendor must be trusted, require " +
			"sts:ExternalId and suppress the finding for that role with the reason",
		Reads: []string{readRolesName},
		Run:   checkTrustsOutside,
	})
}

// accountModel is the Identity-account model the spec names, as read;
// nil when the spec does not use the model (an organization on IAM
// Identity Center is judged by the GW-IDC checks), when it was not read,
// or when the read only found it: only the spec says which account is
// the Identity account.
func accountModel(e *estate.Estate) *estate.IdentityAccount {
	if e.Identity == nil || e.Identity.Account == nil || e.Identity.Account.Detected {
		return nil
	}
	return e.Identity.Account
}

func checkOutsideUsers(e *estate.Estate) []audit.Finding {
	m := accountModel(e)
	if m == nil {
		return nil
	}
	var out []audit.Finding
	for _, key := range slices.Sorted(maps.Keys(m.OutsideUsers)) {
		w := estate.Where{Account: estate.AccountKey(key)}
		if key == estate.ManagementKey || audit.Leaving(e, w) {
			continue
		}
		users := m.OutsideUsers[key]
		out = append(out, audit.Finding{Resource: audit.WhereAccountResource(e, w.Account), Account: audit.WhereID(e, w.Account),
			Message: fmt.Sprintf("%d IAM user(s) outside the Identity account: %s", len(users), strings.Join(users, ", "))})
	}
	return out
}

// selfServiceActions are the actions groundwork's group policy allows, in
// lower case, and whether each must be limited to the user's own
// resources (${aws:username}).
var selfServiceActions = map[string]bool{
	"iam:getaccountpasswordpolicy": false, "iam:listvirtualmfadevices": false,
	"iam:changepassword": true, "iam:getuser": true, "iam:getloginprofile": true, "iam:updateloginprofile": true,
	"iam:createaccesskey": true, "iam:deleteaccesskey": true, "iam:listaccesskeys": true, "iam:updateaccesskey": true,
	"iam:getaccesskeylastused": true, "iam:listmfadevices": true, "iam:enablemfadevice": true, "iam:resyncmfadevice": true,
	"iam:deactivatemfadevice": true, "iam:createvirtualmfadevice": true, "iam:deletevirtualmfadevice": true,
	"iam:listsigningcertificates": true, "iam:listsshpublickeys": true, "iam:listservicespecificcredentials": true,
}

// beyondSelfService lists what an Allow statement of an identity policy
// grants beyond self-service: actions outside selfServiceActions,
// credential actions on other users' resources, and sts:AssumeRole on
// every role rather than named ones.
func beyondSelfService(doc string) []string {
	d, err := policy.Parse([]byte(doc))
	if err != nil {
		return []string{"a policy that does not parse"}
	}
	var out []string
	for _, s := range d.Statements {
		if s.Effect != "Allow" {
			continue
		}
		if s.NotAction != nil {
			out = append(out, "every action but "+strings.Join(s.NotAction, ", "))
			continue
		}
		own := len(s.Resource) > 0 && !slices.ContainsFunc(s.Resource, func(r string) bool { return !strings.Contains(r, "${aws:username}") })
		for _, a := range s.Action {
			la := strings.ToLower(a)
			switch mustOwn, ok := selfServiceActions[la]; {
			case la == "sts:assumerole":
				if slices.Contains(s.Resource, "*") || s.NotResource != nil {
					out = append(out, "sts:AssumeRole on every role")
				}
			case !ok:
				out = append(out, a)
			case mustOwn && !own:
				out = append(out, a+" on other users")
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func checkSelfServiceOnly(e *estate.Estate) []audit.Finding {
	m := accountModel(e)
	if m == nil {
		return nil
	}
	w := estate.Where{Account: estate.AccountKey(m.Account)}
	if audit.Leaving(e, w) {
		return nil
	}
	var out []audit.Finding
	if m.Group != "" {
		var extra []string
		extra = append(extra, m.GroupManagedPolicies...)
		for _, p := range m.GroupInlinePolicies {
			extra = append(extra, "inline "+p)
		}
		if m.GroupPolicy != "" {
			if beyond := beyondSelfService(m.GroupPolicy); len(beyond) > 0 {
				extra = append(extra, GroupPolicyName+" allowing "+strings.Join(beyond, ", "))
			}
		}
		if len(extra) > 0 {
			out = append(out, audit.PlacedFinding(e, "iam-group", m.Group, w,
				"the Identity account's group holds more than self-service: "+strings.Join(extra, "; ")))
		}
	}
	for _, name := range slices.Sorted(maps.Keys(m.Users)) {
		u := m.Users[name]
		var extra []string
		extra = append(extra, u.ManagedPolicies...)
		for _, p := range u.InlinePolicies {
			extra = append(extra, "inline "+p)
		}
		for _, g := range u.Groups {
			if g != m.Group {
				extra = append(extra, "the group "+g)
			}
		}
		if len(extra) > 0 {
			out = append(out, audit.PlacedFinding(e, "iam-user", name, w,
				"the user has permissions beyond self-service through "+strings.Join(extra, "; ")))
		}
	}
	return out
}

// roleToJudge is a role whose trust a check reads.
type roleToJudge struct {
	where estate.Where
	name  string
	trust string
}

// rolesByKey returns the cross-account roles and the stage roles the
// model read (the same roles where both were read), once each, sorted by
// key.
func rolesByKey(e *estate.Estate) []roleToJudge {
	seen := map[string]roleToJudge{}
	for k, r := range e.Identity.CrossAccountRoles {
		seen[k] = roleToJudge{where: r.Where, name: r.Name, trust: r.Trust}
	}
	if e.Identity.Account != nil {
		for k, r := range e.Identity.Account.Roles {
			seen[k] = roleToJudge{where: r.Where, name: r.Name, trust: r.Trust}
		}
	}
	var out []roleToJudge
	for _, k := range slices.Sorted(maps.Keys(seen)) {
		if !audit.Leaving(e, seen[k].where) {
			out = append(out, seen[k])
		}
	}
	return out
}

func checkStageRolesMFA(e *estate.Estate) []audit.Finding {
	m := accountModel(e)
	if m == nil {
		return nil
	}
	idID := audit.WhereID(e, estate.AccountKey(m.Account))
	if idID == "" {
		return nil
	}
	var out []audit.Finding
	for _, r := range rolesByKey(e) {
		for _, g := range trustGrants(r.trust) {
			// A statement open to anyone is GW-IDA-004's finding.
			if g.MFA || !slices.Contains(g.Accounts, idID) {
				continue
			}
			out = append(out, audit.PlacedFinding(e, "iam-role", r.name, r.where,
				"the role lets the Identity account's principals assume it without MFA (no Bool aws:MultiFactorAuthPresent true in its trust)"))
			break
		}
	}
	return out
}

func checkTrustsAnyone(e *estate.Estate) []audit.Finding {
	if e.Identity == nil {
		return nil
	}
	var out []audit.Finding
	for _, r := range e.Identity.CrossAccountRoles {
		if audit.Leaving(e, r.Where) || !slices.ContainsFunc(trustGrants(r.Trust), func(g trustGrant) bool { return g.Anyone }) {
			continue
		}
		out = append(out, audit.PlacedFinding(e, "iam-role", r.Name, r.Where,
			"the role's trust policy lets every AWS principal (\"*\") assume it, with no condition binding them to accounts or the organization"))
	}
	audit.SortFindings(out)
	return out
}

func checkTrustsOutside(e *estate.Estate) []audit.Finding {
	if e.Identity == nil || e.Organization == nil {
		return nil
	}
	inside := map[string]bool{e.Organization.ManagementAccountID: true}
	for _, a := range e.Accounts {
		inside[a.ID] = true
	}
	var out []audit.Finding
	for _, r := range e.Identity.CrossAccountRoles {
		if audit.Leaving(e, r.Where) {
			continue
		}
		var outside []string
		for _, g := range trustGrants(r.Trust) {
			for _, a := range g.Accounts {
				if !inside[a] {
					outside = append(outside, "account "+a)
				}
			}
			for _, o := range g.OrgIDs {
				if o != e.Organization.ID {
					outside = append(outside, "organization "+o)
				}
			}
		}
		if len(outside) == 0 {
			continue
		}
		slices.Sort(outside)
		out = append(out, audit.PlacedFinding(e, "iam-role", r.Name, r.Where,
			"the role trusts principals outside the organization: "+strings.Join(slices.Compact(outside), ", ")))
	}
	audit.SortFindings(out)
	return out
}
