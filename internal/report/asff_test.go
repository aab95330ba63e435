package report

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// venvPython is the Python of the project's venv (scripts/venv.sh), whose
// botocore carries Security Hub's API model.
const venvPython = ".venv/bin/python"

// validateASFF runs testdata/validate_asff.py on path: the BatchImportFindings
// input shape of botocore's securityhub model, and the ASFF reference's
// rules the model does not carry.
func validateASFF(t *testing.T, path string) (string, error) {
	t.Helper()
	root := repoRoot(t)
	python := requireTool(t, filepath.Join(root, venvPython), "the venv's Python with botocore (make venv)")
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	var out bytes.Buffer
	cmd := exec.CommandContext(ctx, python, filepath.Join("testdata", "validate_asff.py"), path)
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

func TestASFFMatchesSecurityHubModel(t *testing.T) {
	dir := t.TempDir()
	for name, r := range results {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, name+".asff.json")
			if err := os.WriteFile(path, render(t, ASFF{Meta: asffMeta()}, r), 0o644); err != nil {
				t.Fatal(err)
			}
			if out, err := validateASFF(t, path); err != nil {
				t.Errorf("ASFF for %s breaks Security Hub's model: %v\n%s", name, err, out)
			}
		})
	}

	// The validator must refuse what Security Hub would: a finding without
	// a title, with a severity label it does not know, or with a time that
	// is no ISO 8601 time.
	var doc map[string][]map[string]any
	if err := json.Unmarshal(render(t, ASFF{Meta: asffMeta()}, results["one"]), &doc); err != nil {
		t.Fatal(err)
	}
	f := doc["Findings"][0]
	delete(f, "Title")
	f["Severity"] = map[string]any{"Label": "SEVERE"}
	f["CreatedAt"] = "yesterday"
	raw, _ := json.Marshal(doc)
	path := filepath.Join(dir, "broken.asff.json")
	if err := os.WriteFile(path, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := validateASFF(t, path)
	if err == nil {
		t.Fatalf("the validator accepts a broken finding:\n%s", out)
	}
	for _, want := range []string{"Title", "SEVERE", "yesterday"} {
		if !strings.Contains(out, want) {
			t.Errorf("the validator does not name %q:\n%s", want, out)
		}
	}
}

// asffMeta is the golden run, told which account manages the
// organization and its home Region.
func asffMeta() Meta {
	m := meta
	m.ManagementAccount, m.HomeRegion = "123456789012", "us-east-1"
	return m
}

// Every finding is FAILED, a suppressed one SUPPRESSED with its reason;
// each check not evaluated is NOT_AVAILABLE with why, a part not read
// apart from a check that cannot be judged; the organization's findings
// go to the management account in the home Region.
func TestASFFFindings(t *testing.T) {
	type finding struct {
		ID, AwsAccountID, ProductArn, Region, Title, Description string
		GeneratorID                                              string `json:"GeneratorId"`
		Severity                                                 struct{ Label string }
		Compliance                                               struct {
			Status        string
			StatusReasons []struct{ ReasonCode, Description string }
		}
		Workflow  struct{ Status string }
		Note      *struct{ Text string }
		Resources []struct{ Type, ID string }
	}
	decode := func(out []byte) []finding {
		t.Helper()
		var doc struct{ Findings []finding }
		if err := json.Unmarshal(out, &doc); err != nil {
			t.Fatal(err)
		}
		return doc.Findings
	}
	m := asffMeta()
	fs := decode(render(t, ASFF{Meta: m}, results["findings"]))
	if len(fs) != 9 {
		t.Fatalf("%d findings for 7 findings and 2 suppressed", len(fs))
	}
	byDesc := map[string]finding{}
	for _, f := range fs {
		byDesc[f.Description] = f
	}
	trail := byDesc[`trail/org-trail: trail "org-trail" logs only eu-west-1 & <nothing else>`]
	if trail.AwsAccountID != "111111111111" || trail.Region != "eu-west-1" || trail.Compliance.Status != "FAILED" ||
		trail.ProductArn != "arn:aws:securityhub:eu-west-1:111111111111:product/111111111111/default" || trail.Severity.Label != "HIGH" ||
		trail.Workflow.Status != "NEW" || trail.Resources[0].Type != "AwsCloudTrailTrail" || trail.GeneratorID != "groundwork/GW-LOG-001" {
		t.Errorf("trail finding = %+v", trail)
	}
	budget := byDesc["organization/o-abc123: no budget is set"]
	if budget.AwsAccountID != "123456789012" || budget.Region != "us-east-1" || budget.Severity.Label != "INFORMATIONAL" {
		t.Errorf("organization's finding = %+v", budget)
	}
	legacy := byDesc["account/999999999999 (legacy): root user has no MFA device"]
	if legacy.Workflow.Status != "SUPPRESSED" || legacy.Note == nil || !strings.Contains(legacy.Note.Text, "account closes in April") ||
		legacy.Resources[0].ID != "AWS::::Account:999999999999" || legacy.Resources[0].Type != "AwsAccount" {
		t.Errorf("suppressed finding = %+v", legacy)
	}
	if again := decode(render(t, ASFF{Meta: m}, results["findings"])); again[0].ID != fs[0].ID || !strings.HasPrefix(fs[0].ID, "groundwork/GW-IAM-001/") {
		t.Errorf("ids %q, %q: not stable", fs[0].ID, again[0].ID)
	}

	reasons := map[string]string{}
	for _, name := range []string{"incomplete", "unjudged"} {
		for _, f := range decode(render(t, ASFF{Meta: m}, results[name])) {
			if f.Compliance.Status != "NOT_AVAILABLE" {
				continue
			}
			for _, s := range f.Compliance.StatusReasons {
				reasons[f.GeneratorID] += s.ReasonCode + ": " + s.Description
			}
			if f.AwsAccountID != "123456789012" || !strings.Contains(f.Description, "not evaluated") {
				t.Errorf("not evaluated finding = %+v", f)
			}
		}
	}
	want := map[string]string{
		"groundwork/GW-IAM-001":  "NOT_READ: hardening (every account) could not be read: AccessDenied on STS AssumeRole",
		"groundwork/GW-BILL-001": "CANNOT_JUDGE: " + unjudgedResult().Unjudged[chkBudget.ID],
		"groundwork/GW-ORG-007":  "CANNOT_JUDGE: " + unjudgedResult().Unjudged[chkEnvironment.ID],
	}
	if len(reasons) != len(want) {
		t.Errorf("not evaluated: %v, want %v", reasons, want)
	}
	for id, w := range want {
		if !strings.HasPrefix(reasons[id], w) {
			t.Errorf("%s not evaluated for %q, want %q", id, reasons[id], w)
		}
	}
}
