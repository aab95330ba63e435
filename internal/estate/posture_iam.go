package estate

import "time"

// PostureRoot is the root user's row of an account's IAM credential
// report ("<root_account>").
type PostureRoot struct {
	ARN string
	// PasswordLastUsed is zero when the password was never used, or the
	// report has no information.
	PasswordLastUsed time.Time
	MFA              bool
	// AccessKeys are the root user's two access key slots.
	AccessKeys [2]AccessKey
	// VirtualMFA is the serial of a virtual MFA device assigned to the
	// root user, "" when none is: then the MFA the report shows is a
	// hardware device. Nil when not read: it is read only where the
	// report shows MFA.
	VirtualMFA *string `json:",omitempty"`
}

// LastUsed is the latest use of the root user the report shows, by
// password or access key; zero when it shows none.
func (r *PostureRoot) LastUsed() (time.Time, string) {
	t, how := r.PasswordLastUsed, "password"
	for i, k := range r.AccessKeys {
		if k.LastUsed.After(t) {
			t, how = k.LastUsed, []string{"access key 1", "access key 2"}[i]
		}
	}
	return t, how
}

// PosturePolicy is a customer-managed IAM policy attached to at least one
// user, group or role, with its default version's document.
type PosturePolicy struct {
	Name string
	ARN  string
	// Attachments is how many users, groups and roles it is attached to.
	Attachments int
	// Document is the default version's JSON document, decoded from the
	// URL encoding IAM answers with; "" when it could not be read.
	Document string `json:",omitempty"`
}

// PolicyEntities are the IAM users, groups and roles a managed policy is
// attached to, by name.
type PolicyEntities struct {
	Users  []string `json:",omitempty"`
	Groups []string `json:",omitempty"`
	Roles  []string `json:",omitempty"`
}

// Count is how many entities hold the policy.
func (p *PolicyEntities) Count() int { return len(p.Users) + len(p.Groups) + len(p.Roles) }

// ServerCertificate is an SSL/TLS certificate stored in IAM.
type ServerCertificate struct {
	Name       string
	ARN        string
	Expiration time.Time
}
