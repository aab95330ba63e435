package awssim

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// page is how many accounts Organizations lists per page (its maximum
// for ListAccountsForParent is 20).
const page = 20

const (
	rootID = "r-sim0"
	orgARN = "arn:aws:organizations::" + Management
)

func unitID(j int) string { return fmt.Sprintf("ou-sim0-%08d", j) }

// The organization's tree is computed, not stored: member i is in OU
// i mod Units, the management account under the root. What apply
// writes (tags, policies and their targets, policy types, trusted
// access, delegated administrators) is kept in orgState. Who may call
// each operation is orgAuthorized's.
func init() {
	serve("organizations", orgAuthorized(map[string]handler{
		"DescribeOrganization":                (*Server).describeOrganization,
		"ListRoots":                           (*Server).listRoots,
		"ListOrganizationalUnitsForParent":    (*Server).listUnits,
		"ListAccountsForParent":               (*Server).listAccountsForParent,
		"ListTagsForResource":                 (*Server).listTags,
		"TagResource":                         orgWrite((*orgState).tagResource),
		"UntagResource":                       orgWrite((*orgState).untagResource),
		"ListPolicies":                        orgRead((*orgState).listPolicies),
		"DescribePolicy":                      orgRead((*orgState).describePolicy),
		"CreatePolicy":                        orgWrite((*orgState).createPolicy),
		"UpdatePolicy":                        orgWrite((*orgState).updatePolicy),
		"ListTargetsForPolicy":                (*Server).listTargetsForPolicy,
		"AttachPolicy":                        orgWrite((*orgState).attachPolicy),
		"DetachPolicy":                        orgWrite((*orgState).detachPolicy),
		"EnablePolicyType":                    orgWrite((*orgState).enablePolicyType),
		"ListAWSServiceAccessForOrganization": orgRead((*orgState).listServiceAccess),
		"EnableAWSServiceAccess":              orgWrite((*orgState).enableServiceAccess),
		"ListDelegatedAdministrators":         (*Server).listDelegatedAdministrators,
		"ListDelegatedServicesForAccount":     orgRead((*orgState).listDelegatedServices),
		"RegisterDelegatedAdministrator":      orgWrite((*orgState).registerDelegatedAdministrator),
	}))
}

// FoundationTrustedAccess are the services the organization with the
// foundation (Org.Bare false) gives trusted access, as the starter
// foundation's services.trusted_access lists them
// (examples/foundation.yaml); the bare organization gives none.
var FoundationTrustedAccess = []string{
	"access-analyzer.amazonaws.com", "account.amazonaws.com", "cloudtrail.amazonaws.com",
	"config-multiaccountsetup.amazonaws.com", "config.amazonaws.com", "guardduty.amazonaws.com",
	"securityhub.amazonaws.com", "sso.amazonaws.com", "tagpolicies.tag.amazonaws.com",
}

// FoundationDelegatedAdmins maps each service the organization with the
// foundation delegates to the member that administers it, as the starter
// foundation's services.delegated_admins does: the security services to
// Security Tooling, IAM Identity Center to its own account. The bare
// organization has no delegated administrator.
var FoundationDelegatedAdmins = map[string]int{
	"access-analyzer.amazonaws.com":          SecurityTooling,
	"cloudtrail.amazonaws.com":               SecurityTooling,
	"config-multiaccountsetup.amazonaws.com": SecurityTooling,
	"config.amazonaws.com":                   SecurityTooling,
	"guardduty.amazonaws.com":                SecurityTooling,
	"securityhub.amazonaws.com":              SecurityTooling,
	"sso.amazonaws.com":                      IdentityCenter,
}

