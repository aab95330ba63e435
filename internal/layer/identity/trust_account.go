package identity

import (
	"encoding/json"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/groundwork-aws/groundwork/internal/policy"
)

// What a role's trust policy lets other accounts do, read the way IAM
// evaluates it: the read keeps the roles that trust anyone outside their
// own account, and the checks judge whom and on what condition.

// trustGrant is one Allow statement of a trust policy that lets AWS
// principals assume the role (sts:AssumeRole, directly or by wildcard).
type trustGrant struct {
	// Anyone says the statement names every principal ("*", or AWS "*")
	// and no condition binds them to accounts or an organization.
	Anyone bool
	// Accounts are the IDs of the accounts whose principals it names, or
	// to which a condition (aws:PrincipalAccount, aws:PrincipalArn)
	// binds "*", sorted, once each.
	Accounts []string
	// OrgIDs are the organizations aws:PrincipalOrgID (or
	// aws:PrincipalOrgPaths) binds the principals to.
	OrgIDs []string
	// MFA says the statement requires MFA: aws:MultiFactorAuthPresent
	// true under Bool (BoolIfExists lets long-term keys through, where
	// the key is absent), or an aws:MultiFactorAuthAge bound.
	MFA bool
}

// accountIDRE is an AWS account ID.
var accountIDRE = regexp.MustCompile(`^\d{12}$`)

// decodeTrust undoes the URL encoding IAM returns policy documents in; a
// document that is plain JSON already, as some implementations return
// it, is kept as it is.
func decodeTrust(doc string) string {
	if strings.HasPrefix(strings.TrimSpace(doc), "{") {
		return doc
	}
	if plain, err := url.QueryUnescape(doc); err == nil {
		return plain
	}
	return doc
}

// trustGrants returns the statements of a trust policy that let AWS
// principals assume the role. A document that does not parse grants
// nothing that can be judged: nil.
func trustGrants(doc string) []trustGrant {
	d, err := policy.Parse([]byte(decodeTrust(doc)))
	if err != nil {
		return nil
	}
	var out []trustGrant
	for _, s := range d.Statements {
		if s.Effect != "Allow" || !assumes(s.Action) {
			continue
		}
		principals, anyone := awsPrincipals(s.Principal)
		if len(principals) == 0 && !anyone {
			continue
		}
		g := trustGrant{MFA: requiresMFA(s.Condition)}
		for _, p := range principals {
			if id := principalAccount(p); id != "" {
				g.Accounts = append(g.Accounts, id)
			}
		}
		if anyone {
			bound := false
			for op, keys := range s.Condition {
				if strings.Contains(strings.ToLower(op), "ifexists") || strings.HasPrefix(strings.ToLower(op), "stringnot") ||
					strings.HasPrefix(strings.ToLower(op), "arnnot") {
					continue
				}
				for key, vals := range keys {
					switch strings.ToLower(key) {
					case "aws:principalaccount":
						for _, v := range vals {
							if accountIDRE.MatchString(v) {
								g.Accounts, bound = append(g.Accounts, v), true
							}
						}
					case "aws:principalarn":
						for _, v := range vals {
							if id := principalAccount(v); id != "" {
								g.Accounts, bound = append(g.Accounts, id), true
							}
						}
					case "aws:principalorgid":
						g.OrgIDs, bound = append(g.OrgIDs, vals...), true
					case "aws:principalorgpaths":
						for _, v := range vals {
							if org, _, _ := strings.Cut(v, "/"); strings.HasPrefix(org, "o-") {
								g.OrgIDs, bound = append(g.OrgIDs, org), true
							}
						}
					}
				}
			}
			g.Anyone = !bound
		}
		slices.Sort(g.Accounts)
		g.Accounts = slices.Compact(g.Accounts)
		slices.Sort(g.OrgIDs)
		g.OrgIDs = slices.Compact(g.OrgIDs)
		out = append(out, g)
	}
	return out
}

// assumes reports whether a statement's actions take in sts:AssumeRole.
func assumes(actions []string) bool {
	return slices.ContainsFunc(actions, func(a string) bool { return policy.MatchWildcard(a, "sts:AssumeRole", true) })
}

// awsPrincipals returns the AWS principals a Principal element names, and
// whether it names everyone ("*" or {"AWS": "*"}). Service and federated
// principals are not accounts' principals: they are left out.
func awsPrincipals(raw json.RawMessage) (principals []string, anyone bool) {
	var star string
	if json.Unmarshal(raw, &star) == nil {
		return nil, star == "*"
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return nil, false
	}
	for k, v := range m {
		if !strings.EqualFold(k, "AWS") {
			continue
		}
		var list []string
		if json.Unmarshal(v, &list) != nil {
			var one string
			if json.Unmarshal(v, &one) != nil {
				continue
			}
			list = []string{one}
		}
		for _, p := range list {
			if p == "*" {
				anyone = true
			} else {
				principals = append(principals, p)
			}
		}
	}
	return principals, anyone
}

// principalAccount is the account an AWS principal belongs to: an account
// ID as it is, the account field of an IAM or STS ARN; "" for anything
// else (a canonical user ID, a wildcard).
func principalAccount(p string) string {
	if accountIDRE.MatchString(p) {
		return p
	}
	parts := strings.SplitN(p, ":", 6)
	if len(parts) == 6 && parts[0] == "arn" && (parts[2] == "iam" || parts[2] == "sts") && accountIDRE.MatchString(parts[4]) {
		return parts[4]
	}
	return ""
}

// requiresMFA reports whether a statement's conditions require MFA.
func requiresMFA(cond map[string]map[string][]string) bool {
	for op, keys := range cond {
		for key, vals := range keys {
			switch {
			case strings.EqualFold(op, "Bool") && strings.EqualFold(key, "aws:MultiFactorAuthPresent"):
				if len(vals) > 0 && !slices.ContainsFunc(vals, func(v string) bool { return !strings.EqualFold(v, "true") }) {
					return true
				}
			case strings.EqualFold(key, "aws:MultiFactorAuthAge") && strings.HasPrefix(strings.ToLower(op), "numericless"):
				return true
			case strings.EqualFold(key, "aws:MultiFactorAuthAge") && strings.EqualFold(op, "Null"):
				if slices.ContainsFunc(vals, func(v string) bool { return strings.EqualFold(v, "false") }) {
					return true
				}
			}
		}
	}
	return false
}

// trustsOutside reports whether a trust policy of a role in account
// accountID lets anyone outside that account assume the role.
func trustsOutside(doc, accountID string) bool {
	for _, g := range trustGrants(doc) {
		if g.Anyone || len(g.OrgIDs) > 0 || slices.ContainsFunc(g.Accounts, func(a string) bool { return a != accountID }) {
			return true
		}
	}
	return false
}
