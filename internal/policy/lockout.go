package policy

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// DefaultAccessRole is the role AWS Organizations creates in every account
// it creates, and the role groundwork assumes in member accounts unless the
// spec names another.
const DefaultAccessRole = "OrganizationAccountAccessRole"

// assumeRoleAction is the action that lets groundwork into a member account.
const assumeRoleAction = "sts:AssumeRole"

// DeniesAccess reports each Deny statement of an SCP that could cut
// groundwork out of member accounts: that could deny sts:AssumeRole on the
// role groundwork enters through, or deny every action to that role.
//
// roleName is the role's name, with its path if it has one
// ("OrganizationAccountAccessRole", "org-admin/Groundwork"); empty means
// DefaultAccessRole. accountPattern is the account ID, or a wildcard such
// as "*" (empty means "*"), giving the role ARN
// arn:aws:iam::<accountPattern>:role/<roleName>.
//
// A statement is reported when
//
//   - its actions include sts:AssumeRole (Action "*", "sts:*",
//     "sts:Assume*", ..., or a NotAction that does not name it), and its
//     Resource could match the role's ARN (or its NotResource does not
//     cover it); or
//   - it denies every action (Action "*" or any NotAction) on every
//     resource, with a condition that singles out the role's own
//     principal ARN,
//
// unless a condition exempts the role: ArnNotLike, ArnNotEquals,
// StringNotLike or StringNotEquals (IfExists or not) on aws:PrincipalArn
// with a value that covers the role's ARN, or an ArnLike, ArnEquals,
// StringLike or StringEquals on aws:PrincipalArn that cannot match it.
// Any other condition is one the guard cannot evaluate without a request;
// it assumes the condition may hold and reports the statement, because
// locking groundwork out of every member account is worse than a false
// alarm. The message says so.
//
// Allow statements are ignored: an SCP cannot grant, and FullAWSAccess
// stays attached. Problems carry Statement and Sid but no File; the
// caller sets it.
func DeniesAccess(doc *Document, roleName, accountPattern string) []Problem {
	if doc == nil {
		return nil
	}
	roleName = strings.TrimPrefix(roleName, "/")
	if roleName == "" {
		roleName = DefaultAccessRole
	}
	if accountPattern == "" {
		accountPattern = "*"
	}
	roleARN := "arn:aws:iam::" + accountPattern + ":role/" + roleName
	var out []Problem
	for i, st := range doc.Statements {
		if st.Effect != "Deny" {
			continue
		}
		cond := evaluateConditions(st.Condition, roleARN)
		if cond.exempt {
			continue
		}
		actionWhy, deniesAssume := deniesAction(st, assumeRoleAction)
		resourceWhy, onRole := appliesToResource(st, roleARN)
		entry := deniesAssume && onRole
		everything := cond.targeted && deniesEverything(st)
		if !entry && !everything {
			continue
		}
		label := statementLabel(i, st.Sid)
		var msg string
		if entry {
			msg = fmt.Sprintf("%s denies %s on %s: groundwork could not enter member accounts (%s; %s)",
				label, assumeRoleAction, roleARN, actionWhy, resourceWhy)
		} else {
			msg = fmt.Sprintf("%s denies every action to %s (%s): groundwork could do nothing in member accounts",
				label, roleARN, cond.targetedBy)
		}
		switch {
		case cond.targeted && entry:
			msg += fmt.Sprintf("; its condition %s singles out that role", cond.targetedBy)
		case len(cond.unknown) > 0:
			msg += fmt.Sprintf("; its conditions (%s) do not exempt the role and may hold, and it is reported because a lockout is worse than a false alarm: exempt the role with ArnNotLike on aws:PrincipalARN",
				strings.Join(cond.unknown, ", "))
		}
		out = append(out, Problem{Statement: i, Sid: st.Sid, Message: msg})
	}
	return out
}

// deniesAction reports whether a statement's actions include action, and
// why, in words.
func deniesAction(st Statement, action string) (string, bool) {
	for _, a := range st.Action {
		if MatchWildcard(a, action, true) {
			return fmt.Sprintf("Action %q matches %s", a, action), true
		}
	}
	if st.NotAction != nil {
		for _, a := range st.NotAction {
			if MatchWildcard(a, action, true) {
				return "", false
			}
		}
		return fmt.Sprintf("NotAction does not exclude %s", action), true
	}
	return "", false
}

