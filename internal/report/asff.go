package report

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/groundwork-aws/groundwork/internal/audit"
)

// ASFF renders the result in the AWS Security Finding Format, as the input
// of Security Hub's BatchImportFindings: {"Findings": [...]}, which
// `aws securityhub batch-import-findings --cli-input-json file://...`
// sends as it is (at most 100 findings a call). Each finding is one
// finding of the audit (Compliance.Status FAILED; a suppressed one with
// Workflow.Status SUPPRESSED and the reason as a note), and each check not
// evaluated is one NOT_AVAILABLE finding on the organization that gives
// the reason: a part that could not be read (StatusReasons code
// NOT_READ), or no way to judge it on this estate (CANNOT_JUDGE). Checks
// that passed have none.
//
// A finding belongs to the account it is in (AwsAccountId, with that
// account's default product in ProductArn, which Security Hub requires of
// an account importing its own findings); one on the organization as a
// whole belongs to the management account (Meta.ManagementAccount), in the
// home Region (Meta.HomeRegion) when it has none. Ids are stable across
// runs, as SARIF's fingerprints are, so that a second import updates the
// finding instead of adding another.
type ASFF struct{ Meta Meta }

var _ Writer = ASFF{}

const (
	asffSchemaVersion = "2018-10-08"
	// asffUnknownAccount stands in for the management account's ID when
	// the report is not told it.
	asffUnknownAccount = "000000000000"
	// asffDefaultRegion stands in for the home Region when the report is
	// not told it: the Region of the organization's global services.
	asffDefaultRegion = "us-east-1"
	// The lengths ASFF allows, in characters.
	asffMaxTitle       = 256
	asffMaxDescription = 1024
	asffMaxRemediation = 512
	asffMaxRequirement = 32 // RelatedRequirements entries
	asffMaxFieldValue  = 2048
)

// asffSeverity is the ASFF severity label of each severity.
var asffSeverity = map[audit.Severity]string{
	audit.Critical: "CRITICAL", audit.High: "HIGH", audit.Medium: "MEDIUM", audit.Low: "LOW", audit.Info: "INFORMATIONAL",
}

// asffResourceType maps the kind a resource name starts with to the
// Security Hub resource type; any other kind is "Other".
var asffResourceType = map[string]string{
	"account":        "AwsAccount",
	"bucket":         "AwsS3Bucket",
	"trail":          "AwsCloudTrailTrail",
	"key":            "AwsKmsKey",
	"topic":          "AwsSnsTopic",
	"vpc":            "AwsEc2Vpc",
	"security-group": "AwsEc2SecurityGroup",
	"sg":             "AwsEc2SecurityGroup",
	"nacl":           "AwsEc2NetworkAcl",
	"user":           "AwsIamUser",
	"role":           "AwsIamRole",
	"log-group":      "AwsLogsLogGroup",
}

type asffDoc struct {
	Findings []asffFinding `json:"Findings"`
}

type asffFinding struct {
	SchemaVersion string            `json:"SchemaVersion"`
	ID            string            `json:"Id"`
	ProductArn    string            `json:"ProductArn"`
	ProductName   string            `json:"ProductName"`
	CompanyName   string            `json:"CompanyName"`
	GeneratorID   string            `json:"GeneratorId"`
	AwsAccountID  string            `json:"AwsAccountId"`
	Region        string            `json:"Region"`
	Types         []string          `json:"Types"`
	CreatedAt     string            `json:"CreatedAt"`
	UpdatedAt     string            `json:"UpdatedAt"`
	Severity      asffSeverityOf    `json:"Severity"`
	Title         string            `json:"Title"`
	Description   string            `json:"Description"`
	Remediation   *asffRemediation  `json:"Remediation,omitempty"`
	ProductFields map[string]string `json:"ProductFields"`
	Resources     []asffResource    `json:"Resources"`
	Compliance    asffCompliance    `json:"Compliance"`
	Workflow      asffWorkflow      `json:"Workflow"`
	RecordState   string            `json:"RecordState"`
	Note          *asffNote         `json:"Note,omitempty"`
}

