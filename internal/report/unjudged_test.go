package report

import (
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"
)

// A check that could not be judged on this estate at all is not evaluated
// in every format, with its reason, apart from what could not be read; and
// the audit stays complete.
func TestUnjudgedInEveryFormat(t *testing.T) {
	r := unjudgedResult()
	budgetWhy := r.Unjudged[chkBudget.ID]

	text := string(render(t, Text{Meta: meta}, r))
	for _, want := range []string{"\nNot evaluated: cannot be judged on this estate\n", "  GW-BILL-001  " + budgetWhy + "\n",
		"7 checks run: 5 evaluated, 2 not evaluated"} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "INCOMPLETE") || strings.Contains(text, "\nNot evaluated\n") {
		t.Errorf("text reports checks that could not be judged as parts not read:\n%s", text)
	}

	var doc struct {
		Completeness struct {
			Complete     bool
			Evaluated    int
			NotEvaluated int `json:"not_evaluated"`
			Unjudged     int
		}
		Checks []struct {
			ID, Status, Unjudged string
			NotEvaluated         []any `json:"not_evaluated"`
		}
	}
	if err := json.Unmarshal(render(t, JSON{Meta: meta}, r), &doc); err != nil {
		t.Fatal(err)
	}
	if c := doc.Completeness; !c.Complete || c.Evaluated != 5 || c.NotEvaluated != 2 || c.Unjudged != 2 {
		t.Errorf("JSON completeness = %+v", c)
	}
	for _, c := range doc.Checks {
		switch c.ID {
		case chkBudget.ID:
			if c.Status != "not_evaluated" || c.Unjudged != budgetWhy || len(c.NotEvaluated) != 0 {
				t.Errorf("JSON %s = %+v", c.ID, c)
			}
		case chkUnderRoot.ID:
			if c.Status != "failed" || c.Unjudged != "" {
				t.Errorf("JSON %s = %+v", c.ID, c)
			}
		}
	}

	var sarif struct {
		Runs []struct {
			Invocations []struct {
				ExecutionSuccessful            bool `json:"executionSuccessful"`
				ToolExecutionNotifications     []any
				ToolConfigurationNotifications []struct {
					Level          string
					Message        struct{ Text string }
					AssociatedRule struct {
						ID    string
						Index int
					}
					Properties struct{ Status, Reason string }
				} `json:"toolConfigurationNotifications"`
			}
			Tool struct {
				Driver struct{ Rules []struct{ ID string } }
			}
		}
	}
	if err := json.Unmarshal(render(t, SARIF{Meta: meta}, r), &sarif); err != nil {
		t.Fatal(err)
	}
	inv := sarif.Runs[0].Invocations[0]
	if !inv.ExecutionSuccessful || len(inv.ToolExecutionNotifications) != 0 || len(inv.ToolConfigurationNotifications) != 2 {
		t.Fatalf("SARIF invocation = %+v", inv)
	}
	n := inv.ToolConfigurationNotifications[0]
	rules := sarif.Runs[0].Tool.Driver.Rules
	if n.AssociatedRule.ID != chkBudget.ID || rules[n.AssociatedRule.Index].ID != chkBudget.ID || n.Level != "note" ||
		n.Properties.Reason != budgetWhy || n.Properties.Status != "not_evaluated" || !strings.Contains(n.Message.Text, "not evaluated: "+budgetWhy) {
		t.Errorf("SARIF notification = %+v", n)
	}

	var junit junitSuites
	if err := xml.Unmarshal(render(t, JUnit{Meta: meta}, r), &junit); err != nil {
		t.Fatal(err)
	}
	for _, s := range junit.Suites {
		if s.Name != chkBudget.ID {
			continue
		}
		if len(s.Cases) != 1 || s.Skipped != 1 || s.Cases[0].Skipped == nil || s.Cases[0].Skipped.Message != "not evaluated: "+budgetWhy ||
			!strings.Contains(s.Cases[0].Name, "cannot be judged") {
			t.Errorf("JUnit %s = %+v", s.Name, s)
		}
	}
}