// appliesToResource reports whether a statement's resources could include
// arn, and why. A pattern that could match some ARN the role pattern
// matches counts; a NotResource exempts the role only if it covers all of
// them, compared component by component.
func appliesToResource(st Statement, arn string) (string, bool) {
	for _, r := range st.Resource {
		if arnOverlap(r, arn) {
			return fmt.Sprintf("Resource %q matches the role", r), true
		}
	}
	if st.NotResource != nil {
		for _, r := range st.NotResource {
			if matchesEverything(r) || arnCovers(r, arn) {
				return "", false
			}
		}
		return "NotResource does not exclude the role", true
	}
	if st.Resource == nil {
		return "no Resource limits it", true
	}
	return "", false
}

// deniesEverything reports whether a statement denies (nearly) every action
// on every resource: Action "*" or a NotAction, and Resource "*" or a
// NotResource.
func deniesEverything(st Statement) bool {
	allActions := st.NotAction != nil || slices.ContainsFunc(st.Action, matchesEverything)
	allResources := st.NotResource != nil || st.Resource == nil || slices.ContainsFunc(st.Resource, matchesEverything)
	return allActions && allResources
}

// conditionVerdict is what a statement's conditions say about the role.
type conditionVerdict struct {
	// exempt: some condition is false for the role, so the statement never
	// applies to it (conditions in a statement must all hold).
	exempt bool
	// targeted: a condition matches the role's own principal ARN.
	targeted   bool
	targetedBy string
	// unknown lists the conditions the guard cannot evaluate.
	unknown []string
}

// evaluateConditions judges each condition against a request made by the
// role (aws:PrincipalArn = roleARN); only aws:PrincipalArn can be judged.
func evaluateConditions(cond map[string]map[string][]string, roleARN string) conditionVerdict {
	var v conditionVerdict
	for _, op := range slices.Sorted(maps.Keys(cond)) {
		set, base, _, known := conditionOperator(op)
		for _, key := range slices.Sorted(maps.Keys(cond[op])) {
			vals := cond[op][key]
			if !known || set != "" || !strings.EqualFold(key, "aws:PrincipalArn") {
				v.unknown = append(v.unknown, op+" "+key)
				continue
			}
			switch base {
			case "ArnNotLike", "ArnNotEquals", "StringNotLike", "StringNotEquals",
				"StringNotEqualsIgnoreCase":
				// Exempts the role when one value covers every ARN the role
				// pattern stands for; otherwise the condition holds for the
				// role (or for some accounts), which changes nothing.
				if slices.ContainsFunc(vals, func(val string) bool { return covers(base, val, roleARN) }) {
					v.exempt = true
				}
			case "ArnLike", "ArnEquals", "StringLike", "StringEquals", "StringEqualsIgnoreCase":
				if slices.ContainsFunc(vals, func(val string) bool { return overlaps(base, val, roleARN) }) {
					if !v.targeted {
						v.targeted, v.targetedBy = true, fmt.Sprintf("%s %s %s", op, key, quoteList(vals, "or"))
					}
				} else {
					v.exempt = true
				}
			default:
				v.unknown = append(v.unknown, op+" "+key)
			}
		}
	}
	return v
}

// covers reports whether a negated condition value matches every ARN that
// roleARN (which may hold wildcards) stands for.
func covers(base, val, roleARN string) bool {
	switch base {
	case "ArnNotLike", "ArnNotEquals": // both take wildcards, per component
		return arnCovers(val, roleARN)
	case "StringNotLike":
		return wildcardCovers(val, roleARN, false)
	case "StringNotEquals":
		return !strings.ContainsAny(roleARN, "*?") && val == roleARN
	case "StringNotEqualsIgnoreCase":
		return !strings.ContainsAny(roleARN, "*?") && strings.EqualFold(val, roleARN)
	}
	return false
}

// overlaps reports whether a positive condition value could match some ARN
// that roleARN stands for. It errs towards yes.
func overlaps(base, val, roleARN string) bool {
	switch base {
	case "ArnLike", "ArnEquals", "StringLike":
		return arnOverlap(val, roleARN)
	case "StringEquals":
		return MatchWildcard(roleARN, val, false)
	case "StringEqualsIgnoreCase":
		return MatchWildcard(roleARN, val, true)
	}
	return true
}
