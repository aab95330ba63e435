package audit

import (
	"slices"
	"strings"

	"github.com/groundwork-aws/groundwork/internal/estate"
)

// roleTagKeys are the account tags, compared ignoring case, whose value
// may say what an account is for ("Role: Log Archive").
var roleTagKeys = []string{"role", "account-role", "accountrole", "account-type", "accounttype", "function"}

// AccountsKnownAs returns the active member accounts known to fill a
// foundation role of guidance 000 (Log Archive, Security Tooling): those
// the spec gives it; when it gives it to none, or there is no spec, those
// with no role whose name or role tag says it ("log-archive", "Log
// Archive", tag Role: log_archive). Checks whose yardstick is such an
// account (logs belong in the Log Archive account) cannot be judged
// without one: see Check.Needs.
func AccountsKnownAs(e *estate.Estate, r estate.Role) []*estate.Account {
	if with := AccountsWithRole(e, r); len(with) > 0 {
		return with
	}
	word := string(r)
	var out []*estate.Account
	for _, a := range MemberAccounts(e) {
		if a.Role != estate.RoleNone {
			continue
		}
		says := strings.Contains(NormalName(a.Name), word)
		for k, v := range a.Tags {
			if slices.Contains(roleTagKeys, strings.ToLower(k)) && strings.Contains(NormalName(v), word) {
				says = true
			}
		}
		if says {
			out = append(out, a)
		}
	}
	return out
}
