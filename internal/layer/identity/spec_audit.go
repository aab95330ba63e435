package identity

import (
	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/spec"
)

// AuditLimits are the audit's yardsticks for Identity Center where the
// guidance names no number (identity.audit). Unwritten, each takes the
// estate.Default... of the same name.
type AuditLimits struct {
	// AdminAccounts is how many accounts one administrator permission set
	// may be assigned in before GW-IDC-006 reports it.
	AdminAccounts int `yaml:"admin_accounts"`
	// SessionHours is the longest session a permission set may give
	// before GW-IDC-007 reports it.
	SessionHours int `yaml:"session_hours"`
	// ManagementUsers is how many people may hold a permission set on the
	// management account before GW-IDC-004 reports it.
	ManagementUsers int `yaml:"management_users"`
}

func (l AuditLimits) validate(v *spec.Validator) {
	p := SpecKey + ".audit"
	if l.AdminAccounts < 0 {
		v.At(p+".admin_accounts", "%d is not a number of accounts (1 or more)", l.AdminAccounts)
	}
	if l.SessionHours < 0 || l.SessionHours > 12 {
		v.At(p+".session_hours", "%d is outside what Identity Center allows: 1 to 12 hours", l.SessionHours)
	}
	if l.ManagementUsers < 0 {
		v.At(p+".management_users", "%d is not a number of people (1 or more)", l.ManagementUsers)
	}
}

func (l AuditLimits) desired() estate.IdentityLimits {
	return estate.IdentityLimits{AdminAccounts: l.AdminAccounts, SessionHours: l.SessionHours, ManagementUsers: l.ManagementUsers}.Or()
}
