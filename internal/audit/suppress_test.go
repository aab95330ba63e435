package audit

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/groundwork-aws/groundwork/internal/spec"
)

func date(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestMatchGlob(t *testing.T) {
	tests := map[string]struct {
		pattern, name string
		want          bool
	}{
		"literal":                 {"ou/Root/Workloads", "ou/Root/Workloads", true},
		"literal differs":         {"ou/Root/Workloads", "ou/Root/Workload", false},
		"star crosses slash":      {"account/*", "account/123456789012 (sandbox-1)", true},
		"star crosses space":      {"account/* (sandbox-*)", "account/123456789012 (sandbox-dev)", true},
		"star needs suffix":       {"account/* (sandbox-*)", "account/123456789012 (prod)", false},
		"star alone":              {"*", "anything at all / really", true},
		"star matches empty":      {"bucket/*logs", "bucket/logs", true},
		"question one char":       {"account/12345678901?", "account/123456789012", true},
		"question not zero":       {"account/123456789012?", "account/123456789012", false},
		"question not two":        {"a?c", "abbc", false},
		"whole name only":         {"account", "account/123", false},
		"backtracks":              {"*a*b", "xaybzab", true},
		"backtracks then fails":   {"*a*b", "xaybza", false},
		"many stars no blowup":    {"*a*a*a*a*a*a*a*a*a*a*b", strings.Repeat("a", 200), false},
		"empty pattern":           {"", "", true},
		"empty pattern non-empty": {"", "x", false},
		"unicode one rune":        {"bucket/caf?", "bucket/café", true},
		"parentheses literal":     {"account/1 (x)", "account/1 (x)", true},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			if got := MatchGlob(tt.pattern, tt.name); got != tt.want {
				t.Errorf("MatchGlob(%q, %q) = %v, want %v", tt.pattern, tt.name, got, tt.want)
			}
		})
	}
}

func TestExpiry(t *testing.T) {
	s := Suppression{Expires: date("2027-03-31")}
	tests := map[string]struct {
		now  time.Time
		want bool
	}{
		"day before":             {time.Date(2027, 3, 30, 12, 0, 0, 0, time.UTC), false},
		"expiry day start":       {time.Date(2027, 3, 31, 0, 0, 0, 0, time.UTC), false},
		"expiry day last moment": {time.Date(2027, 3, 31, 23, 59, 59, 999, time.UTC), false},
		"day after, UTC":         {time.Date(2027, 4, 1, 0, 0, 0, 0, time.UTC), true},
		// 20:00 on the 31st in New York is 00:00 on 1 April UTC: expired,
		// because expiry is the end of the day in UTC wherever the run is.
		"evening west of UTC": {time.Date(2027, 3, 31, 20, 0, 0, 0, time.FixedZone("EDT", -4*3600)), true},
		// 01:00 on 1 April in Berlin is still the 31st in UTC.
		"morning east of UTC": {time.Date(2027, 4, 1, 1, 0, 0, 0, time.FixedZone("CEST", 2*3600)), false},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			if got := s.Expired(tt.now); got != tt.want {
				t.Errorf("Expired(%v) = %v, want %v", tt.now, got, tt.want)
			}
		})
	}
	if (Suppression{}).Expired(time.Now()) {
		t.Error("a suppression without an expiry date expired")
	}
}

