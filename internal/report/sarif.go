package report

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"unicode"

	"github.com/groundwork-aws/groundwork/internal/audit"
)

// SARIF renders the result as a SARIF 2.1.0 log that GitHub code scanning
// accepts: one run, a rule per check that ran, a result per finding
// (suppressed findings included, marked with their suppression). Findings
// concern AWS resources, not lines of code, so every result points at line
// 1 of the spec (Meta.Spec, or foundation.yaml) and names the resource as a
// logical location. The run's one invocation says whether the audit read
// everything: an incomplete one is not executionSuccessful, and each part
// not read is a tool execution notification with its cause and the checks
// it kept from being evaluated. docs/report-formats.md describes the
// mapping.
type SARIF struct{ Meta Meta }

var _ Writer = SARIF{}

const (
	sarifSchema  = "https://json.schemastore.org/sarif-2.1.0.json"
	sarifVersion = "2.1.0"
	// informationURI is groundwork's home page, shown by SARIF viewers.
	informationURI = "https://github.com/groundwork-aws/groundwork"
	// fingerprintKey names the partial fingerprint GitHub uses to follow a
	// finding from one upload to the next; bump /v1 if its input changes.
	fingerprintKey = "groundworkFinding/v1"
	// defaultSpec is the artifact results point at when no spec was given.
	defaultSpec = "foundation.yaml"
)

// securitySeverity is GitHub's "security-severity" score per severity:
// GitHub shows > 9.0 as critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9
// low; 0.0 keeps info findings out of the security ranking.
var securitySeverity = map[audit.Severity]string{
	audit.Critical: "9.5",
	audit.High:     "8.0",
	audit.Medium:   "5.5",
	audit.Low:      "3.0",
	audit.Info:     "0.0",
}

// sarifLevel maps a severity to a SARIF level; GitHub fails a check run on
// "error" by default.
func sarifLevel(s audit.Severity) string {
	switch {
	case s >= audit.High:
		return "error"
	case s == audit.Medium:
		return "warning"
	default:
		return "note"
	}
}

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool        sarifTool         `json:"tool"`
	Invocations []sarifInvocation `json:"invocations"`
	Results     []sarifResult     `json:"results"`
}

type sarifInvocation struct {
	ExecutionSuccessful        bool                `json:"executionSuccessful"`
	ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications,omitempty"`
}

// sarifNotification is a part of the estate the audit could not read.
type sarifNotification struct {
	Level      string                 `json:"level"`
	Message    sarifText              `json:"message"`
	Properties sarifNotificationProps `json:"properties"`
}

type sarifNotificationProps struct {
	Read      string `json:"read"`
	Account   string `json:"account,omitempty"`
	Region    string `json:"region,omitempty"`
	Code      string `json:"code,omitempty"`
	Operation string `json:"operation,omitempty"`
	// NotEvaluated are the IDs of the checks it kept from being evaluated.
	NotEvaluated []string `json:"notEvaluated"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifHelp struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown"`
}

type sarifRule struct {
	ID                   string             `json:"id"`
	Name                 string             `json:"name"`
	ShortDescription     sarifText          `json:"shortDescription"`
	FullDescription      sarifText          `json:"fullDescription"`
	Help                 sarifHelp          `json:"help"`
	DefaultConfiguration sarifConfiguration `json:"defaultConfiguration"`
	Properties           sarifRuleProps     `json:"properties"`
}

type sarifConfiguration struct {
	Level string `json:"level"`
}

type sarifRuleProps struct {
	SecuritySeverity string   `json:"security-severity"`
	Tags             []string `json:"tags"`
	Precision        string   `json:"precision"`
}

type sarifResult struct {
	RuleID              string             `json:"ruleId"`
	RuleIndex           int                `json:"ruleIndex"`
	Level               string             `json:"level"`
	Message             sarifText          `json:"message"`
	Locations           []sarifLocation    `json:"locations"`
	PartialFingerprints map[string]string  `json:"partialFingerprints"`
	Suppressions        []sarifSuppression `json:"suppressions,omitempty"`
	Properties          *sarifResultProps  `json:"properties,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical  `json:"physicalLocation"`
	LogicalLocations []sarifLogical `json:"logicalLocations"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           sarifRegion   `json:"region"`
}

type sarifArtifact struct {
	URI string `json:"uri"`
}

type sarifRegion struct {
	StartLine int `json:"startLine"`
}

type sarifLogical struct {
	FullyQualifiedName string `json:"fullyQualifiedName"`
	Kind               string `json:"kind"`
}

type sarifSuppression struct {
	Kind          string `json:"kind"`
	Status        string `json:"status"`
	Justification string `json:"justification,omitempty"`
}

// sarifResultProps carries where a finding is, for viewers that show a
// result's property bag.
type sarifResultProps struct {
	Account string `json:"account,omitempty"`
	Region  string `json:"region,omitempty"`
}

