package identity

import (
	"fmt"
	"iter"
	"slices"
	"strings"

	"github.com/groundwork-aws/groundwork/internal/audit"
	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/policy"
)

// The IAM Identity Center checks (guidance 000 "Deploy AWS IAM Identity
// Center", "Create IAM Identity Center standard assignments", "Configure
// IAM Identity Center", "Delegate AWS IAM Identity Center"; 003 and 004 on
// least privilege and the management account). They judge the actual
// e.Identity.Center and say nothing when it was not read (nil); where the
// instance is missing, only GW-IDC-001 speaks, since nothing else of
// Identity Center exists to judge. Accounts in assignments are account
// keys: an e-mail key, or estate.ManagementKey.

// What the Identity Center checks read, by the parts of the layer's read
// (each records what it could not read under its name): the instance;
// the permission sets and assignments; the Identity Store's users, groups
// and members; the access control attributes. A check names the parts it
// looks at, so that a part not read (moto has no attributes API) leaves
// the others judged.
var (
	readsInstance   = []string{readInstanceName}
	readsAccess     = []string{readInstanceName, readAccessName}
	readsMembers    = []string{readInstanceName, readAccessName, readStoreName}
	readsAttributes = []string{readInstanceName, readAttributesName}
)

func init() {
	audit.Register(audit.Check{
		ID:       "GW-IDC-001",
		Title:    "IAM Identity Center enabled in the home Region",
		Severity: audit.High,
		Guidance: "000 Enable IAM Identity Center",
		Controls: []string{"NIST CSF PR.AC-1", "NIST CSF PR.AC-6"},
		Rationale: "Without an Identity Center instance people reach the accounts as IAM users with long-lived passwords " +
			"and keys, or as the root user, and access cannot be granted or revoked in one place.",
		Remediation: "manual: sign in to the management account, open IAM Identity Center in the home Region and choose " +
			"Enable with AWS Organizations (groundwork checklist step CL-015); then groundwork apply builds the identity " +
			"section of foundation.yaml",
		Reads: readsInstance,
		Run:   checkInstance,
	})
	audit.Register(audit.Check{
		ID:       "GW-IDC-008",
		Title:    "Attributes for access control enabled in IAM Identity Center",
		Severity: audit.Low,
		Guidance: "000 Enable Attribute-based access control in IAM Identity Center; 000 Define initial tagging dictionary",
		Controls: []string{"NIST CSF PR.AC-4"},
		Rationale: "Without attributes for access control every variation of access needs its own permission set; " +
			"with them one permission set can limit people to the resources tagged for their team or cost center.",
		Remediation: "leave identity.access_control_attributes unwritten (groundwork derives them from the tagging dictionary) " +
			"or list them there, and run groundwork apply",
		Reads: readsAttributes,
		Run:   checkAccessControlAttributes,
	})
}

// center returns the Identity Center part of an actual estate when it was
// read and has an instance; nil otherwise.
func center(e *estate.Estate) *estate.IdentityCenter {
	if e.Identity == nil || e.Identity.Center == nil || e.Identity.Center.InstanceMissing {
		return nil
	}
	return e.Identity.Center
}

// usesIdentityAccount reports whether the organization gives people
// access by guidance 002's Identity-account model instead: an active
// account the spec gives the identity role, or, without one, the model
// the read found (a member account the others' roles trust with MFA).
func usesIdentityAccount(e *estate.Estate) bool {
	if len(audit.AccountsWithRole(e, estate.RoleIdentity)) > 0 {
		return true
	}
	m := e.Identity.Account
	return m != nil && m.Account != "" && !audit.Leaving(e, estate.Where{Account: estate.AccountKey(m.Account)})
}