type asffSeverityOf struct {
	Label    string `json:"Label"`
	Original string `json:"Original"`
}

type asffRemediation struct {
	Recommendation asffRecommendation `json:"Recommendation"`
}

type asffRecommendation struct {
	Text string `json:"Text"`
}

type asffResource struct {
	Type      string `json:"Type"`
	ID        string `json:"Id"`
	Partition string `json:"Partition"`
	Region    string `json:"Region"`
}

type asffCompliance struct {
	Status              string             `json:"Status"`
	RelatedRequirements []string           `json:"RelatedRequirements,omitempty"`
	StatusReasons       []asffStatusReason `json:"StatusReasons,omitempty"`
}

type asffStatusReason struct {
	ReasonCode  string `json:"ReasonCode"`
	Description string `json:"Description"`
}

type asffWorkflow struct {
	Status string `json:"Status"`
}

type asffNote struct {
	Text      string `json:"Text"`
	UpdatedBy string `json:"UpdatedBy"`
	UpdatedAt string `json:"UpdatedAt"`
}

// Write implements Writer.
func (a ASFF) Write(w io.Writer, r audit.Result) error {
	doc := asffDoc{Findings: []asffFinding{}}
	for _, f := range sorted(r.Findings) {
		doc.Findings = append(doc.Findings, a.finding(f))
	}
	for _, f := range sorted(r.Suppressed) {
		af := a.finding(f)
		af.Workflow.Status = "SUPPRESSED"
		reason := "suppressed"
		if f.Suppression != nil {
			reason = suppressionText(f.Suppression)
		}
		af.Note = &asffNote{Text: clip(reason, asffMaxRemediation), UpdatedBy: "groundwork", UpdatedAt: a.stamp()}
		doc.Findings = append(doc.Findings, af)
	}
	for _, c := range checksOf(r) {
		if r.Status(c.ID) != audit.StatusNotEvaluated {
			continue
		}
		doc.Findings = append(doc.Findings, a.notEvaluated(c, r))
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(doc)
}

// finding is one finding of the audit in ASFF.
func (a ASFF) finding(f audit.Finding) asffFinding {
	account := cmp.Or(f.Account, a.management())
	region := cmp.Or(f.Region, a.home())
	kind, _, _ := strings.Cut(f.Resource, "/")
	res := asffResource{Type: cmp.Or(asffResourceType[kind], "Other"), ID: f.Resource, Partition: "aws", Region: region}
	if kind == "account" && f.Account != "" {
		res.ID = "AWS::::Account:" + f.Account // as Security Hub's own findings name an account
	}
	fields := map[string]string{
		"groundwork/CheckId":  f.CheckID,
		"groundwork/Resource": clip(f.Resource, asffMaxFieldValue),
	}
	if name := a.Meta.AccountNames[f.Account]; name != "" {
		fields["groundwork/AccountName"] = name
	}
	if g := guidanceText(f.Guidance); g != "" {
		fields["groundwork/Guidance"] = clip(g, asffMaxFieldValue)
	}
	af := a.base(f.CheckID, f.Title, f.Severity, f.Controls, account, region)
	af.ID = "groundwork/" + f.CheckID + "/" + fingerprint(f)
	af.Description = clip(f.Resource+": "+f.Message, asffMaxDescription)
	af.ProductFields = fields
	af.Resources = []asffResource{res}
	af.Compliance.Status = "FAILED"
	if f.Remediation != "" {
		af.Remediation = &asffRemediation{Recommendation: asffRecommendation{Text: clip(f.Remediation, asffMaxRemediation)}}
	}
	return af
}

// notEvaluated is a check that was not evaluated, as a NOT_AVAILABLE
// finding on the organization, with why: each part not read that it
// reads, or that it cannot be judged on this estate.
func (a ASFF) notEvaluated(c audit.Check, r audit.Result) asffFinding {
	account, region := a.management(), a.home()
	af := a.base(c.ID, cmp.Or(c.Title, c.ID), audit.Info, c.Controls, account, region)
	af.ID = "groundwork/" + c.ID + "/not-evaluated/" + account
	af.Compliance.Status = "NOT_AVAILABLE"
	var why []string
	if reason := r.Unjudged[c.ID]; reason != "" {
		why = append(why, "cannot be judged on this estate: "+reason)
		af.Compliance.StatusReasons = append(af.Compliance.StatusReasons, asffStatusReason{ReasonCode: "CANNOT_JUDGE", Description: clip(reason, asffMaxDescription)})
	}
	for _, u := range r.NotEvaluated[c.ID] {
		text := u.Read + " (" + u.Place() + ") could not be read: " + u.Cause()
		why = append(why, text)
		af.Compliance.StatusReasons = append(af.Compliance.StatusReasons, asffStatusReason{ReasonCode: "NOT_READ", Description: clip(text, asffMaxDescription)})
	}
	af.Description = clip(c.ID+" not evaluated: "+strings.Join(why, "; "), asffMaxDescription)
	af.ProductFields = map[string]string{"groundwork/CheckId": c.ID, "groundwork/Status": string(audit.StatusNotEvaluated)}
	af.Resources = []asffResource{{Type: "AwsAccount", ID: "AWS::::Account:" + account, Partition: "aws", Region: region}}
	return af
}

// base fills what every finding of a check has.
func (a ASFF) base(checkID, title string, sev audit.Severity, controls []string, account, region string) asffFinding {
	stamp := a.stamp()
	af := asffFinding{
		SchemaVersion: asffSchemaVersion,
		ProductArn:    fmt.Sprintf("arn:aws:securityhub:%s:%s:product/%s/default", region, account, account),
		ProductName:   "groundwork",
		CompanyName:   "groundwork",
		GeneratorID:   "groundwork/" + checkID,
		AwsAccountID:  account,
		Region:        region,
		Types:         asffTypes(controls),
		CreatedAt:     stamp,
		UpdatedAt:     stamp,
		Severity:      asffSeverityOf{Label: asffSeverity[sev], Original: sev.String()},
		Title:         clip(title, asffMaxTitle),
		Workflow:      asffWorkflow{Status: "NEW"},
		RecordState:   "ACTIVE",
	}
	if len(controls) > 0 {
		af.Compliance.RelatedRequirements = slices.Clone(controls[:min(len(controls), asffMaxRequirement)])
	}
	return af
}

// asffTypes classifies a check's findings in ASFF's type taxonomy: every
// one is a best-practice configuration check; a check mapped to CIS or
// NIST CSF controls is also one of that standard.
func asffTypes(controls []string) []string {
	types := []string{"Software and Configuration Checks/AWS Security Best Practices"}
	const std = "Software and Configuration Checks/Industry and Regulatory Standards/"
	if slices.ContainsFunc(controls, func(c string) bool { return strings.HasPrefix(c, "CIS AWS Foundations Benchmark") }) {
		types = append(types, std+"CIS AWS Foundations Benchmark")
	}
	if slices.ContainsFunc(controls, func(c string) bool { return strings.HasPrefix(c, "NIST CSF") }) {
		types = append(types, std+"NIST CSF Controls")
	}
	return types
}

func (a ASFF) management() string { return cmp.Or(a.Meta.ManagementAccount, asffUnknownAccount) }
func (a ASFF) home() string       { return cmp.Or(a.Meta.HomeRegion, asffDefaultRegion) }

// stamp is when the audit ran, as ASFF writes times; the Unix epoch when
// the report is not told.
func (a ASFF) stamp() string {
	t := a.Meta.Generated
	if t.IsZero() {
		t = time.Unix(0, 0)
	}
	return t.UTC().Format(time.RFC3339)
}

// guidanceText is a check's guidance references, "000 Create Security
// OU; 002 IAM-030".
func guidanceText(guidance string) string {
	var parts []string
	for _, g := range audit.ParseGuidance(guidance) {
		parts = append(parts, g.String())
	}
	return strings.Join(parts, "; ")
}

// clip shortens s to at most n characters, ending in "..." when cut.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-3]) + "..."
}
