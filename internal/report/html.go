package report

import (
	"cmp"
	_ "embed"
	"html/template"
	"io"
	"slices"
	"time"

	"github.com/groundwork-aws/groundwork/internal/audit"
)

// HTML renders the result as one self-contained page: inline CSS and
// JavaScript, no external assets, nothing fetched over the network, so it
// can be archived as a CI artifact and opened anywhere. It has a summary by
// severity and by account, a findings table filtered in the browser by text
// and by severity, a table of every check that ran with what became of it
// (passed, failed, or not evaluated and why), and a section per check with
// findings saying why it matters and how to fix it. Every table sorts by
// any column in the browser. Accounts are shown by ID with their names
// (Meta.AccountNames). An incomplete audit opens with a banner naming
// what could not be read and why, and the checks each part kept from
// being evaluated. It follows the reader's light or dark colour scheme.
type HTML struct{ Meta Meta }

var _ Writer = HTML{}

//go:embed html.tmpl
var htmlSource string

var htmlTemplate = template.Must(template.New("report").Parse(htmlSource))

// htmlPage is what the template renders; it holds only ready-to-print data.
type htmlPage struct {
	Version, Spec, Generated string
	ChecksRun                int
	Incomplete               bool
	Evaluated, NotEvaluated  int
	Unread                   []htmlUnread
	Severities               []htmlCount
	Total, SuppressedCount   int
	Accounts                 []htmlAccount
	Findings                 []htmlFinding
	Suppressed               []htmlFinding
	Notices                  []audit.Notice
	Checks                   []htmlCheck
	// AllChecks is every check that ran, with its status.
	AllChecks []htmlCheckStatus
	// Passed, Failed, NotRun count AllChecks by status.
	Passed, Failed, NotRun int
}

// htmlCheckStatus is one row of the table of every check.
type htmlCheckStatus struct {
	ID, Title, SeverityName string
	SeverityRank            int
	// Status is passed, failed or not_evaluated; StatusText as shown.
	Status, StatusText string
	Findings           int
	// Why says why a check was not evaluated, or where it was not.
	Why []string
}

// htmlUnread is a part not read, and the checks it kept from being
// evaluated.
type htmlUnread struct {
	Read, Place, Cause string
	Checks             []string
}

type htmlCount struct {
	Severity string
	Count    int
}

type htmlAccount struct {
	Account string // "" for findings on the organization as a whole
	Name    string // the account's name, when known
	Counts  []htmlCount
	Total   int
}

type htmlFinding struct {
	audit.Finding
	SeverityName string
	// SeverityRank orders severities when the table is sorted by them.
	SeverityRank int
	AccountName  string
	Suppression  string
}

type htmlCheck struct {
	audit.Check
	SeverityName string
	Guidance     []audit.GuidanceRef
	Findings     int
}

// Write implements Writer.
func (h HTML) Write(w io.Writer, r audit.Result) error {
	return htmlTemplate.Execute(w, h.page(r))
}

func (h HTML) page(r audit.Result) htmlPage {
	fs := sorted(r.Findings)
	p := htmlPage{
		Version:         cmp.Or(h.Meta.Version, "unknown"),
		Spec:            cmp.Or(h.Meta.Spec, "none"),
		Generated:       "unknown",
		ChecksRun:       len(r.Checks),
		Total:           len(fs),
		SuppressedCount: len(r.Suppressed),
		Notices:         r.Notices,
	}
	p.Incomplete = !r.Complete()
	p.Evaluated, p.NotEvaluated = r.Evaluated()
	for _, u := range r.Unread {
		row := htmlUnread{Read: u.Read, Place: u.Place(), Cause: u.Cause()}
		for _, c := range r.Checks {
			if slices.Contains(r.NotEvaluated[c.ID], u) {
				row.Checks = append(row.Checks, c.ID)
			}
		}
		p.Unread = append(p.Unread, row)
	}
	if !h.Meta.Generated.IsZero() {
		p.Generated = h.Meta.Generated.UTC().Format(time.RFC3339)
	}
	n := counts(fs)
	for _, s := range audit.Severities() {
		p.Severities = append(p.Severities, htmlCount{Severity: s.String(), Count: n[s]})
	}

	byAccount := map[string][]audit.Finding{}
	for _, f := range fs {
		byAccount[f.Account] = append(byAccount[f.Account], f)
		p.Findings = append(p.Findings, htmlFinding{Finding: f, SeverityName: f.Severity.String(), SeverityRank: int(f.Severity),
			AccountName: h.Meta.AccountNames[f.Account]})
	}
	accounts := make([]string, 0, len(byAccount))
	for a := range byAccount {
		accounts = append(accounts, a)
	}
	slices.Sort(accounts) // "" (the organization) first
	for _, a := range accounts {
		an := counts(byAccount[a])
		row := htmlAccount{Account: a, Name: h.Meta.AccountNames[a], Total: len(byAccount[a])}
		for _, s := range audit.Severities() {
			row.Counts = append(row.Counts, htmlCount{Severity: s.String(), Count: an[s]})
		}
		p.Accounts = append(p.Accounts, row)
	}

	for _, f := range sorted(r.Suppressed) {
		p.Suppressed = append(p.Suppressed, htmlFinding{Finding: f, SeverityName: f.Severity.String(), SeverityRank: int(f.Severity),
			AccountName: h.Meta.AccountNames[f.Account], Suppression: suppressionText(f.Suppression)})
	}

	perCheck := byCheck(fs)
	checks := checksOf(r)
	for _, c := range checks {
		row := htmlCheckStatus{ID: c.ID, Title: c.Title, SeverityName: c.Severity.String(), SeverityRank: int(c.Severity),
			Status: string(r.Status(c.ID)), Findings: len(perCheck[c.ID])}
		switch r.Status(c.ID) {
		case audit.StatusPassed:
			row.StatusText = "passed"
			p.Passed++
		case audit.StatusFailed:
			row.StatusText = "failed"
			p.Failed++
		default:
			row.StatusText = "not evaluated"
			p.NotRun++
		}
		if why := r.Unjudged[c.ID]; why != "" {
			row.Why = append(row.Why, "cannot be judged on this estate: "+why)
		}
		for _, u := range r.NotEvaluated[c.ID] {
			row.Why = append(row.Why, u.Read+" ("+u.Place()+") could not be read: "+u.Cause())
		}
		p.AllChecks = append(p.AllChecks, row)
	}
	// Most severe checks first, as in the findings table.
	slices.SortStableFunc(checks, func(a, b audit.Check) int { return int(b.Severity) - int(a.Severity) })
	for _, c := range checks {
		if len(perCheck[c.ID]) == 0 {
			continue
		}
		p.Checks = append(p.Checks, htmlCheck{
			Check: c, SeverityName: c.Severity.String(), Guidance: audit.ParseGuidance(c.Guidance), Findings: len(perCheck[c.ID]),
		})
	}
	return p
}
