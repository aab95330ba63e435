package estate

import "sort"

// Policy types of AWS Organizations groundwork manages.
const (
	PolicyTypeSCP = "SERVICE_CONTROL_POLICY"
	PolicyTypeTag = "TAG_POLICY"
)

// FullAWSAccess is the AWS-managed SCP attached everywhere by default.
const FullAWSAccess = "FullAWSAccess"

// RootTarget is how a policy target names the organization root. Units are
// named by their path ("Workloads/Prod") and accounts by their e-mail key.
const RootTarget = "Root"

// Policy is an organization policy: a service control policy or a tag
// policy, with the targets it is attached to.
type Policy struct {
	ID          string
	Name        string
	Type        string // PolicyTypeSCP or PolicyTypeTag
	Description string
	// Content is the policy document, minified.
	Content    string
	AWSManaged bool
	// Targets are RootTarget, unit paths and account e-mail keys, sorted.
	Targets []string
	// Source says where a desired policy comes from: "library:NAME" or the
	// path of a policy file. Empty for actual policies.
	Source string
	// Tags are an actual customer-managed policy's tags, groundwork's
	// ownership marker among them; nil for desired and AWS-managed
	// policies.
	Tags map[string]string
}

// PolicyKey is the key of a policy in Estate.Policies.
func PolicyKey(policyType, name string) string { return policyType + "/" + name }

// Contact is an alternate contact of an account.
type Contact struct {
	Name  string
	Title string
	Email string
	Phone string
}

// Alternate contact types.
const (
	ContactBilling    = "BILLING"
	ContactOperations = "OPERATIONS"
	ContactSecurity   = "SECURITY"
)

// ContactTypes lists the alternate contact types in a stable order.
var ContactTypes = []string{ContactBilling, ContactOperations, ContactSecurity}

// OrgLayer is the organization-wide configuration beyond the OU tree:
// policies, policy types, trusted access and delegated administrators.
// It is nil when nothing of it was read or asked for.
type OrgLayer struct {
	// EnabledPolicyTypes on the root, sorted.
	EnabledPolicyTypes []string
	// Policies by PolicyKey.
	Policies map[string]*Policy
	// TrustedServices are the service principals with trusted access,
	// sorted.
	TrustedServices []string
	// DelegatedAdmins maps a service principal to the e-mail key of its
	// delegated administrator account.
	DelegatedAdmins map[string]string
	// ManagementContacts are the desired alternate contacts of the
	// management account, which a desired estate does not list among its
	// accounts. Actual contacts live on the management Account.
	ManagementContacts map[string]Contact
}

// NewOrgLayer returns an empty organization layer.
func NewOrgLayer() *OrgLayer {
	return &OrgLayer{Policies: map[string]*Policy{}, DelegatedAdmins: map[string]string{}}
}

// SortedPolicies returns the policies ordered by type and name.
func (l *OrgLayer) SortedPolicies() []*Policy {
	out := make([]*Policy, 0, len(l.Policies))
	for _, p := range l.Policies {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Type != out[j].Type {
			return out[i].Type < out[j].Type
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// PoliciesOn returns the names of the policies of a type attached to a
// target, sorted.
func (l *OrgLayer) PoliciesOn(policyType, target string) []string {
	var names []string
	for _, p := range l.Policies {
		if p.Type != policyType {
			continue
		}
		for _, t := range p.Targets {
			if t == target {
				names = append(names, p.Name)
			}
		}
	}
	sort.Strings(names)
	return names
}

// AccountByID finds an account by its AWS ID.
func (e *Estate) AccountByID(id string) *Account {
	for _, a := range e.Accounts {
		if a.ID == id {
			return a
		}
	}
	return nil
}
