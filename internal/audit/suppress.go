package audit

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"time"

	"github.com/groundwork-aws/groundwork/internal/spec"
)

// Suppression mutes the findings of one check on the resources its glob
// matches, for a stated reason, until it expires.
type Suppression struct {
	CheckID  string    `json:"check_id"`
	Resource string    `json:"resource"` // a glob over Finding.Resource; "*" for all
	Reason   string    `json:"reason"`
	Expires  time.Time `json:"expires,omitzero"`
	// Source is where the suppression was written: "suppressions.yaml:12".
	Source string `json:"source,omitempty"`
}

// Notice reports a suppression that no longer does its job: it has expired
// (its findings are reported again) or it matched no finding; or one that
// names a retired check ID, which still mutes the findings of the check
// that replaced it but should be renamed.
type Notice struct {
	Kind        string      `json:"kind"` // "expired", "unused" or "renamed"
	Suppression Suppression `json:"suppression"`
	Message     string      `json:"message"`
}

// The kinds of Notice.
const (
	NoticeExpired = "expired"
	NoticeUnused  = "unused"
	NoticeRenamed = "renamed"
)

// SuppressionsVersion is the version of the suppressions file format, the
// `version:` its first line states.
const SuppressionsVersion = 1

// DefaultSuppressionsFile is the name the audit looks for next to the spec
// when no suppressions file is given.
const DefaultSuppressionsFile = "groundwork-suppressions.yaml"

// dateLayout is how expiry dates are written: a calendar day, ISO 8601.
const dateLayout = "2006-01-02"

// ExpiresAt is the instant the suppression stops muting: the end of its
// expiry day in UTC, so that "expires: 2027-03-31" still mutes on that day
// wherever the audit runs. A zero Expires never expires.
func (s Suppression) ExpiresAt() time.Time {
	if s.Expires.IsZero() {
		return time.Time{}
	}
	y, m, d := s.Expires.UTC().Date()
	return time.Date(y, m, d+1, 0, 0, 0, 0, time.UTC)
}

// Expired reports whether the suppression no longer mutes at now.
func (s Suppression) Expired(now time.Time) bool {
	return !s.Expires.IsZero() && !now.Before(s.ExpiresAt())
}

// Matches reports whether the suppression covers the finding: same check
// (a retired check ID is the check that replaced it, see RegisterAlias),
// and the resource glob matches the finding's whole Resource. It does not
// look at expiry.
func (s Suppression) Matches(f Finding) bool {
	return CurrentID(s.CheckID) == f.CheckID && MatchGlob(s.Resource, f.Resource)
}

