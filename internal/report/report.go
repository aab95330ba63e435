package report

import (
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/groundwork-aws/groundwork/internal/audit"
)

// Writer renders an audit result. Writers do not rely on the result's
// findings being sorted, and never modify the result. The error is the
// first write error from w.
type Writer interface {
	Write(w io.Writer, r audit.Result) error
}

// Meta is what a report says about the run rather than the estate.
type Meta struct {
	// Version is groundwork's version, as the binary reports it.
	Version string
	// Spec is the path of foundation.yaml as given on the command line, ""
	// when the audit ran without one.
	Spec string
	// Generated is when the audit ran; writers print it in UTC.
	Generated time.Time
	// Color turns on ANSI colour in the text format; other formats ignore it.
	Color bool
	// Width is the column the text format wraps at; 0 means DefaultWidth.
	// Other formats ignore it.
	Width int
	// AccountNames names accounts by ID, so that the reports people read
	// show a name beside each account ID; nil names none.
	AccountNames map[string]string
	// Locate, when set, says where the spec declares what a finding is
	// about; SARIF points its results there. Nil locates nothing.
	Locate Locator
	// ManagementAccount is the ID of the organization's management account
	// and HomeRegion its home Region: ASFF files a finding on the
	// organization as a whole, or on nothing regional, there.
	ManagementAccount, HomeRegion string
	// SpecRoot is the root of the repository the spec is in, absolute,
	// or "" when it is in none: SARIF then names the spec relative to it
	// (see SpecArtifact).
	SpecRoot string
}

// DefaultWidth is where the text format wraps when Meta.Width is not set:
// what it prints to a file or a pipe, and so what tests and CI see.
const DefaultWidth = 100

// minWidth keeps the text report readable on a very narrow terminal:
// below it, wrapping would leave a word or two per line.
const minWidth = 60

// format is one output format: its name and how to build its writer.
type format struct {
	name string
	new  func(Meta) Writer
}

// registered lists the formats in the order Formats reports them: the
// human format first, then machine formats, then the browsable one, then
// Security Hub's.
var registered = []format{
	{"text", func(m Meta) Writer { return Text{Meta: m} }},
	{"json", func(m Meta) Writer { return JSON{Meta: m} }},
	{"sarif", func(m Meta) Writer { return SARIF{Meta: m} }},
	{"junit", func(m Meta) Writer { return JUnit{Meta: m} }},
	{"html", func(m Meta) Writer { return HTML{Meta: m} }},
	{"asff", func(m Meta) Writer { return ASFF{Meta: m} }},
}

// Formats lists the format names New accepts.
func Formats() []string {
	names := make([]string, 0, len(registered))
	for _, f := range registered {
		names = append(names, f.name)
	}
	return names
}

// New returns the writer for a format name (see Formats), ignoring case and
// surrounding space.
func New(name string, m Meta) (Writer, error) {
	want := strings.ToLower(strings.TrimSpace(name))
	for _, f := range registered {
		if f.name == want {
			return f.new(m), nil
		}
	}
	return nil, fmt.Errorf("unknown report format %q: valid formats are %s", name, strings.Join(Formats(), ", "))
}

// extensions maps a file name's ending to a format. ".sarif.json" comes
// before ".json" so that the longer ending wins.
var extensions = []struct{ ext, format string }{
	{".sarif.json", "sarif"},
	{".asff.json", "asff"},
	{".sarif", "sarif"},
	{".asff", "asff"},
	{".json", "json"},
	{".txt", "text"},
	{".text", "text"},
	{".xml", "junit"},
	{".html", "html"},
	{".htm", "html"},
}

// FormatForPath picks a format from a file name's extension, ignoring case:
// .txt/.text text, .json json, .sarif and .sarif.json sarif, .xml junit,
// .html/.htm html, .asff and .asff.json asff. ok is false for any other
// name.
func FormatForPath(path string) (name string, ok bool) {
	base := strings.ToLower(filepath.Base(path))
	for _, e := range extensions {
		if strings.HasSuffix(base, e.ext) && len(base) > len(e.ext) {
			return e.format, true
		}
	}
	return "", false
}

// sorted returns a sorted copy of findings.
func sorted(fs []audit.Finding) []audit.Finding {
	out := slices.Clone(fs)
	audit.SortFindings(out)
	return out
}

// counts tallies findings by severity.
func counts(fs []audit.Finding) map[audit.Severity]int {
	n := map[audit.Severity]int{}
	for _, f := range fs {
		n[f.Severity]++
	}
	return n
}
