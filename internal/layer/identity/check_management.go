package identity

import (
	"fmt"
	"iter"
	"maps"
	"slices"

	"github.com/groundwork-aws/groundwork/internal/audit"
	"github.com/groundwork-aws/groundwork/internal/estate"
)

// The checks of who reaches the management account through Identity
// Center (guidance 000 "Create management account for IAM Identity Center
// assignments", "Create IAM Identity Center Account and move to
// Infrastructure OU", "Delegate AWS IAM Identity Center"; 004 "Immediate
// Actions").

func init() {
	audit.Register(audit.Check{
		ID:       "GW-IDC-002",
		Title:    "Only named users, never groups, assigned on the management account",
		Severity: audit.High,
		Guidance: "000 Create management account for IAM Identity Center assignments",
		Controls: []string{"NIST CSF PR.AC-1", "NIST CSF PR.AC-4"},
		Rationale: "Group memberships can be changed from the Identity Center delegated administrator account, or by the " +
			"identity provider; whoever can add a member to a group assigned on the management account can give " +
			"themselves the organization.",
		Remediation: "assign the management account's permission sets to named users only (identity.assignments with users:, " +
			"accounts: [management]), remove the group assignments there and run groundwork apply --allow-delete",
		Reads: readsAccess,
		Run:   checkManagementGroups,
	})
	audit.Register(audit.Check{
		ID:       "GW-IDC-003",
		Title:    "Management account administered through named Identity Center users",
		Severity: audit.Medium,
		Guidance: "000 Create management account for IAM Identity Center admin users; 000 Create management account for " +
			"IAM Identity Center permission sets; 000 Create management account for IAM Identity Center assignments",
		Controls: []string{"NIST CSF PR.AC-1"},
		Rationale: "When no named Identity Center user holds an administrator permission set on the management account, " +
			"its administration falls back to the root user or IAM users, whose credentials are long-lived and " +
			"shared.",
		Remediation: "give a small set of named users an administrator permission set on the management account " +
			"(identity.permission_sets with managed_policies: [AdministratorAccess], identity.assignments with users: " +
			"and accounts: [management]; groundwork init writes it) and run groundwork apply",
		Reads: readsAccess,
		Run:   checkManagementAdmins,
	})
	audit.Register(audit.Check{
		ID:       "GW-IDC-004",
		Title:    "Few people with access to the management account",
		Severity: audit.Medium,
		Guidance: "000 Create management account for IAM Identity Center admin users; 004 Immediate Actions",
		Controls: []string{"NIST CSF PR.AC-4"},
		Rationale: "Everyone who reaches the management account can change the organization's guardrails, which no SCP " +
			"restricts there; each extra person is one more account to phish.",
		Remediation: "remove assignments on the management account until no more people hold one than identity.audit." +
			"management_users allows (default 5), and run groundwork apply --allow-delete",
		Reads: readsMembers,
		Run:   checkManagementHeadcount,
	})
	audit.Register(audit.Check{
		ID:       "GW-IDC-005",
		Title:    "Permission sets of the management account used only there",
		Severity: audit.Medium,
		Guidance: "000 Delegate AWS IAM Identity Center",
		Controls: []string{"NIST CSF PR.AC-4"},
		Rationale: "The Identity Center delegated administrator cannot change a permission set provisioned to the " +
			"management account: sharing one with member accounts means their access is administered from the " +
			"management account, or that a change meant for them reaches the management account.",
		Remediation: "give the management account permission sets of its own (for example MA-Administrator) and assign other " +
			"sets on member accounts under identity.assignments, then run groundwork apply --allow-delete",
		Reads: readsAccess,
		Run:   checkManagementSetsShared,
	})
}

func checkManagementGroups(e *estate.Estate) []audit.Finding {
	c := center(e)
	if c == nil {
		return nil
	}
	var out []audit.Finding
	for a := range liveAssignments(e, c) {
		if a.Account == estate.ManagementKey && a.PrincipalType == estate.PrincipalGroup {
			out = append(out, assignmentFinding(e, a, fmt.Sprintf("group %q holds permission set %s on the management "+
				"account: whoever can change the group's members can reach it", a.Principal, a.PermissionSet)))
		}
	}
	return out
}

func checkManagementAdmins(e *estate.Estate) []audit.Finding {
	c := center(e)
	if c == nil || c.PermissionSets == nil || usesIdentityAccount(e) {
		return nil
	}
	for a := range liveAssignments(e, c) {
		if a.Account == estate.ManagementKey && a.PrincipalType == estate.PrincipalUser && grantsAdmin(c.PermissionSets[a.PermissionSet]) {
			return nil
		}
	}
	return []audit.Finding{audit.ManagementFinding(e, "no named Identity Center user holds an administrator permission set "+
		"on the management account: its administration falls to the root user or IAM users")}
}

// managementPeople are the people who hold a permission set on the
// management account: its users, and the members of its groups.
func managementPeople(c *estate.IdentityCenter, as iter.Seq[estate.Assignment]) []string {
	people := map[string]bool{}
	for a := range as {
		if a.Account != estate.ManagementKey {
			continue
		}
		switch a.PrincipalType {
		case estate.PrincipalUser:
			people[a.Principal] = true
		case estate.PrincipalGroup:
			if g := c.Groups[a.Principal]; g != nil {
				for _, m := range g.Members {
					people[m] = true
				}
			}
		}
	}
	return slices.Sorted(maps.Keys(people))
}

func checkManagementHeadcount(e *estate.Estate) []audit.Finding {
	c := center(e)
	if c == nil {
		return nil
	}
	limit := e.Identity.Limits.Or().ManagementUsers
	people := managementPeople(c, liveAssignments(e, c))
	if len(people) <= limit {
		return nil
	}
	return []audit.Finding{audit.ManagementFinding(e, fmt.Sprintf("%d people hold a permission set on the management account "+
		"(%s), more than %d", len(people), audit.NameList(people), limit))}
}

func checkManagementSetsShared(e *estate.Estate) []audit.Finding {
	c := center(e)
	if c == nil {
		return nil
	}
	onManagement := map[string]bool{}
	members := map[string]map[string]bool{} // permission set -> member accounts
	note := func(set, key string) {
		if isManagementKey(e, key) {
			onManagement[set] = true
			return
		}
		if a := assignedAccount(e, key); a != nil && !a.Active() {
			return
		}
		if members[set] == nil {
			members[set] = map[string]bool{}
		}
		members[set][key] = true
	}
	// By assignments, not by where a set is provisioned: a set is
	// provisioned where it is assigned, and some endpoints (moto) list the
	// caller's account as provisioned for every set.
	for _, a := range c.Assignments {
		note(a.PermissionSet, a.Account)
	}
	var out []audit.Finding
	for _, set := range slices.Sorted(maps.Keys(onManagement)) {
		if len(members[set]) == 0 {
			continue
		}
		var names []string
		for _, key := range slices.Sorted(maps.Keys(members[set])) {
			names = append(names, accountName(e, key))
		}
		out = append(out, permissionSetFinding(e, c, set, fmt.Sprintf("used on the management account and on %s: the "+
			"delegated administrator cannot change it, so their access is administered from the management account",
			audit.NameList(names))))
	}
	return out
}

// accountName names an account key inside a message.
func accountName(e *estate.Estate, key string) string {
	if a := assignedAccount(e, key); a != nil {
		return audit.AccountLabel(a)
	}
	return key
}
