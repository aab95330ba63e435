package identity

import (
	"fmt"
	"maps"
	"slices"

	"github.com/groundwork-aws/groundwork/internal/audit"
	"github.com/groundwork-aws/groundwork/internal/estate"
)

// The checks of permission sets and how far they reach (guidance 000's
// standard assignments; 003 "General Best Practices" and "AWS Identity
// and Access Management (IAM)": least privilege, access through groups).

func init() {
	audit.Register(audit.Check{
		ID:       "GW-IDC-006",
		Title:    "Administrator permission sets not assigned across the organization",
		Severity: audit.High,
		Guidance: "003 General Best Practices; 000 Create Permission Set for your Log Archive Admins Group",
		Controls: []string{"NIST CSF PR.AC-4"},
		Rationale: "An administrator permission set assigned to the root or to many accounts makes one group or user " +
			"administrator of all of them: one phished identity, or one membership added by mistake, opens every " +
			"account it reaches.",
		Remediation: "assign administrator permission sets account by account (identity.assignments accounts:), never root: " +
			"true, and give wide access a narrower permission set such as ReadOnlyAccess; identity.audit.admin_accounts " +
			"(default 3) sets how many accounts one administrator set may reach; run groundwork apply --allow-delete",
		Reads: readsAccess,
		Run:   checkAdminSpread,
	})
	audit.Register(audit.Check{
		ID:       "GW-IDC-007",
		Title:    "Permission set sessions no longer than the limit",
		Severity: audit.Low,
		Guidance: "003 AWS Identity and Access Management (IAM)",
		Controls: []string{"NIST CSF PR.AC-1", "NIST CSF PR.AC-7"},
		Rationale: "A long session outlives the work it was opened for: credentials left in a shell or a stolen browser " +
			"session stay good for hours after their holder has gone.",
		Remediation: "set identity.permission_sets.<name>.session_duration to at most identity.audit.session_hours " +
			"(default 8; a permission set's own default is 1h) and run groundwork apply",
		Reads: readsAccess,
		Run:   checkSessionDuration,
	})
	audit.Register(audit.Check{
		ID:       "GW-IDC-009",
		Title:    "Log Archive and Security Tooling administered through an Identity Center group",
		Severity: audit.Low,
		Guidance: "000 Create Log Archive Admins IAM Identity Center Group; 000 Create Permission Set for your Log " +
			"Archive Admins Group; 000 Create Security Admins IAM Identity Center Group; 000 Create Permission Set for " +
			"the Security Admins Group",
		Controls: []string{"NIST CSF PR.AC-4"},
		Rationale: "Without an administrators group on the Log Archive and Security Tooling accounts, the people who run " +
			"the organization's logs and security services work as the root user, the access role, or one-off " +
			"assignments nobody reviews.",
		Remediation: "give each account an administrators group with an administrator permission set (groundwork init writes " +
			"Log Archive Administrators with LogArchiveAdminAccess and Security Administrators with SecurityAdminAccess " +
			"under identity), and run groundwork apply",
		Reads: readsAccess,
		Run:   checkFoundationAdminGroups,
	})
	audit.Register(audit.Check{
		ID:       "GW-IDC-010",
		Title:    "Member accounts reached through groups, not users",
		Severity: audit.Low,
		Guidance: "003 AWS Identity and Access Management (IAM)",
		Controls: []string{"NIST CSF PR.AC-1", "NIST CSF PR.AC-4"},
		Rationale: "Access given user by user is not reviewed, granted or taken away with the person's role: it lingers " +
			"after they change teams, and nobody can tell who holds what from the groups.",
		Remediation: "put the users in a group that mirrors their job and assign the group (identity.assignments groups:), " +
			"then remove the user assignments with groundwork apply --allow-delete; the management account is the " +
			"exception, where only named users belong",
		Reads: readsAccess,
		Run:   checkUserAssignments,
	})
}

