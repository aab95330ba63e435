package report

import (
	"cmp"
	"encoding/xml"
	"io"
	"strings"

	"github.com/groundwork-aws/groundwork/internal/audit"
)

// JUnit renders the result as JUnit XML for CI systems that show test
// reports: a test suite per check that ran, a test case per resource the
// check found something on (failed, or skipped when suppressed), a
// skipped case for each part not read that kept the check from being
// evaluated (its message the cause), a skipped case for a check that
// could not be judged on this estate at all (its message the reason), and
// one passing case, named after the check's title, only for a check
// evaluated everywhere with nothing to report.
type JUnit struct{ Meta Meta }

var _ Writer = JUnit{}

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     string       `xml:"timestamp,attr,omitempty"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Time     string      `xml:"timestamp,attr,omitempty"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Classname string        `xml:"classname,attr"`
	Name      string        `xml:"name,attr"`
	Failure   *junitFailure `xml:"failure"`
	Skipped   *junitSkipped `xml:"skipped"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Body    string `xml:",chardata"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
}

// Write implements Writer.
func (j JUnit) Write(w io.Writer, r audit.Result) error {
	failed := byCheck(sorted(r.Findings))
	muted := byCheck(sorted(r.Suppressed))
	var stamp string
	if t := timestamp(j.Meta.Generated); t != nil {
		stamp = *t
	}
	doc := junitSuites{Name: "groundwork audit", Time: stamp}
	for _, c := range checksOf(r) {
		s := junitSuite{Name: c.ID, Time: stamp}
		for _, f := range failed[c.ID] {
			s.Cases = append(s.Cases, junitCase{
				Classname: c.ID, Name: f.Resource,
				Failure: &junitFailure{Message: f.Message, Type: f.Severity.String(), Body: failureBody(f)},
			})
			s.Failures++
		}
		for _, f := range muted[c.ID] {
			reason := ""
			if f.Suppression != nil {
				reason = f.Suppression.Reason
			}
			s.Cases = append(s.Cases, junitCase{
				Classname: c.ID, Name: f.Resource,
				Skipped: &junitSkipped{Message: "suppressed: " + reason},
			})
			s.Skipped++
		}
		for _, u := range r.NotEvaluated[c.ID] {
			s.Cases = append(s.Cases, junitCase{
				Classname: c.ID, Name: "not evaluated: " + u.Read + " (" + u.Place() + ")",
				Skipped: &junitSkipped{Message: "not evaluated: " + u.Read + " (" + u.Place() + ") could not be read: " + u.Cause()},
			})
			s.Skipped++
		}
		if why := r.Unjudged[c.ID]; why != "" {
			s.Cases = append(s.Cases, junitCase{
				Classname: c.ID, Name: "not evaluated: cannot be judged on this estate",
				Skipped: &junitSkipped{Message: "not evaluated: " + why},
			})
			s.Skipped++
		}
		if len(s.Cases) == 0 {
			s.Cases = append(s.Cases, junitCase{Classname: c.ID, Name: cmp.Or(c.Title, c.ID)})
		}
		s.Tests = len(s.Cases)
		doc.Tests += s.Tests
		doc.Failures += s.Failures
		doc.Skipped += s.Skipped
		doc.Suites = append(doc.Suites, s)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	if err := enc.Close(); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// failureBody is what a CI system shows under a failed case: the message,
// and how to fix it.
func failureBody(f audit.Finding) string {
	var b strings.Builder
	b.WriteString(f.Message)
	if f.Remediation != "" {
		b.WriteString("\nfix: " + f.Remediation)
	}
	if refs := audit.ParseGuidance(f.Guidance); len(refs) > 0 {
		parts := make([]string, len(refs))
		for i, g := range refs {
			parts[i] = g.String()
		}
		b.WriteString("\nguidance: " + strings.Join(parts, "; "))
	}
	return b.String()
}

// byCheck groups sorted findings by check ID, keeping their order.
func byCheck(fs []audit.Finding) map[string][]audit.Finding {
	out := map[string][]audit.Finding{}
	for _, f := range fs {
		out[f.CheckID] = append(out[f.CheckID], f)
	}
	return out
}
