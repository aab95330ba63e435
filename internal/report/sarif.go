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
// (suppressed findings included, marked with their suppression). A result
// about something the spec declares (Meta.Locate: an account, an OU, a
// policy, a section) points at the line of foundation.yaml that declares
// it; every result names where it is in AWS as logical locations: the
// resource, the account (ID, and name when known) and the Region. The
// run's one invocation says whether the audit read everything: an
// incomplete one is not executionSuccessful, and each part not read is a
// tool execution notification with its cause and the checks it kept from
// being evaluated; each check that could not be judged on this estate at
// all is a tool configuration notification with the reason.
// docs/report-formats.md describes the mapping.
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
	// srcRoot is the base a repository-relative artifact URI is relative
	// to, as GitHub code scanning and CodeQL name it.
	srcRoot = "%SRCROOT%"
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
	Tool               sarifTool                    `json:"tool"`
	OriginalURIBaseIDs map[string]sarifArtifactBase `json:"originalUriBaseIds,omitempty"`
	Invocations        []sarifInvocation            `json:"invocations"`
	Results            []sarifResult                `json:"results"`
}

// sarifArtifactBase is where a uriBaseId points: the repository's root.
type sarifArtifactBase struct {
	URI string `json:"uri"`
}

type sarifInvocation struct {
	ExecutionSuccessful            bool                `json:"executionSuccessful"`
	ToolExecutionNotifications     []sarifNotification `json:"toolExecutionNotifications,omitempty"`
	ToolConfigurationNotifications []sarifUnjudged     `json:"toolConfigurationNotifications,omitempty"`
}

// sarifNotification is a part of the estate the audit could not read.
type sarifNotification struct {
	Level      string                 `json:"level"`
	Message    sarifText              `json:"message"`
	Properties sarifNotificationProps `json:"properties"`
}

// sarifUnjudged is a check that could not be judged on this estate at
// all: not evaluated, for a reason that is no failure to read.
type sarifUnjudged struct {
	Level          string            `json:"level"`
	Message        sarifText         `json:"message"`
	AssociatedRule sarifRuleRef      `json:"associatedRule"`
	Properties     sarifUnjudgedProp `json:"properties"`
}

type sarifRuleRef struct {
	ID    string `json:"id"`
	Index int    `json:"index"`
}