// Write implements Writer.
func (s SARIF) Write(w io.Writer, r audit.Result) error {
	checks := checksOf(r)
	index := make(map[string]int, len(checks))
	rules := make([]sarifRule, 0, len(checks))
	for i, c := range checks {
		index[c.ID] = i
		rules = append(rules, sarifRuleFor(c))
	}
	uri := artifactURI(s.Meta.Spec)
	results := []sarifResult{}
	for _, f := range sorted(r.Findings) {
		results = append(results, sarifResultFor(f, index[f.CheckID], uri))
	}
	for _, f := range sorted(r.Suppressed) {
		res := sarifResultFor(f, index[f.CheckID], uri)
		sup := sarifSuppression{Kind: "external", Status: "accepted"}
		if f.Suppression != nil {
			sup.Justification = f.Suppression.Reason
		}
		res.Suppressions = []sarifSuppression{sup}
		results = append(results, res)
	}
	doc := sarifLog{
		Schema:  sarifSchema,
		Version: sarifVersion,
		Runs: []sarifRun{{
			Tool: sarifTool{Driver: sarifDriver{
				Name: "groundwork", Version: s.Meta.Version, InformationURI: informationURI, Rules: rules,
			}},
			Invocations: []sarifInvocation{sarifInvocationOf(r)},
			Results:     results,
		}},
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(doc)
}

// sarifInvocationOf says whether the audit read everything, and what it
// could not read.
func sarifInvocationOf(r audit.Result) sarifInvocation {
	inv := sarifInvocation{ExecutionSuccessful: r.Complete()}
	for _, u := range r.Unread {
		ids := []string{}
		for _, c := range r.Checks {
			if slices.Contains(r.NotEvaluated[c.ID], u) {
				ids = append(ids, c.ID)
			}
		}
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, sarifNotification{
			Level:   "error",
			Message: sarifText{Text: fmt.Sprintf("%s (%s) could not be read: %s; %d check(s) not evaluated there", u.Read, u.Place(), u.Cause(), len(ids))},
			Properties: sarifNotificationProps{Read: u.Read, Account: u.Account, Region: u.Region, Code: u.Code,
				Operation: u.Operation, NotEvaluated: ids},
		})
	}
	return inv
}

func sarifRuleFor(c audit.Check) sarifRule {
	title := cmp.Or(c.Title, c.ID)
	return sarifRule{
		ID:                   c.ID,
		Name:                 pascalCase(title),
		ShortDescription:     sarifText{Text: title},
		FullDescription:      sarifText{Text: cmp.Or(c.Rationale, title)},
		Help:                 sarifHelpFor(c),
		DefaultConfiguration: sarifConfiguration{Level: sarifLevel(c.Severity)},
		Properties: sarifRuleProps{
			SecuritySeverity: securitySeverity[c.Severity],
			Tags:             append([]string{"security"}, c.Controls...),
			Precision:        "very-high",
		},
	}
}

// sarifHelpFor writes a rule's help: how to fix a finding, where the
// recommendation comes from and which controls it maps to.
func sarifHelpFor(c audit.Check) sarifHelp {
	var text, md strings.Builder
	section := func(heading string, items []string) {
		if len(items) == 0 {
			return
		}
		if text.Len() > 0 {
			text.WriteString("\n\n")
			md.WriteString("\n\n")
		}
		text.WriteString(heading + ": " + strings.Join(items, "; "))
		md.WriteString("**" + heading + "**\n")
		for _, it := range items {
			md.WriteString("\n- " + it)
		}
	}
	if c.Remediation != "" {
		text.WriteString("Remediation: " + c.Remediation)
		md.WriteString("**Remediation:** " + c.Remediation)
	}
	var refs []string
	for _, g := range audit.ParseGuidance(c.Guidance) {
		refs = append(refs, g.String())
	}
	section("Guidance", refs)
	section("Controls", c.Controls)
	if text.Len() == 0 {
		text.WriteString(cmp.Or(c.Title, c.ID))
		md.WriteString(cmp.Or(c.Title, c.ID))
	}
	return sarifHelp{Text: text.String(), Markdown: md.String()}
}

func sarifResultFor(f audit.Finding, ruleIndex int, uri string) sarifResult {
	res := sarifResult{
		RuleID:    f.CheckID,
		RuleIndex: ruleIndex,
		Level:     sarifLevel(f.Severity),
		Message:   sarifText{Text: f.Resource + ": " + f.Message},
		Locations: []sarifLocation{{
			PhysicalLocation: sarifPhysical{ArtifactLocation: sarifArtifact{URI: uri}, Region: sarifRegion{StartLine: 1}},
			LogicalLocations: []sarifLogical{{FullyQualifiedName: f.Resource, Kind: "resource"}},
		}},
		PartialFingerprints: map[string]string{fingerprintKey: fingerprint(f)},
	}
	if f.Account != "" || f.Region != "" {
		res.Properties = &sarifResultProps{Account: f.Account, Region: f.Region}
	}
	return res
}

// fingerprint identifies a finding across runs by what it is about, not by
// its wording: the check and the resource.
func fingerprint(f audit.Finding) string {
	sum := sha256.Sum256([]byte(f.CheckID + "\x00" + f.Resource))
	return hex.EncodeToString(sum[:])
}

// artifactURI turns the spec path as given into a SARIF artifact URI: a
// relative URI reference for a relative path, which GitHub resolves against
// the repository root, or a file: URI for an absolute one.
func artifactURI(spec string) string {
	if spec == "" {
		return defaultSpec
	}
	abs := filepath.IsAbs(spec)
	p := path.Clean(filepath.ToSlash(spec))
	u := url.URL{Path: p}
	if abs {
		u.Scheme = "file"
		if !strings.HasPrefix(p, "/") { // a Windows drive path: C:/x
			u.Path = "/" + p
		}
	}
	return u.String()
}

// pascalCase turns a title into a rule name as SARIF recommends:
// "Log Archive account in the Security OU" → "LogArchiveAccountInTheSecurityOU".
func pascalCase(s string) string {
	var b strings.Builder
	upNext := true
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			upNext = true
			continue
		}
		if upNext {
			r = unicode.ToUpper(r)
			upNext = false
		}
		b.WriteRune(r)
	}
	return b.String()
}