func checkAdminSpread(e *estate.Estate) []audit.Finding {
	c := center(e)
	if c == nil || c.PermissionSets == nil {
		return nil
	}
	limit := e.Identity.Limits.Or().AdminAccounts
	live := audit.ActiveAccounts(e)
	accounts := map[string]map[string]bool{} // permission set -> accounts
	for a := range liveAssignments(e, c) {
		if !grantsAdmin(c.PermissionSets[a.PermissionSet]) {
			continue
		}
		if accounts[a.PermissionSet] == nil {
			accounts[a.PermissionSet] = map[string]bool{}
		}
		accounts[a.PermissionSet][a.Account] = true
	}
	var out []audit.Finding
	for _, set := range slices.Sorted(maps.Keys(accounts)) {
		n := len(accounts[set])
		switch {
		case len(live) > 1 && coversEvery(e, live, accounts[set]):
			out = append(out, permissionSetFinding(e, c, set, fmt.Sprintf("grants administrator access and is assigned "+
				"in every account of the organization (%d), as an assignment to the root is", n)))
		case n > limit:
			out = append(out, permissionSetFinding(e, c, set, fmt.Sprintf("grants administrator access and is assigned "+
				"in %d accounts, more than %d", n, limit)))
		}
	}
	return out
}

// coversEvery reports whether the account keys hold every account of
// live.
func coversEvery(e *estate.Estate, live []*estate.Account, keys map[string]bool) bool {
	for _, a := range live {
		if !keys[estate.EmailKey(a.Email)] && !(e.IsManagement(a) && keys[estate.ManagementKey]) {
			return false
		}
	}
	return true
}

func checkSessionDuration(e *estate.Estate) []audit.Finding {
	c := center(e)
	if c == nil {
		return nil
	}
	limit := e.Identity.Limits.Or().SessionHours
	var out []audit.Finding
	for _, name := range slices.Sorted(maps.Keys(c.PermissionSets)) {
		ps := c.PermissionSets[name]
		minutes, ok := isoMinutes(ps.SessionDuration)
		if !ok || minutes <= limit*60 {
			continue
		}
		out = append(out, permissionSetFinding(e, c, name, fmt.Sprintf("sessions last %s, longer than %d hours",
			ps.SessionDuration, limit)))
	}
	return out
}

// isoMinutes reads an ISO 8601 duration of hours and minutes, as
// sso-admin gives a session duration, in minutes.
func isoMinutes(s string) (int, bool) {
	m := iso8601RE.FindStringSubmatch(s)
	if m == nil || s == "PT" {
		return 0, false
	}
	var h, min int
	fmt.Sscan(m[1]+" ", &h)
	fmt.Sscan(m[2]+" ", &min)
	return h*60 + min, true
}

func checkFoundationAdminGroups(e *estate.Estate) []audit.Finding {
	c := center(e)
	if c == nil || c.PermissionSets == nil || usesIdentityAccount(e) {
		return nil
	}
	held := map[string]bool{} // account keys where a group holds an administrator set
	for a := range liveAssignments(e, c) {
		if a.PrincipalType == estate.PrincipalGroup && grantsAdmin(c.PermissionSets[a.PermissionSet]) {
			held[a.Account] = true
		}
	}
	var out []audit.Finding
	for _, role := range []estate.Role{estate.RoleLogArchive, estate.RoleSecurityTooling} {
		for _, a := range audit.AccountsKnownAs(e, role) {
			if held[estate.EmailKey(a.Email)] {
				continue
			}
			out = append(out, audit.AccountFinding(a, fmt.Sprintf("no Identity Center group holds an administrator "+
				"permission set on this %s account", role)))
		}
	}
	return out
}

func checkUserAssignments(e *estate.Estate) []audit.Finding {
	c := center(e)
	if c == nil {
		return nil
	}
	var out []audit.Finding
	for a := range liveAssignments(e, c) {
		if a.Account != estate.ManagementKey && a.PrincipalType == estate.PrincipalUser {
			out = append(out, assignmentFinding(e, a, fmt.Sprintf("user %q holds permission set %s directly, not "+
				"through a group", a.Principal, a.PermissionSet)))
		}
	}
	return out
}
