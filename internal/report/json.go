package report

import (
	"encoding/json"
	"io"
	"slices"
	"time"

	"github.com/groundwork-aws/groundwork/internal/audit"
	"github.com/groundwork-aws/groundwork/internal/inventory"
)

// jsonSchemaVersion is the version of the JSON document's shape. It goes up
// only when a field is removed or changes meaning; new fields do not change
// it. docs/report-formats.md documents every field.
const jsonSchemaVersion = 1

// JSON renders the result as one indented JSON document with a stable,
// documented shape (docs/report-formats.md) for scripts. Every array is
// present and [] when empty, never null; findings are sorted most severe
// first, checks by ID.
type JSON struct{ Meta Meta }

var _ Writer = JSON{}

type jsonReport struct {
	SchemaVersion int         `json:"schema_version"`
	Tool          jsonTool    `json:"tool"`
	Generated     *string     `json:"generated"`
	Spec          string      `json:"spec"`
	Summary       jsonSummary `json:"summary"`
	// Completeness says whether everything the checks read was read.
	Completeness jsonCompleteness `json:"completeness"`
	Checks       []jsonRunCheck   `json:"checks"`
	Findings     []jsonFinding    `json:"findings"`
	Suppressed   []jsonFinding    `json:"suppressed"`
	Notices      []jsonNotice     `json:"notices"`
}

type jsonTool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// jsonSummary is a struct, not a map, to keep its keys most severe first.
type jsonSummary struct {
	Critical   int `json:"critical"`
	High       int `json:"high"`
	Medium     int `json:"medium"`
	Low        int `json:"low"`
	Info       int `json:"info"`
	Total      int `json:"total"`
	Suppressed int `json:"suppressed"`
}

type jsonCheck struct {
	ID          string              `json:"id"`
	Title       string              `json:"title"`
	Severity    audit.Severity      `json:"severity"`
	Guidance    []audit.GuidanceRef `json:"guidance"`
	Controls    []string            `json:"controls"`
	Rationale   string              `json:"rationale"`
	Remediation string              `json:"remediation"`
}

// jsonRunCheck is a check as the report gives it: as the catalogue does,
// and what became of it.
type jsonRunCheck struct {
	jsonCheck
	// Status is passed, failed or not_evaluated (audit.Status).
	Status audit.Status `json:"status"`
	// NotEvaluated are the parts not read that kept the check from being
	// evaluated, where they are; [] when it was evaluated everywhere.
	NotEvaluated []jsonUnread `json:"not_evaluated"`
	// Unjudged says why the check could not be judged on this estate at
	// all (audit.Result.Unjudged); "" when it was judged.
	Unjudged string `json:"unjudged"`
}

type jsonCompleteness struct {
	Complete     bool `json:"complete"`
	Evaluated    int  `json:"evaluated"`
	NotEvaluated int  `json:"not_evaluated"`
	// Unjudged counts the checks not evaluated because they could not be
	// judged on this estate at all; they leave the audit complete.
	Unjudged int          `json:"unjudged"`
	Unread   []jsonUnread `json:"unread"`
}

// jsonUnread is a part of the estate that could not be read.
type jsonUnread struct {
	Read      string `json:"read"`
	Account   string `json:"account"`
	Region    string `json:"region"`
	Code      string `json:"code"`
	Operation string `json:"operation"`
	Message   string `json:"message"`
}

func jsonUnreads(us []inventory.Unread) []jsonUnread {
	out := make([]jsonUnread, 0, len(us))
	for _, u := range us {
		out = append(out, jsonUnread{Read: u.Read, Account: u.Account, Region: u.Region, Code: u.Code, Operation: u.Operation, Message: u.Message})
	}
	return out
}

type jsonFinding struct {
	CheckID     string              `json:"check_id"`
	Severity    audit.Severity      `json:"severity"`
	Title       string              `json:"title"`
	Resource    string              `json:"resource"`
	Account     string              `json:"account"`
	AccountName string              `json:"account_name"`
	Region      string              `json:"region"`
	Message     string              `json:"message"`
	Remediation string              `json:"remediation"`
	Guidance    []audit.GuidanceRef `json:"guidance"`
	Controls    []string            `json:"controls"`
	Suppression *jsonSuppression    `json:"suppression,omitempty"`
}

type jsonSuppression struct {
	CheckID  string  `json:"check_id"`
	Resource string  `json:"resource"`
	Reason   string  `json:"reason"`
	Expires  *string `json:"expires"`
	Source   string  `json:"source"`
}

