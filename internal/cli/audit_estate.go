package cli

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/plan"
)

// active reports whether an account is in the organization for good:
// SUSPENDED and PENDING_CLOSURE accounts are on their way out, their
// access role may be gone, and the checks ignore them.
func active(a *estate.Account) bool {
	return a.Status != "SUSPENDED" && a.Status != "PENDING_CLOSURE"
}

// auditScope is where the audit's whole-estate reads look: every active
// account (by key, as in actual.Accounts) in the operational Regions.
func auditScope(actual *estate.Estate, regions []string, home string) estate.Scope {
	s := estate.Scope{Regions: slices.Clone(regions), HomeRegion: home}
	for key, a := range actual.Accounts {
		if active(a) {
			s.Accounts = append(s.Accounts, key)
		}
	}
	slices.Sort(s.Accounts)
	return s
}

// regionRE matches an AWS Region name: "us-east-1", "ap-southeast-2",
// "us-gov-west-1".
var regionRE = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-\d+$`)

var accountIDRE = regexp.MustCompile(`^\d{12}$`)

// driftOf turns a plan's changes into drift: one per change that does
// something, with the account ID and Region read from its address, whose
// segments after the kind name the account (by key) and the Region for
// the kinds placed in one: "trail/management/us-east-1/org-trail".
func driftOf(p *plan.Plan, actual *estate.Estate) []estate.Drift {
	var out []estate.Drift
	for _, ch := range p.Changes {
		if ch.Action == plan.NoOp || ch.Adopt {
			continue // an adoption marks a resource and changes nothing it does
		}
		d := estate.Drift{Action: ch.Action.String(), Kind: ch.Kind, Address: ch.Address, Summary: changeSummary(ch)}
		segs := strings.Split(strings.TrimPrefix(ch.Address, ch.Kind+"/"), "/")
		for i, seg := range segs {
			if i > 1 {
				break
			}
			if d.Region == "" && regionRE.MatchString(seg) {
				d.Region = seg
				continue
			}
			if d.Account == "" && i == 0 {
				if accountIDRE.MatchString(seg) {
					d.Account = seg
				} else if id, ok := actual.Lookup(estate.RefAccountID, seg); ok {
					d.Account = id
				}
			}
		}
		if d.Account == "" {
			d.Account = firstOf(ch.After["account_id"], ch.Before["account_id"])
		}
		if d.Region == "" {
			d.Region = firstOf(ch.After["region"], ch.Before["region"])
		}
		out = append(out, d)
	}
	return out
}

func firstOf(vs ...string) string {
	for _, v := range vs {
		if v != "" && !estate.HasRefs(v) {
			return v
		}
	}
	return ""
}

// maxSummaryAttrs bounds how many differing attributes a drift summary
// names; a finding is a line in a report, the plan has the rest.
const maxSummaryAttrs = 4

// changeSummary says in one line what a change would do: what differs for
// an update, or why it is created or deleted.
func changeSummary(ch plan.Change) string {
	switch ch.Action {
	case plan.Create:
		return firstOf(ch.Reason, "missing: apply creates it")
	case plan.Delete:
		return firstOf(ch.Reason, "not in the spec: apply --allow-delete deletes it")
	}
	var keys []string
	for k := range ch.After {
		if ch.Before[k] != ch.After[k] {
			keys = append(keys, k)
		}
	}
	for k := range ch.Before {
		if _, ok := ch.After[k]; !ok && ch.Before[k] != "" {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	var parts []string
	for i, k := range keys {
		if i == maxSummaryAttrs {
			parts = append(parts, fmt.Sprintf("and %d more", len(keys)-i))
			break
		}
		b, a := ch.Before[k], ch.After[k]
		if long(b) || long(a) {
			parts = append(parts, k+" differs")
			continue
		}
		parts = append(parts, fmt.Sprintf("%s: %s -> %s", k, shown(b), shown(a)))
	}
	if len(parts) == 0 {
		return firstOf(ch.Reason, "differs from the spec")
	}
	s := strings.Join(parts, "; ")
	if ch.Reason != "" {
		s += " (" + ch.Reason + ")"
	}
	return s
}

// long tells a value too long to show inline: a policy document, a list.
func long(v string) bool { return utf8.RuneCountInString(v) > 48 || strings.Contains(v, "\n") }

func shown(v string) string {
	if v == "" {
		return "(none)"
	}
	return v
}