func TestSuppress(t *testing.T) {
	now := time.Date(2026, 6, 15, 10, 0, 0, 0, time.UTC)
	sandboxVPC := Finding{CheckID: "GW-HRD-004", Severity: Medium, Resource: "account/111111111111 (sandbox-1)"}
	prodVPC := Finding{CheckID: "GW-HRD-004", Severity: Medium, Resource: "account/222222222222 (prod)"}
	trail := Finding{CheckID: "GW-LOG-001", Severity: High, Resource: "organization/o-abc"}
	sandbox := Suppression{CheckID: "GW-HRD-004", Resource: "account/* (sandbox-*)", Reason: "vended", Expires: date("2026-12-31"), Source: "s.yaml:3"}
	sandboxAgain := Suppression{CheckID: "GW-HRD-004", Resource: "account/111111111111 *", Reason: "dup", Expires: date("2026-12-31"), Source: "s.yaml:7"}
	expired := Suppression{CheckID: "GW-LOG-001", Resource: "*", Reason: "old", Expires: date("2026-06-01"), Source: "s.yaml:11"}
	otherCheck := Suppression{CheckID: "GW-LOG-003", Resource: "organization/o-abc", Reason: "wrong check", Expires: date("2026-12-31"), Source: "s.yaml:15"}
	lastDay := Suppression{CheckID: "GW-LOG-001", Resource: "organization/*", Reason: "today", Expires: date("2026-06-15"), Source: "s.yaml:19"}

	tests := map[string]struct {
		sups           []Suppression
		wantFindings   []string
		wantSuppressed map[string]string // finding resource -> suppression source
		wantNotices    []string          // kind + source
	}{
		"none": {
			wantFindings: []string{trail.Resource, sandboxVPC.Resource, prodVPC.Resource},
		},
		"glob mutes the matching finding only": {
			sups:           []Suppression{sandbox},
			wantFindings:   []string{trail.Resource, prodVPC.Resource},
			wantSuppressed: map[string]string{sandboxVPC.Resource: "s.yaml:3"},
		},
		"first match wins and the other is unused": {
			sups:           []Suppression{sandbox, sandboxAgain},
			wantFindings:   []string{trail.Resource, prodVPC.Resource},
			wantSuppressed: map[string]string{sandboxVPC.Resource: "s.yaml:3"},
			wantNotices:    []string{"unused s.yaml:7"},
		},
		"expired mutes nothing": {
			sups:         []Suppression{expired},
			wantFindings: []string{trail.Resource, sandboxVPC.Resource, prodVPC.Resource},
			wantNotices:  []string{"expired s.yaml:11"},
		},
		"a check ID must match exactly": {
			sups:         []Suppression{otherCheck},
			wantFindings: []string{trail.Resource, sandboxVPC.Resource, prodVPC.Resource},
			wantNotices:  []string{"unused s.yaml:15"},
		},
		"still mutes on its expiry day": {
			sups:           []Suppression{lastDay},
			wantFindings:   []string{sandboxVPC.Resource, prodVPC.Resource},
			wantSuppressed: map[string]string{trail.Resource: "s.yaml:19"},
		},
		"expired before a live one for the same finding": {
			sups:           []Suppression{expired, lastDay},
			wantFindings:   []string{sandboxVPC.Resource, prodVPC.Resource},
			wantSuppressed: map[string]string{trail.Resource: "s.yaml:19"},
			wantNotices:    []string{"expired s.yaml:11"},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			r := Result{Findings: []Finding{sandboxVPC, trail, prodVPC}}
			r.Suppress(tt.sups, now)
			var got []string
			for _, f := range r.Findings {
				got = append(got, f.Resource)
				if f.Suppression != nil {
					t.Errorf("reported finding %s carries a suppression", f.Resource)
				}
			}
			if !slices.Equal(got, tt.wantFindings) {
				t.Errorf("findings = %q, want %q", got, tt.wantFindings)
			}
			gotSup := map[string]string{}
			for _, f := range r.Suppressed {
				if f.Suppression == nil {
					t.Fatalf("suppressed finding %s has no Suppression", f.Resource)
				}
				gotSup[f.Resource] = f.Suppression.Source
			}
			if len(gotSup) != len(tt.wantSuppressed) {
				t.Errorf("suppressed = %v, want %v", gotSup, tt.wantSuppressed)
			}
			for res, src := range tt.wantSuppressed {
				if gotSup[res] != src {
					t.Errorf("suppressed = %v, want %v", gotSup, tt.wantSuppressed)
				}
			}
			var notices []string
			for _, n := range r.Notices {
				notices = append(notices, n.Kind+" "+n.Suppression.Source)
			}
			if !slices.Equal(notices, tt.wantNotices) {
				t.Errorf("notices = %q, want %q", notices, tt.wantNotices)
			}
		})
	}
}

func TestSuppressNotices(t *testing.T) {
	now := time.Date(2026, 6, 15, 10, 0, 0, 0, time.UTC)
	r := Result{}
	r.Suppress([]Suppression{
		{CheckID: "GW-LOG-001", Resource: "*", Expires: date("2026-06-01")},
		{CheckID: "GW-LOG-003", Resource: "x", Expires: date("2027-01-01")},
	}, now)
	if len(r.Notices) != 2 {
		t.Fatalf("notices = %+v, want 2", r.Notices)
	}
	// Expired at the end of 1 June: 13 days and 10 hours before now.
	if m := r.Notices[0].Message; !strings.Contains(m, "expired at the end of 2026-06-01 UTC (13 days ago)") || !strings.Contains(m, "GW-LOG-001") {
		t.Errorf("expired message %q does not say since when", m)
	}
	if m := r.Notices[1].Message; r.Notices[1].Kind != NoticeUnused || !strings.Contains(m, "matched no finding") || !strings.Contains(m, `"x"`) {
		t.Errorf("unused notice = %+v", r.Notices[1])
	}
}

