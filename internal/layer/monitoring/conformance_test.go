package monitoring_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/groundwork-aws/groundwork/internal/apply"
	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/kinds/kindstest"
	"github.com/groundwork-aws/groundwork/internal/layer/monitoring"
	"github.com/groundwork-aws/groundwork/internal/plan"
)

// writes counts the calls that change something.
func (f *fakeMonitoringCloud) writes() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for op, c := range f.calls {
		if !strings.HasPrefix(op, "List") && !strings.HasPrefix(op, "Describe") && !strings.HasPrefix(op, "Get") {
			n += c
		}
	}
	return n
}

// Every monitoring kind passes the kinds conformance suite: from nothing,
// and from a monitoring layer changed by hand in every kind.
func TestConformance(t *testing.T) {
	const section = "monitoring: {}\n"
	desired := func() *estate.Estate { d, _ := monitoringEstates(t, section); return d }
	fake := func(cloud *fakeMonitoringCloud) kindstest.Fake {
		// The logging layer the filters read exists already.
		d, base := monitoringEstates(t, section)
		base.Logging = d.Logging
		return kindstest.FakeFuncs{
			InstallFunc: func(env *kinds.Env) { kinds.SetClients[monitoring.Clients](env, cloud) },
			ObserveFunc: func() *estate.Estate {
				e := *base
				e.Monitoring = cloud.monitoring(monAccounts, desired().Monitoring.Expected)
				return &e
			},
			WritesFunc: cloud.writes,
		}
	}
	starts := []kindstest.Start{
		{Name: "nothing", New: func(*testing.T) kindstest.Fake { return fake(newFakeMonitoringCloud()) }},
		{Name: "changed by hand", New: func(t *testing.T) kindstest.Fake {
			cloud := newFakeMonitoringCloud()
			f := fake(cloud)
			d, actual := desired(), f.Observe()
			p := kinds.Plan(d, actual)
			p.Changes = slices.DeleteFunc(p.Changes, func(ch plan.Change) bool { return !slices.Contains(monitoringKinds, ch.Kind) })
			if _, err := apply.Run(t.Context(), monitoringEnv(t, cloud, actual), p, apply.Options{}); err != nil {
				t.Fatal(err)
			}
			for _, topic := range cloud.topics {
				topic.policy = `{"Version":"2012-10-17","Statement":[]}`
			}
			for key, mf := range cloud.filters {
				mf.FilterPattern = aws.String("{ $.eventName = Other }")
				cloud.filters[key] = mf
			}
			for _, a := range cloud.alarms {
				a.Threshold = aws.Float64(99)
			}
			for _, r := range cloud.rules {
				r.in.State = "DISABLED"
			}
			return f
		}},
	}
	var cases []kindstest.Case
	for _, kind := range monitoringKinds {
		cases = append(cases, kindstest.Case{Kind: kind, Desired: desired, Starts: starts})
	}
	kindstest.RunPackage(t, "github.com/groundwork-aws/groundwork/internal/layer/monitoring", cases)
}

func monitoringEnv(t *testing.T, cloud *fakeMonitoringCloud, actual *estate.Estate) *kinds.Env {
	env := &kinds.Env{Log: t.Logf}
	kinds.SetClients[monitoring.Clients](env, cloud)
	env.Seed(actual)
	return env
}