// MatchGlob reports whether name matches the whole glob pattern. "*"
// matches any run of characters, "/" and spaces included, and "?" exactly
// one character; every other character matches itself. Unlike path.Match
// there are no character classes or escapes, so that a resource such as
// "account/123456789012 (sandbox-1)" is written as it reads.
func MatchGlob(pattern, name string) bool {
	p, n := []rune(pattern), []rune(name)
	// Iterative match with one backtrack point: the last "*" seen and the
	// position in name it has consumed up to. Linear in practice, never
	// exponential, whatever the pattern.
	pi, ni, star, mark := 0, 0, -1, 0
	for ni < len(n) {
		switch {
		case pi < len(p) && (p[pi] == '?' || p[pi] == n[ni]) && p[pi] != '*':
			pi++
			ni++
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, ni
			pi++
		case star >= 0:
			mark++
			pi, ni = star+1, mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

// globProblem says what is wrong with a resource glob, or "" when it is
// usable.
func globProblem(g string) string {
	if strings.TrimSpace(g) == "" {
		return "the resource pattern is empty; write \"*\" to match every resource"
	}
	if i := strings.IndexAny(g, "[]{}\\"); i >= 0 {
		return fmt.Sprintf("the resource pattern has %q: only * (any characters) and ? (one character) are wildcards, "+
			"character classes, braces and escapes are not supported", g[i:i+1])
	}
	return ""
}

// Suppress applies suppressions to the result, replacing any earlier call's
// effect. A finding matched by a suppression that has not expired at now
// moves from Findings to Suppressed, with Suppression set to the first
// suppression (in file order) that matches it. An expired suppression
// mutes nothing and gives a Notice of kind "expired"; one that has not
// expired but matched no finding gives a Notice of kind "unused". One that
// names a retired check ID mutes the findings of the check that replaced
// it and gives a Notice of kind "renamed" first. Notices are in the order
// of sups.
func (r *Result) Suppress(sups []Suppression, now time.Time) {
	all := slices.Clone(r.Findings)
	for _, f := range r.Suppressed {
		f.Suppression = nil
		all = append(all, f)
	}
	r.Findings, r.Suppressed, r.Notices = nil, nil, nil
	used := make([]bool, len(sups))
	for _, f := range all {
		i := slices.IndexFunc(sups, func(s Suppression) bool { return !s.Expired(now) && s.Matches(f) })
		if i < 0 {
			r.Findings = append(r.Findings, f)
			continue
		}
		used[i] = true
		s := sups[i]
		f.Suppression = &s
		r.Suppressed = append(r.Suppressed, f)
	}
	SortFindings(r.Findings)
	SortFindings(r.Suppressed)
	for i, s := range sups {
		if a, ok := Alias(s.CheckID); ok {
			r.Notices = append(r.Notices, Notice{Kind: NoticeRenamed, Suppression: s, Message: fmt.Sprintf(
				"%s is now %s: %s; rename it in %s", s.CheckID, a.Now, a.Note, cmp.Or(s.Source, "the suppressions file"))})
		}
		switch {
		case s.Expired(now):
			r.Notices = append(r.Notices, Notice{Kind: NoticeExpired, Suppression: s, Message: fmt.Sprintf(
				"the suppression of %s on %q expired at the end of %s UTC (%s ago); its findings are reported again: renew it with a new date or fix what it hides",
				s.CheckID, s.Resource, s.Expires.UTC().Format(dateLayout), age(now.Sub(s.ExpiresAt())))})
		case !used[i]:
			r.Notices = append(r.Notices, Notice{Kind: NoticeUnused, Suppression: s, Message: fmt.Sprintf(
				"the suppression of %s on %q matched no finding: remove it, or correct its check or resource pattern",
				s.CheckID, s.Resource)})
		}
	}
}

// age says how long ago something happened, in days once it is a day or
// more.
func age(d time.Duration) string {
	if days := int(d / (24 * time.Hour)); days >= 1 {
		if days == 1 {
			return "1 day"
		}
		return fmt.Sprintf("%d days", days)
	}
	return "less than a day"
}

// LoadSuppressions reads a suppressions file:
//
//	version: 1
//	suppressions:
//	  - check: GW-HRD-004
//	    resource: "account/* (sandbox-*)"
//	    reason: Sandbox default VPCs are deleted by the account vending flow
//	    expires: 2027-03-31
//
// check, reason and expires are required; resource defaults to "*".
// known tells which check IDs exist; nil accepts any. A retired check ID
// (RegisterAlias) is accepted when the check that replaced it is known. When the file has
// problems the error is a spec.Diagnostics listing every one of them, each
// "file:line:column: field: message". The file is bounded as the spec is
// (spec.ReadDocument): at most 2 MiB, 64 levels deep, UTF-8 without NUL.
func LoadSuppressions(path string, known func(id string) bool) ([]Suppression, error) {
	src, err := spec.ReadDocument(path, suppressionsKind)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("read suppressions: %s does not exist", path)
	}
	var diags spec.Diagnostics
	if errors.As(err, &diags) {
		return nil, diags
	}
	if err != nil {
		return nil, fmt.Errorf("read suppressions: %w", err)
	}
	return ParseSuppressions(path, src, known)
}

// suppressionsKind names the suppressions file in the messages about it as
// a whole.
var suppressionsKind = spec.DocumentKind{
	Noun:  "a suppressions file",
	Empty: fmt.Sprintf("write `version: %d` and a `suppressions:` list", SuppressionsVersion),
}

// ParseSuppressions is LoadSuppressions for a file already in memory; name
// is used in messages and in each suppression's Source.
func ParseSuppressions(name string, src []byte, known func(id string) bool) ([]Suppression, error) {
	var file suppressionsFile
	doc := spec.DecodeDocument(name, src, &file, suppressionsKind)
	if !doc.Has("version") {
		doc.Errorf("version", "missing version: start the file with `version: %d`", SuppressionsVersion)
	} else if file.Version != SuppressionsVersion {
		doc.Errorf("version", "unsupported version %d: this groundwork reads version %d", file.Version, SuppressionsVersion)
	}
	sups := make([]Suppression, len(file.Suppressions))
	for i, e := range file.Suppressions {
		path := fmt.Sprintf("suppressions[%d]", i)
		sups[i] = e.validate(doc, path, fmt.Sprintf("%s:%d", name, doc.Pos(path).Line), known)
	}
	if err := doc.Err(); err != nil {
		return nil, err
	}
	return sups, nil
}

// suppressionsFile is the suppressions file as written.
type suppressionsFile struct {
	Version      int                `yaml:"version"`
	Suppressions []suppressionEntry `yaml:"suppressions"`
}

// suppressionEntry is one suppression as written; expires stays text so
// that a malformed date is reported in the file's own words.
type suppressionEntry struct {
	Check    string `yaml:"check"`
	Resource string `yaml:"resource"`
	Reason   string `yaml:"reason"`
	Expires  string `yaml:"expires"`
}

// validate checks the entry at path, reporting its problems to doc, and
// returns it as a Suppression written at source; resource defaults to "*".
// Values are trimmed, so that a folded reason (reason: >) loses its final
// newline.
func (e suppressionEntry) validate(doc *spec.Document, path, source string, known func(string) bool) Suppression {
	s := Suppression{
		CheckID:  strings.TrimSpace(e.Check),
		Resource: strings.TrimSpace(e.Resource),
		Reason:   strings.TrimSpace(e.Reason),
		Source:   source,
	}
	required := func(key, why string) bool {
		if !doc.Has(path + "." + key) {
			doc.Errorf(path+"."+key, "missing %s: %s", key, why)
			return false
		}
		return true
	}
	if required("check", "the ID of the check to mute, e.g. GW-HRD-004") {
		switch {
		case s.CheckID == "":
			doc.Errorf(path+".check", "the check ID is empty")
		case known != nil && !known(CurrentID(s.CheckID)):
			doc.Errorf(path+".check", "unknown check %q; `groundwork audit --list-checks` lists them", s.CheckID)
		}
	}
	if !doc.Has(path + ".resource") {
		s.Resource = "*"
	} else if problem := globProblem(s.Resource); problem != "" {
		doc.Errorf(path+".resource", "%s", problem)
	}
	if required("reason", "why the finding is accepted") && s.Reason == "" {
		doc.Errorf(path+".reason", "the reason is empty; say why the finding is accepted")
	}
	if required("expires", "the last day it mutes, YYYY-MM-DD, so that it is reviewed") {
		v := strings.TrimSpace(e.Expires)
		t, err := time.Parse(dateLayout, v)
		if err != nil {
			doc.Errorf(path+".expires", "%q is not a date: write it as YYYY-MM-DD, e.g. 2027-03-31", v)
		}
		s.Expires = t
	}
	return s
}
