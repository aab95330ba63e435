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

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// sarifSDK is where scripts/tools.sh installs the SARIF SDK's npm package,
// which ships the official 2.1.0 schema and the Sarif.Multitool validator.
const sarifSDK = ".tools/node_modules/@microsoft/sarif-multitool-linux"

// sarifOutputs renders every fixture as SARIF into a temporary directory.
func sarifOutputs(t *testing.T) map[string]string {
	t.Helper()
	dir := t.TempDir()
	out := map[string]string{}
	for name, r := range results {
		path := filepath.Join(dir, name+".sarif")
		if err := os.WriteFile(path, render(t, SARIF{Meta: meta}, r), 0o644); err != nil {
			t.Fatal(err)
		}
		out[name] = path
	}
	return out
}

func TestSARIFMatchesSchema(t *testing.T) {
	schemaPath := requireTool(t, filepath.Join(repoRoot(t), sarifSDK, "sarif-2.1.0.json"), "the SARIF 2.1.0 schema")
	c := jsonschema.NewCompiler()
	schema, err := c.Compile(schemaPath)
	if err != nil {
		t.Fatalf("compile %s: %v", schemaPath, err)
	}
	for name, path := range sarifOutputs(t) {
		t.Run(name, func(t *testing.T) {
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			doc, err := jsonschema.UnmarshalJSON(f)
			if err != nil {
				t.Fatal(err)
			}
			if err := schema.Validate(doc); err != nil {
				t.Errorf("SARIF for %s breaks the 2.1.0 schema:\n%v", name, err)
			}
		})
	}

	// The schema must reject what GitHub would: a result without a message.
	var broken map[string]any
	if err := json.Unmarshal(render(t, SARIF{Meta: meta}, results["one"]), &broken); err != nil {
		t.Fatal(err)
	}
	delete(broken["runs"].([]any)[0].(map[string]any)["results"].([]any)[0].(map[string]any), "message")
	if err := schema.Validate(broken); err == nil {
		t.Error("schema accepts a result without a message; is it the SARIF schema?")
	}
}

// TestSARIFMultitool runs Microsoft's SARIF validator with its SARIF rules
// and the rules GitHub code scanning applies on upload (rule kinds Sarif and
// Gh), and fails on any error it reports. Warnings are logged: one is that
// a version like "v1.2.3" does not start with a digit.
func TestSARIFMultitool(t *testing.T) {
	root := repoRoot(t)
	tool := requireTool(t, filepath.Join(root, sarifSDK, "Sarif.Multitool"), "Sarif.Multitool")
	for name, path := range sarifOutputs(t) {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
			defer cancel()
			log := filepath.Join(t.TempDir(), "validation.sarif")
			cmd := exec.CommandContext(ctx, tool, "validate", "--rule-kind", "Sarif;Gh",
				"--json-schema", filepath.Join(root, sarifSDK, "sarif-2.1.0.json"), "--output", log, path)
			// The tool is a .NET program; without ICU it needs invariant
			// globalization to start.
			cmd.Env = append(os.Environ(), "DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1")
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			if err := cmd.Run(); err != nil {
				t.Fatalf("Sarif.Multitool validate: %v\n%s", err, out.String())
			}
			raw, err := os.ReadFile(log)
			if err != nil {
				t.Fatalf("read validation log: %v\n%s", err, out.String())
			}
			var report struct {
				Runs []struct {
					Results []struct {
						RuleID string `json:"ruleId"`
						Level  string `json:"level"`
						// The validator's messages are templates: an id and
						// its arguments, the first of which is the JSON path.
						Message struct {
							ID        string   `json:"id"`
							Arguments []string `json:"arguments"`
						} `json:"message"`
					} `json:"results"`
				} `json:"runs"`
			}
			if err := json.Unmarshal(raw, &report); err != nil || len(report.Runs) == 0 {
				t.Fatalf("validation log: %v\n%s", err, raw)
			}
			for _, r := range report.Runs[0].Results {
				// SARIF's default level is "warning".
				if r.Level == "error" {
					t.Errorf("%s %s: %v", r.RuleID, r.Message.ID, r.Message.Arguments)
				} else {
					t.Logf("%s (%s) %s: %v", r.RuleID, cmpLevel(r.Level), r.Message.ID, r.Message.Arguments)
				}
			}
			if !strings.Contains(out.String(), "1 files scanned") {
				t.Errorf("validator scanned nothing:\n%s", out.String())
			}
		})
	}
}

func cmpLevel(l string) string {
	if l == "" {
		return "warning"
	}
	return l
}
