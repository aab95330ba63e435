package identity

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/groundwork-aws/groundwork/internal/spec"
)

// The permission sets of init's standard assignments (guidance 000): the
// management account's administrator and read-only sets, each used there
// only (the delegated administrator cannot change a set provisioned to
// the management account, GW-IDC-005), and the Log Archive and Security
// Tooling administrator sets, named as the guidance names them.
const (
	starterManagementAdmin    = "MA-Administrator"
	starterManagementReadOnly = "MA-ReadOnly"
	starterLogArchiveAdmin    = "LogArchiveAdminAccess"
	starterSecurityAdmin      = "SecurityAdminAccess"
	starterLogArchiveGroup    = "Log Archive Administrators"
	starterSecurityGroup      = "Security Administrators"
)

// starter is the identity section of `groundwork init`: guidance 000's
// standard assignments of IAM Identity Center. The management account is
// assigned to named users only: the administrators init was given
// (--admin-user). Without any, the users and the management account's
// assignments are written as a commented example, so that the file
// validates and apply makes no user nobody asked for; the audit's
// GW-IDC-003 then says the management account has no named
// administrator until someone is named. The two groups start empty: who
// administers the Log Archive and Security Tooling accounts is the
// organization's choice, and the spec lists each group's members in full.
func starter(opts spec.StarterOptions) string {
	var b strings.Builder
	b.WriteString(`# How people reach the accounts: IAM Identity Center (guidance 000). AWS
# lets only the console enable its instance: do that first (checklist
# step CL-015); until then plan and apply say the layer waits for it.
# groundwork keeps the users, groups and memberships below in the Identity
# Store (set source: external when an identity provider provisions them,
# and name them as it does). These are the guidance's standard assignments.
identity:
  # The people who administer the management account, by user name: a
  # small number of named individuals.
`)
	if len(opts.Administrators) == 0 {
		fmt.Fprintf(&b, `  # None is named yet (groundwork init --admin-user "Given Family <e-mail>"
  # names them): write them in place of {}, for example
  #   users:
  #     ana.lima: {given_name: Ana, family_name: Lima, email: ana.lima@%s}
  # and uncomment their assignments below.
  users: {}
`, opts.Domain)
	} else {
		b.WriteString("  users:\n")
		for _, p := range opts.Administrators {
			fmt.Fprintf(&b, "    %s:\n      given_name: %s\n      family_name: %s\n      email: %s\n",
				yamlScalar(p.UserName), yamlScalar(p.GivenName), yamlScalar(p.FamilyName), yamlScalar(p.Email))
		}
	}
	fmt.Fprintf(&b, `  # groundwork keeps each group's members to its list: add the user names
  # of the people who run the account (for example members: [ana.lima]).
  groups:
    %[1]s:
      description: administer the Log Archive account
      members: []
    %[2]s:
      description: administer the Security Tooling account
      members: []
  permission_sets:
    # The management account's own sets, used nowhere else: the delegated
    # administrator cannot change a set provisioned to it.
    %[3]s:
      description: administer the management account
      managed_policies: [AdministratorAccess]
      session_duration: 1h
    %[4]s:
      description: run the management account read-only
      managed_policies: [ReadOnlyAccess]
      session_duration: 4h
    %[5]s:
      description: administer the Log Archive account
      managed_policies: [AdministratorAccess]
      session_duration: 1h
    %[6]s:
      description: administer the Security Tooling account
      managed_policies: [AdministratorAccess]
      session_duration: 1h
  # A target is an account key (management for the management account),
  # an OU path under units (every account in it and below, as accounts
  # come and go) or root: true. Only named users, never groups, are
  # assigned on the management account (validation refuses a group
  # there). Removing an assignment needs --allow-delete.
  assignments:
`, starterLogArchiveGroup, starterSecurityGroup, starterManagementAdmin, starterManagementReadOnly, starterLogArchiveAdmin, starterSecurityAdmin)
	if len(opts.Administrators) == 0 {
		fmt.Fprintf(&b, "    # - {permission_set: %s, users: [ana.lima], accounts: [management]}\n", starterManagementAdmin)
		fmt.Fprintf(&b, "    # - {permission_set: %s, users: [ana.lima], accounts: [management]}\n", starterManagementReadOnly)
	} else {
		var names []string
		for _, p := range opts.Administrators {
			names = append(names, yamlScalar(p.UserName))
		}
		users := strings.Join(names, ", ")
		fmt.Fprintf(&b, "    - {permission_set: %s, users: [%s], accounts: [management]}\n", starterManagementAdmin, users)
		fmt.Fprintf(&b, "    - {permission_set: %s, users: [%s], accounts: [management]}\n", starterManagementReadOnly, users)
	}
	fmt.Fprintf(&b, "    - {permission_set: %s, groups: [%s], accounts: [log-archive]}\n", starterLogArchiveAdmin, starterLogArchiveGroup)
	fmt.Fprintf(&b, "    - {permission_set: %s, groups: [%s], accounts: [security-tooling]}\n", starterSecurityAdmin, starterSecurityGroup)
	return b.String()
}

// plainScalarRE is what the starter writes as a plain YAML scalar: words
// of letters and digits with the punctuation of names and addresses, none
// of which YAML reads as an indicator there.
var plainScalarRE = regexp.MustCompile(`^[\p{L}\p{N}][\p{L}\p{N}._'+@-]*(?: [\p{L}\p{N}._'+@-]+)*$`)

// yamlScalar writes s as a YAML scalar: plain when it is safe so, else
// double-quoted (a Go quoted string is a YAML double-quoted one).
func yamlScalar(s string) string {
	if plainScalarRE.MatchString(s) {
		return s
	}
	return strconv.Quote(s)
}