func checkInstance(e *estate.Estate) []audit.Finding {
	if e.Identity == nil || e.Identity.Center == nil || !e.Identity.Center.InstanceMissing || usesIdentityAccount(e) {
		return nil
	}
	region := e.Identity.Center.Region
	if region == "" {
		region = e.HomeRegion
	}
	return []audit.Finding{audit.PlacedFinding(e, "identity-center", "instance",
		estate.Where{Account: estate.ManagementKey, Region: region},
		fmt.Sprintf("no IAM Identity Center instance in the home Region %s: people reach the accounts as IAM users or the root user", region))}
}

func checkAccessControlAttributes(e *estate.Estate) []audit.Finding {
	c := center(e)
	// nil: not read (moto and some partitions have no such API).
	if c == nil || c.AccessControlAttributes == nil || len(c.AccessControlAttributes) > 0 {
		return nil
	}
	return []audit.Finding{audit.PlacedFinding(e, "identity-center", "instance",
		estate.Where{Account: estate.ManagementKey, Region: c.Region},
		"no attributes for access control: permission sets cannot grant access by the tags of a person's team or cost center")}
}

// assignedAccount is the account an assignment names, or nil when the
// estate does not know it (an account it did not list: still judged).
func assignedAccount(e *estate.Estate, key string) *estate.Account {
	return audit.WhereAccount(e, estate.AccountKey(key))
}

// isManagementKey reports whether an account key names the management
// account, by estate.ManagementKey or by its e-mail key.
func isManagementKey(e *estate.Estate, key string) bool {
	if key == estate.ManagementKey {
		return true
	}
	a := e.Accounts[key]
	return a != nil && e.IsManagement(a)
}

// liveAssignments yields the assignments of c in accounts in use, with
// every management account key made estate.ManagementKey. It copies
// nothing: an organization may hold tens of thousands.
func liveAssignments(e *estate.Estate, c *estate.IdentityCenter) iter.Seq[estate.Assignment] {
	return func(yield func(estate.Assignment) bool) {
		for _, a := range c.Assignments {
			if isManagementKey(e, a.Account) {
				a.Account = estate.ManagementKey
			} else if acct := e.Accounts[a.Account]; acct != nil && !acct.Active() {
				continue
			}
			if !yield(a) {
				return
			}
		}
	}
}

// grantsAdmin reports whether a permission set makes its holders
// administrators: the AdministratorAccess managed policy, or an inline
// policy that allows every action on every resource.
func grantsAdmin(ps *estate.PermissionSet) bool {
	if ps == nil {
		return false
	}
	if slices.ContainsFunc(ps.ManagedPolicies, func(arn string) bool { return strings.HasSuffix(arn, ":policy/AdministratorAccess") }) {
		return true
	}
	return ps.InlinePolicy != "" && allowsEverything(ps.InlinePolicy)
}

// allowsEverything reports whether a policy document has a statement
// that allows Action "*" (or "*:*") on Resource "*", whatever its
// conditions. A document that does not parse is not judged.
func allowsEverything(doc string) bool {
	d, err := policy.Parse([]byte(doc))
	if err != nil {
		return false
	}
	return slices.ContainsFunc(d.Statements, func(s policy.Statement) bool {
		return strings.EqualFold(s.Effect, "Allow") &&
			slices.ContainsFunc(s.Action, func(a string) bool { return a == "*" || a == "*:*" }) &&
			slices.Contains(s.Resource, "*")
	})
}

// permissionSetFinding is a finding about a permission set: it lives in
// the instance, in the management account and the instance's Region.
func permissionSetFinding(e *estate.Estate, c *estate.IdentityCenter, name, msg string) audit.Finding {
	return audit.PlacedFinding(e, "permission-set", name, estate.Where{Account: estate.ManagementKey, Region: c.Region}, msg)
}

// assignmentFinding is a finding about one account assignment, placed in
// its account: "assignment/MA-Admin/group/admins (management)".
func assignmentFinding(e *estate.Estate, a estate.Assignment, msg string) audit.Finding {
	name := a.PermissionSet + "/" + strings.ToLower(a.PrincipalType) + "/" + a.Principal
	return audit.PlacedFinding(e, "assignment", name, estate.Where{Account: estate.AccountKey(a.Account)}, msg)
}