// orgAuthorized gives each Organizations operation who may call it, as
// AWS documents for them: the management account may call every
// operation; a member account that is a delegated administrator (for any
// service) may call the reads (Describe*, List*: "can be called only from
// the organization's management account or by a member account that is a
// delegated administrator for an AWS service"); any other member, and a
// member's write, is answered AccessDeniedException.
func orgAuthorized(ops map[string]handler) map[string]handler {
	for op, h := range ops {
		read := strings.HasPrefix(op, "Describe") || strings.HasPrefix(op, "List")
		ops[op] = func(s *Server, w http.ResponseWriter, c *call) {
			if c.account != Management && (!read || !s.delegatedAdministrator(c.account)) {
				writeError(w, c, http.StatusBadRequest, "AccessDeniedException", "You don't have permissions to access this resource.")
				return
			}
			h(s, w, c)
		}
	}
	return ops
}

// delegatedAdministrator tells whether account is now a delegated
// administrator of the organization, for any service.
func (s *Server) delegatedAdministrator(account string) bool {
	o := s.organization()
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.delegated[account]) > 0
}

func (s *Server) describeOrganization(w http.ResponseWriter, _ *call) {
	writeJSON(w, map[string]any{"Organization": map[string]any{"Id": "o-sim", "Arn": orgARN + ":organization/o-sim", "FeatureSet": "ALL",
		"MasterAccountId": Management, "MasterAccountArn": orgARN + ":account/o-sim/" + Management,
		"MasterAccountEmail": "aws-management-account-primary@example.com"}})
}

func (s *Server) listRoots(w http.ResponseWriter, _ *call) {
	o := s.organization()
	o.mu.Lock()
	types := []any{}
	for _, t := range sortedKeys(o.policyTypes) {
		types = append(types, map[string]any{"Type": t, "Status": "ENABLED"})
	}
	o.mu.Unlock()
	writeJSON(w, map[string]any{"Roots": []any{map[string]any{"Id": rootID, "Arn": orgARN + ":root/o-sim/" + rootID, "Name": "Root",
		"PolicyTypes": types}}})
}

func (s *Server) listUnits(w http.ResponseWriter, c *call) {
	units := []any{}
	if c.str("ParentId") == rootID {
		for j := range s.org.Units {
			units = append(units, map[string]any{"Id": unitID(j), "Arn": orgARN + ":ou/o-sim/" + unitID(j), "Name": UnitName(j)})
		}
	}
	writeJSON(w, map[string]any{"OrganizationalUnits": units})
}

func (s *Server) listAccountsForParent(w http.ResponseWriter, c *call) {
	parent := c.str("ParentId")
	accounts := []any{}
	if parent == rootID {
		accounts = append(accounts, accountJSON(Management, "aws-management-account-primary", "aws-management-account-primary@example.com"))
	}
	members := s.members(parent)
	start, _ := strconv.Atoi(c.str("NextToken"))
	end := min(start+page, len(members))
	for _, i := range members[min(start, end):end] {
		accounts = append(accounts, accountJSON(MemberID(i), MemberName(i), MemberEmail(i)))
	}
	out := map[string]any{"Accounts": accounts}
	if end < len(members) {
		out["NextToken"] = strconv.Itoa(end)
	}
	writeJSON(w, out)
}

func accountJSON(id, name, email string) map[string]any {
	return map[string]any{"Id": id, "Arn": orgARN + ":account/o-sim/" + id,
		"Name": name, "Email": email, "Status": "ACTIVE", "State": "ACTIVE", "JoinedMethod": "CREATED", "JoinedTimestamp": 1.7e9}
}

// members returns the indexes of the member accounts under parent.
func (s *Server) members(parent string) []int {
	j, err := strconv.Atoi(strings.TrimPrefix(parent, "ou-sim0-"))
	if parent == rootID || err != nil {
		return nil
	}
	var out []int
	for i := j; i < s.org.Accounts; i += s.org.Units {
		out = append(out, i)
	}
	return out
}

// WorkloadTags are the tags of workload account i (none on the
// foundation's accounts).
func WorkloadTags(i int) map[string]string {
	if i < Foundation {
		return nil
	}
	return map[string]string{"Owner": fmt.Sprintf("team-%05d", i), "Environment": "Prod"}
}
