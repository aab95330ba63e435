package estate

import (
	"regexp"
	"strings"
)

// References stand in a desired estate for values AWS assigns only when a
// resource is created: account IDs, the organization ID, key ARNs. A plan
// shows them as written; apply resolves them as the resources appear.
//
//	${account-id:EMAILKEY}   the ID of an account ("management" for the
//	                         management account)
//	${org-id}                the organization ID
//	${key-arn:WHERE/ALIAS}   the ARN of a KMS key by Where.Key(alias)
const (
	RefAccountID = "account-id"
	RefOrgID     = "org-id"
	RefKeyARN    = "key-arn"
)

// ManagementKey is the account key of the management account in Where.
const ManagementKey = "management"

// refRE matches groundwork's references only: IAM policy variables
// (${aws:username}, ${aws:PrincipalTag/team}) are written the same way and
// are IAM's to fill.
var refRE = regexp.MustCompile(`\$\{(` + RefAccountID + `|` + RefOrgID + `|` + RefKeyARN + `)(?::([^}]*))?\}`)

// AccountIDRef refers to the ID of the account with the e-mail key.
func AccountIDRef(accountKey AccountKey) string {
	return "${" + RefAccountID + ":" + string(accountKey) + "}"
}

// OrgIDRef refers to the organization ID.
func OrgIDRef() string { return "${" + RefOrgID + "}" }

// KeyARNRef refers to the ARN of the KMS key with alias at w.
func KeyARNRef(w Where, alias string) string { return "${" + RefKeyARN + ":" + w.Key(alias) + "}" }

// Resolve replaces the references in s using lookup, which returns a
// reference's value and whether it is known. ok is false when some
// reference stays unresolved; those are left in place.
func Resolve(s string, lookup func(kind, arg string) (string, bool)) (out string, ok bool) {
	if !strings.Contains(s, "${") {
		return s, true
	}
	ok = true
	out = refRE.ReplaceAllStringFunc(s, func(m string) string {
		sub := refRE.FindStringSubmatch(m)
		if v, found := lookup(sub[1], sub[2]); found {
			return v
		}
		ok = false
		return m
	})
	return out, ok
}

// HasRefs reports whether s holds references.
func HasRefs(s string) bool { return refRE.MatchString(s) }

// Lookup resolves references from what an actual estate knows.
func (e *Estate) Lookup(kind, arg string) (string, bool) {
	switch kind {
	case RefOrgID:
		if e.Organization != nil && e.Organization.ID != "" {
			return e.Organization.ID, true
		}
	case RefAccountID:
		if arg == ManagementKey {
			if e.Organization != nil && e.Organization.ManagementAccountID != "" {
				return e.Organization.ManagementAccountID, true
			}
			return "", false
		}
		if a, ok := e.Accounts[arg]; ok && a.ID != "" {
			return a.ID, true
		}
	case RefKeyARN:
		if e.Logging != nil {
			if k, ok := e.Logging.Keys[arg]; ok && k.ARN != "" {
				return k.ARN, true
			}
		}
	}
	return "", false
}