type sarifUnjudgedProp struct {
	Status string `json:"status"`
	Reason string `json:"reason"`
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
	PhysicalLocation *sarifPhysical `json:"physicalLocation,omitempty"`
	LogicalLocations []sarifLogical `json:"logicalLocations"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           sarifRegion   `json:"region"`
}

type sarifArtifact struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
}

// sarifLogical is where a finding is in AWS: the resource, the account
// or the Region. Accounts and Regions are kind "namespace": they hold
// resources as a namespace holds names.
type sarifLogical struct {
	Name               string `json:"name"`
	FullyQualifiedName string `json:"fullyQualifiedName"`
	DecoratedName      string `json:"decoratedName,omitempty"`
	Kind               string `json:"kind"`
}

type sarifSuppression struct {
	Kind          string `json:"kind"`
	Status        string `json:"status"`
	Justification string `json:"justification,omitempty"`
}

// sarifResultProps carries where a finding is, for viewers that show a
// result's property bag: the account and Region, and the field path of
// the spec the result points at.
type sarifResultProps struct {
	Account     string `json:"account,omitempty"`
	AccountName string `json:"accountName,omitempty"`
	Region      string `json:"region,omitempty"`
	SpecPath    string `json:"specPath,omitempty"`
}

// Write implements Writer.
func (s SARIF) Write(w io.Writer, r audit.Result) error {
	checks := checksOf(r)
	index := make(map[string]int, len(checks))
	byID := make(map[string]audit.Check, len(checks))
	rules := make([]sarifRule, 0, len(checks))
	for i, c := range checks {
		index[c.ID], byID[c.ID] = i, c
		rules = append(rules, sarifRuleFor(c))
	}
	artifact := s.artifact()
	result := func(f audit.Finding) sarifResult {
		res := sarifResultFor(f, index[f.CheckID], s.Meta.AccountNames)
		if s.Meta.Locate == nil {
			return res
		}
		if loc, ok := s.Meta.Locate(f, byID[f.CheckID]); ok && loc.Line > 0 {
			res.Locations[0].PhysicalLocation = &sarifPhysical{
				ArtifactLocation: artifact, Region: sarifRegion{StartLine: loc.Line, StartColumn: loc.Column},
			}
			if res.Properties == nil {
				res.Properties = &sarifResultProps{}
			}
			res.Properties.SpecPath = loc.Path
		}
		return res
	}
	results := []sarifResult{}
	for _, f := range sorted(r.Findings) {
		results = append(results, result(f))
	}
	for _, f := range sorted(r.Suppressed) {
		res := result(f)
		sup := sarifSuppression{Kind: "external", Status: "accepted"}
		if f.Suppression != nil {
			sup.Justification = f.Suppression.Reason
		}
		res.Suppressions = []sarifSuppression{sup}
		results = append(results, res)
	}
	inv := sarifInvocationOf(r)
	for _, id := range unjudged(r) {
		inv.ToolConfigurationNotifications = append(inv.ToolConfigurationNotifications, sarifUnjudged{
			Level:          "note",
			Message:        sarifText{Text: id + " not evaluated: " + r.Unjudged[id]},
			AssociatedRule: sarifRuleRef{ID: id, Index: index[id]},
			Properties:     sarifUnjudgedProp{Status: string(audit.StatusNotEvaluated), Reason: r.Unjudged[id]},
		})
	}
	run := sarifRun{
		Tool: sarifTool{Driver: sarifDriver{
			Name: "groundwork", Version: s.Meta.Version, InformationURI: informationURI, Rules: rules,
		}},
		Invocations: []sarifInvocation{inv},
		Results:     results,
	}
	if artifact.URIBaseID != "" {
		run.OriginalURIBaseIDs = map[string]sarifArtifactBase{srcRoot: {URI: dirURI(s.Meta.SpecRoot)}}
	}
	doc := sarifLog{Schema: sarifSchema, Version: sarifVersion, Runs: []sarifRun{run}}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(doc)
}

// artifact is the spec as results point at it: relative to the root of
// its repository when it is in one (Meta.SpecRoot; a relative Meta.Spec
// is taken from the working directory), else as given.
func (s SARIF) artifact() sarifArtifact {
	if s.Meta.SpecRoot != "" && s.Meta.Spec != "" {
		spec, err := filepath.Abs(s.Meta.Spec)
		if err != nil {
			return sarifArtifact{URI: artifactURI(s.Meta.Spec)}
		}
		if rel, err := filepath.Rel(s.Meta.SpecRoot, spec); err == nil && filepath.IsLocal(rel) {
			return sarifArtifact{URI: (&url.URL{Path: filepath.ToSlash(rel)}).String(), URIBaseID: srcRoot}
		}
	}
	return sarifArtifact{URI: artifactURI(s.Meta.Spec)}
}

// dirURI is the file: URI of a directory, ending in a slash as SARIF
// requires of a base URI.
func dirURI(dir string) string {
	p := filepath.ToSlash(filepath.Clean(dir))
	if !strings.HasPrefix(p, "/") { // a Windows drive path: C:/x
		p = "/" + p
	}
	if !strings.HasSuffix(p, "/") {
		p += "/"
	}
	return (&url.URL{Scheme: "file", Path: p}).String()
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

func sarifResultFor(f audit.Finding, ruleIndex int, names map[string]string) sarifResult {
	res := sarifResult{
		RuleID:              f.CheckID,
		RuleIndex:           ruleIndex,
		Level:               sarifLevel(f.Severity),
		Message:             sarifText{Text: f.Resource + ": " + f.Message},
		Locations:           []sarifLocation{{LogicalLocations: sarifLogicalOf(f, names)}},
		PartialFingerprints: map[string]string{fingerprintKey: fingerprint(f)},
	}
	if f.Account != "" || f.Region != "" {
		res.Properties = &sarifResultProps{Account: f.Account, AccountName: names[f.Account], Region: f.Region}
	}
	return res
}

// sarifLogicalOf names where a finding is in AWS, innermost first: the
// resource, qualified by account and Region, then the Region, then the
// account with its name.
func sarifLogicalOf(f audit.Finding, names map[string]string) []sarifLogical {
	var scope []string
	// A resource that names its account ("account/111111111111 (name)")
	// needs no account before it.
	if f.Account != "" && !strings.Contains(f.Resource, f.Account) {
		scope = append(scope, f.Account)
	}
	if f.Region != "" {
		scope = append(scope, f.Region)
	}
	out := []sarifLogical{{Name: f.Resource, FullyQualifiedName: strings.Join(append(slices.Clone(scope), f.Resource), "/"), Kind: "resource"}}
	if f.Region != "" {
		out = append(out, sarifLogical{Name: f.Region, FullyQualifiedName: strings.Join(scope, "/"), Kind: "namespace"})
	}
	if f.Account != "" {
		acct := sarifLogical{Name: f.Account, FullyQualifiedName: f.Account, Kind: "namespace"}
		if names[f.Account] != "" {
			acct.DecoratedName = accountLabel(names, f.Account)
		}
		out = append(out, acct)
	}
	return out
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
