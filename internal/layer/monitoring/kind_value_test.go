package monitoring_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/kinds/kindstest"
	"github.com/groundwork-aws/groundwork/internal/layer/monitoring"
	"github.com/groundwork-aws/groundwork/internal/plan"
)

// monitoringWrites are the calls that change something.
var monitoringWrites = []string{"CreateTopic", "SetTopicAttributes", "Subscribe", "PutMetricFilter", "PutMetricAlarm", "PutRule", "PutTargets"}

// TestMonitoringSavedPlanAppliesTheSame: a plan saved to JSON and read
// back applies exactly as the plan Diff made: the typed values survive.
func TestMonitoringSavedPlanAppliesTheSame(t *testing.T) {
	tests := map[string]func(t *testing.T, cloud *fakeMonitoringCloud, desired, actual *estate.Estate){
		"from scratch": func(*testing.T, *fakeMonitoringCloud, *estate.Estate, *estate.Estate) {},
		"drifted": func(t *testing.T, cloud *fakeMonitoringCloud, desired, actual *estate.Estate) {
			applied(t, cloud, desired, actual)
			cloud.mu.Lock()
			defer cloud.mu.Unlock()
			for _, r := range cloud.rules {
				r.in.State = "DISABLED"
			}
			for _, a := range cloud.alarms {
				a.Threshold = nil
			}
		},
	}
	for name, setup := range tests {
		t.Run(name, func(t *testing.T) {
			clouds := [2]*fakeMonitoringCloud{}
			got := [2]*estate.Monitoring{}
			for i, saved := range []bool{false, true} {
				desired, actual := monitoringEstates(t, "monitoring: {}\n")
				cloud := newFakeMonitoringCloud()
				setup(t, cloud, desired, actual)
				actual.Monitoring = cloud.monitoring(monAccounts, desired.Monitoring.Expected)
				before := map[string]int{}
				for _, op := range monitoringWrites {
					before[op] = cloud.count(op)
				}
				changes, _ := monitoringPlan(t, desired, actual)
				if len(changes) == 0 {
					t.Fatal("nothing planned")
				}
				p := &plan.Plan{FormatVersion: plan.FormatVersion, Fingerprint: "f"}
				for _, addr := range sortedMapKeys(changes) {
					ch := changes[addr]
					ch.DependsOn = nil
					p.Changes = append(p.Changes, ch)
				}
				if saved {
					p = kindstest.Saved(t, p)
				}
				env := &kinds.Env{Log: t.Logf}
				kinds.SetClients[monitoring.Clients](env, cloud)
				env.SeedActual(actual)
				for _, kind := range monitoringKinds {
					for _, ch := range p.Changes {
						if ch.Kind == kind {
							if err := kindstest.ApplyChange(t, env, ch); err != nil {
								t.Fatalf("%s: %v", ch.Address, err)
							}
						}
					}
				}
				for _, op := range monitoringWrites {
					cloud.calls[op] -= before[op]
				}
				clouds[i], got[i] = cloud, cloud.monitoring(monAccounts, desired.Monitoring.Expected)
			}
			for _, op := range monitoringWrites {
				if a, b := clouds[0].count(op), clouds[1].count(op); a != b {
					t.Errorf("%s: %d calls from the plan in memory, %d from the saved plan", op, a, b)
				}
			}
			if !reflect.DeepEqual(got[0], got[1]) {
				t.Errorf("the saved plan made\n%+v\nthe plan in memory\n%+v", got[1], got[0])
			}
		})
	}
}

func TestMonitoringApplyRefusesAChangeWithoutValue(t *testing.T) {
	desired, actual := monitoringEstates(t, "monitoring: {}\n")
	changes, _ := monitoringPlan(t, desired, actual)
	for _, addr := range sortedMapKeys(changes) {
		ch := changes[addr]
		ch.Value = nil
		env := &kinds.Env{}
		kinds.SetClients[monitoring.Clients](env, newFakeMonitoringCloud())
		env.SeedActual(actual)
		if err := kindstest.ApplyChange(t, env, ch); err == nil || !strings.Contains(err.Error(), "carries no value") {
			t.Errorf("%s without a value: %v", addr, err)
		}
	}
}
