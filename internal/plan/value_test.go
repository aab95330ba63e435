package plan_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/plan"
)

type budget struct {
	Name    string            `json:"name"`
	Limit   int               `json:"limit"`
	Notify  []string          `json:"notify,omitempty"`
	Tags    map[string]string `json:"tags,omitempty"`
	Enabled bool              `json:"enabled"`
}

// A kind's typed value survives a saved plan whole: what Apply reads from
// plan.json is what Diff put in.
func TestValueRoundTripsThroughASavedPlan(t *testing.T) {
	want := budget{Name: "monthly", Limit: 1000, Notify: []string{"a@example.com"}, Tags: map[string]string{"Owner": "x"}, Enabled: true}
	p := &plan.Plan{FormatVersion: plan.FormatVersion, Fingerprint: "f", Changes: []plan.Change{
		plan.SetValue(plan.Change{Address: "budget/monthly", Kind: "budget", Action: plan.Create}, want),
	}}
	if got, err := plan.ValueOf[budget](p.Changes[0]); err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("in memory: %+v, %v", got, err)
	}
	b, err := p.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	back, err := plan.Unmarshal(b)
	if err != nil {
		t.Fatal(err)
	}
	got, err := plan.ValueOf[budget](back.Changes[0])
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("after a round trip: %+v, %v; want %+v", got, err, want)
	}
}

func TestValueOfRefusesWhatIsNotTheKindsValue(t *testing.T) {
	for name, tc := range map[string]struct {
		value any
		want  string
	}{
		"none":          {nil, "change budget/x carries no value"},
		"wrong type":    {map[string]any{"limit": "lots"}, "change budget/x: its value is not a plan_test.budget"},
		"unknown field": {map[string]any{"name": "x", "limits": 3}, "unknown field"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := plan.ValueOf[budget](plan.Change{Address: "budget/x", Value: tc.value})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}