type jsonNotice struct {
	Kind        string          `json:"kind"`
	Message     string          `json:"message"`
	Suppression jsonSuppression `json:"suppression"`
}

// Write implements Writer.
func (j JSON) Write(w io.Writer, r audit.Result) error {
	fs := sorted(r.Findings)
	n := counts(fs)
	doc := jsonReport{
		SchemaVersion: jsonSchemaVersion,
		Tool:          jsonTool{Name: "groundwork", Version: j.Meta.Version},
		Generated:     timestamp(j.Meta.Generated),
		Spec:          j.Meta.Spec,
		Summary: jsonSummary{
			Critical: n[audit.Critical], High: n[audit.High], Medium: n[audit.Medium], Low: n[audit.Low], Info: n[audit.Info],
			Total: len(fs), Suppressed: len(r.Suppressed),
		},
		Checks:     []jsonRunCheck{},
		Findings:   jsonFindings(fs, j.Meta.AccountNames),
		Suppressed: jsonFindings(sorted(r.Suppressed), j.Meta.AccountNames),
		Notices:    []jsonNotice{},
	}
	evaluated, notEvaluated := r.Evaluated()
	doc.Completeness = jsonCompleteness{Complete: r.Complete(), Evaluated: evaluated, NotEvaluated: notEvaluated,
		Unjudged: len(unjudged(r)), Unread: jsonUnreads(r.Unread)}
	for _, c := range checksOf(r) {
		doc.Checks = append(doc.Checks, jsonRunCheck{jsonCheck: toJSONCheck(c), Status: r.Status(c.ID),
			NotEvaluated: jsonUnreads(r.NotEvaluated[c.ID]), Unjudged: r.Unjudged[c.ID]})
	}
	for _, nt := range r.Notices {
		doc.Notices = append(doc.Notices, jsonNotice{Kind: nt.Kind, Message: nt.Message, Suppression: toJSONSuppression(nt.Suppression)})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false) // remediations say "<key>"; keep them readable
	return enc.Encode(doc)
}

func toJSONCheck(c audit.Check) jsonCheck {
	return jsonCheck{
		ID: c.ID, Title: c.Title, Severity: c.Severity, Guidance: audit.ParseGuidance(c.Guidance),
		Controls: nonNil(c.Controls), Rationale: c.Rationale, Remediation: c.Remediation,
	}
}

// WriteCatalogueJSON writes a check catalogue as `groundwork audit
// --list-checks --format json` prints it, {"checks": [...], "summary":
// {...}}, each check in the shape the JSON report gives its checks.
func WriteCatalogueJSON(w io.Writer, cs []audit.Check, sum audit.CatalogueSummary) error {
	out := struct {
		Checks  []jsonCheck            `json:"checks"`
		Summary audit.CatalogueSummary `json:"summary"`
	}{Checks: make([]jsonCheck, 0, len(cs)), Summary: sum}
	for _, c := range cs {
		out.Checks = append(out.Checks, toJSONCheck(c))
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}

func jsonFindings(fs []audit.Finding, names map[string]string) []jsonFinding {
	out := make([]jsonFinding, 0, len(fs))
	for _, f := range fs {
		jf := jsonFinding{
			CheckID: f.CheckID, Severity: f.Severity, Title: f.Title, Resource: f.Resource,
			Account: f.Account, AccountName: names[f.Account], Region: f.Region, Message: f.Message, Remediation: f.Remediation,
			Guidance: audit.ParseGuidance(f.Guidance), Controls: nonNil(f.Controls),
		}
		if f.Suppression != nil {
			s := toJSONSuppression(*f.Suppression)
			jf.Suppression = &s
		}
		out = append(out, jf)
	}
	return out
}

func toJSONSuppression(s audit.Suppression) jsonSuppression {
	return jsonSuppression{CheckID: s.CheckID, Resource: s.Resource, Reason: s.Reason, Expires: timestamp(s.Expires), Source: s.Source}
}

// timestamp is t in RFC 3339 UTC, or nil (JSON null) for the zero time.
func timestamp(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.UTC().Format(time.RFC3339)
	return &s
}

// nonNil returns a copy of ss that is never nil, so that it encodes as [].
func nonNil(ss []string) []string {
	if ss == nil {
		return []string{}
	}
	return slices.Clone(ss)
}