func TestSuppressAgainReplaces(t *testing.T) {
	now := time.Date(2026, 6, 15, 0, 0, 0, 0, time.UTC)
	f := Finding{CheckID: "GW-A-001", Severity: High, Resource: "r"}
	r := Result{Findings: []Finding{f}}
	s := Suppression{CheckID: "GW-A-001", Resource: "*", Expires: date("2027-01-01")}
	r.Suppress([]Suppression{s}, now)
	r.Suppress([]Suppression{s}, now)
	if len(r.Findings) != 0 || len(r.Suppressed) != 1 || len(r.Notices) != 0 {
		t.Fatalf("after suppressing twice: %d findings, %d suppressed, notices %+v", len(r.Findings), len(r.Suppressed), r.Notices)
	}
	r.Suppress(nil, now)
	if len(r.Findings) != 1 || len(r.Suppressed) != 0 || r.Findings[0].Suppression != nil {
		t.Fatalf("after lifting the suppression: %+v", r)
	}
	if r.Failed(High) != true {
		t.Error("the finding no longer fails the audit once its suppression is lifted")
	}
}

func TestSuppressedDoNotFail(t *testing.T) {
	r := Result{Findings: []Finding{{CheckID: "GW-A-001", Severity: Critical, Resource: "r"}}}
	r.Suppress([]Suppression{{CheckID: "GW-A-001", Resource: "r", Expires: date("2099-01-01")}}, time.Now())
	if r.Failed(Info) {
		t.Error("a suppressed finding fails the audit")
	}
}

