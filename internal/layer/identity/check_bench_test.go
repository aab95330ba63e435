package identity

import (
	"fmt"
	"slices"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/audit"
	"github.com/groundwork-aws/groundwork/internal/audit/audittest"
	"github.com/groundwork-aws/groundwork/internal/estate"
)

// BenchmarkIdentityCenterChecks runs every Identity Center check on an
// organization of 1,000 member accounts where 20 permission sets are each
// assigned to a group in every account and a user in every tenth: 22,000
// assignments. The checks are pure functions of the estate; what they cost
// grows with the assignments, once each.
func BenchmarkIdentityCenterChecks(b *testing.B) {
	e := centered()
	c := e.Identity.Center
	for i := range 1000 {
		name := fmt.Sprintf("workload-%04d", i)
		a := audittest.AddAccount(e, fmt.Sprintf("9%011d", i), name, "Workloads/Prod", estate.RoleWorkload, "prod")
		for s := range 20 {
			set := fmt.Sprintf("Set-%02d", s)
			if _, ok := c.PermissionSets[set]; !ok {
				c.PermissionSets[set] = &estate.PermissionSet{Name: set, SessionDuration: "PT4H", ManagedPolicies: []string{"arn:aws:iam::aws:policy/ReadOnlyAccess"}}
			}
			c.Assignments = append(c.Assignments, assign(set, estate.PrincipalGroup, "developers", a.Email))
			if i%10 == 0 {
				c.Assignments = append(c.Assignments, assign(set, estate.PrincipalUser, "eve", a.Email))
			}
		}
	}
	var checks []audit.Check
	for _, ch := range audit.Checks() {
		if slices.Contains(idcChecks, ch.ID) {
			checks = append(checks, ch)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, ch := range checks {
			audit.RunCheck(ch, e)
		}
	}
}