func TestParseSuppressions(t *testing.T) {
	src := `version: 1
suppressions:
  - check: GW-HRD-004
    resource: "account/* (sandbox-*)"
    reason: Sandbox default VPCs are deleted by the account vending flow
    expires: 2027-03-31
  # a comment between entries
  - check: GW-LOG-001
    reason: >
      The organization trail moves to the new
      log archive next quarter.
    expires: "2026-09-30"
`
	got, err := ParseSuppressions("s.yaml", []byte(src), func(id string) bool { return strings.HasPrefix(id, "GW-") })
	if err != nil {
		t.Fatal(err)
	}
	want := []Suppression{
		{CheckID: "GW-HRD-004", Resource: "account/* (sandbox-*)", Reason: "Sandbox default VPCs are deleted by the account vending flow",
			Expires: date("2027-03-31"), Source: "s.yaml:3"},
		{CheckID: "GW-LOG-001", Resource: "*", Reason: "The organization trail moves to the new log archive next quarter.",
			Expires: date("2026-09-30"), Source: "s.yaml:8"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
	if got, err := ParseSuppressions("s.yaml", []byte("version: 1\nsuppressions:\n"), nil); err != nil || len(got) != 0 {
		t.Errorf("an empty list = %v, %v; want none and no error", got, err)
	}
}

func TestParseSuppressionsErrors(t *testing.T) {
	known := func(id string) bool { return id == "GW-HRD-004" }
	tests := map[string]struct {
		src  string
		want []string
	}{
		"every problem at once": {
			src: `version: 1
suppressions:
  - check: GW-NOPE-001
    resourc: "x"
    expires: 2027-02-30
  - resource: ""
    reason:
    expires: [2027-01-01]
  - check: GW-HRD-004
    resource: "account/[0-9]*"
    reason: r
    reason: again
    expires: 31/03/2027
  - just a string
extra: true
`,
			want: []string{
				`s.yaml:3:5: suppressions[0].reason: missing reason: why the finding is accepted`,
				`s.yaml:3:12: suppressions[0].check: unknown check "GW-NOPE-001"; ` + "`groundwork audit --list-checks`" + ` lists them`,
				`s.yaml:4:5: suppressions[0].resourc: unknown field "resourc"; expected one of: check, expires, reason, resource (did you mean "resource"?)`,
				`s.yaml:5:14: suppressions[0].expires: "2027-02-30" is not a date: write it as YYYY-MM-DD, e.g. 2027-03-31`,
				`s.yaml:6:5: suppressions[1].check: missing check: the ID of the check to mute, e.g. GW-HRD-004`,
				`s.yaml:6:15: suppressions[1].resource: the resource pattern is empty; write "*" to match every resource`,
				`s.yaml:7:12: suppressions[1].reason: the reason is empty; say why the finding is accepted`,
				`s.yaml:8:14: suppressions[1].expires: expected a string, found a list`,
				`s.yaml:10:15: suppressions[2].resource: the resource pattern has "[": only * (any characters) and ? (one character) are wildcards, character classes, braces and escapes are not supported`,
				`s.yaml:12:5: suppressions[2].reason: duplicate key "reason"`,
				`s.yaml:13:14: suppressions[2].expires: "31/03/2027" is not a date: write it as YYYY-MM-DD, e.g. 2027-03-31`,
				`s.yaml:14:5: suppressions[3]: expected a mapping, found a string`,
				`s.yaml:15:1: extra: unknown field "extra"; expected one of: suppressions, version`,
			},
		},
		"missing expires": {
			src:  "version: 1\nsuppressions:\n  - check: GW-HRD-004\n    reason: r\n",
			want: []string{`s.yaml:3:5: suppressions[0].expires: missing expires: the last day it mutes, YYYY-MM-DD, so that it is reviewed`},
		},
		"wrong version and shape": {
			src: "version: 2\nsuppressions: {check: GW-HRD-004}\n",
			want: []string{
				`s.yaml:1:10: version: unsupported version 2: this groundwork reads version 1`,
				`s.yaml:2:15: suppressions: expected a list, found a mapping`,
			},
		},
		"no version": {
			src:  "suppressions: []\n",
			want: []string{"s.yaml:1:13: version: missing version: start the file with `version: 1`"},
		},
		"broken YAML": {
			src:  "version: 1\nsuppressions:\n  - check: [\n",
			want: []string{`s.yaml:3:12: invalid YAML: sequence end token ']' not found`},
		},
		"empty file": {
			src:  "",
			want: []string{"s.yaml:1:1: the file is empty; write `version: 1` and a `suppressions:` list"},
		},
		"two documents": {
			src:  "version: 1\nsuppressions: []\n---\nversion: 1\n",
			want: []string{`s.yaml:3:1: found 2 YAML documents; a suppressions file is exactly one`},
		},
		"an item of one key": {
			src: "version: 1\nsuppressions:\n  - check: GW-HRD-004\n",
			want: []string{
				`s.yaml:3:5: suppressions[0].expires: missing expires: the last day it mutes, YYYY-MM-DD, so that it is reviewed`,
				`s.yaml:3:5: suppressions[0].reason: missing reason: why the finding is accepted`,
			},
		},
		"not a mapping": {
			src:  "- check: GW-HRD-004\n",
			want: []string{`s.yaml:1:1: expected a mapping, found a list`},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := ParseSuppressions("s.yaml", []byte(tt.src), known)
			if got != nil {
				t.Errorf("suppressions = %+v alongside errors", got)
			}
			var diags spec.Diagnostics
			if !errors.As(err, &diags) {
				t.Fatalf("error = %v (%T), want spec.Diagnostics", err, err)
			}
			lines := strings.Split(diags.Error(), "\n")
			if !slices.Equal(lines, tt.want) {
				t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestLoadSuppressions(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "groundwork-suppressions.yaml")
	src := "version: 1\nsuppressions:\n  - check: GW-A-001\n    reason: r\n    expires: 2027-01-01\n"
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := LoadSuppressions(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Source != path+":3" {
		t.Errorf("got %+v, want one suppression from %s:3", got, path)
	}
	_, err = LoadSuppressions(filepath.Join(dir, "missing.yaml"), nil)
	if err == nil || !strings.Contains(err.Error(), "missing.yaml does not exist") {
		t.Errorf("missing file: error = %v", err)
	}
}

// The suppressions file is bounded as the spec is, before the YAML parser
// sees it; a byte-order mark is accepted.
func TestSuppressionsInputLimits(t *testing.T) {
	deep := "version: 1\nsuppressions: " + strings.Repeat("[", 1000)
	_, err := ParseSuppressions("s.yaml", []byte(deep), nil)
	if want := "s.yaml:2:78: nesting deeper than 64 levels, the most groundwork reads for a suppressions file"; err == nil || err.Error() != want {
		t.Errorf("deep: %v\nwant %s", err, want)
	}
	_, err = ParseSuppressions("s.yaml", []byte("version: 1\n\x00"), nil)
	if want := "s.yaml:2:1: the file has a NUL byte: it is binary, not a suppressions file"; err == nil || err.Error() != want {
		t.Errorf("NUL: %v\nwant %s", err, want)
	}
	if _, err := ParseSuppressions("s.yaml", []byte("\xEF\xBB\xBFversion: 1\nsuppressions: []\n"), nil); err != nil {
		t.Errorf("byte-order mark: %v", err)
	}
	path := filepath.Join(t.TempDir(), "s.yaml")
	if err := os.WriteFile(path, []byte("version: 1\n#"+strings.Repeat("x", 5<<20)), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = LoadSuppressions(path, nil)
	var ds spec.Diagnostics
	if !errors.As(err, &ds) || !strings.HasSuffix(err.Error(), "the file is larger than 2 MiB (2097152 bytes), the most groundwork reads for a suppressions file") {
		t.Errorf("giant file: %v", err)
	}
}
