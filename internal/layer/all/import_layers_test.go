package all_test

import (
	"strings"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/spec"
)

// withLayers is the groundwork foundation with the logging layer of
// `logging: {}` and the monitoring and hardening layers that the given
// sections build ("" leaves a layer out), as AWS reports them once
// applied.
func withLayers(monitoring, hardening string, mutate func(e *estate.Estate)) func(t *testing.T) *estate.Estate {
	return func(t *testing.T) *estate.Estate {
		t.Helper()
		e := groundworkFoundation(t)
		addLogging(t, e, noServices, "{}")
		logging := "{}"
		if monitoring != "" {
			logging += "\nmonitoring: " + monitoring
		}
		if hardening != "" {
			logging += "\nhardening: " + hardening
		}
		src := loggingSpec(e, noServices, logging)
		f, err := spec.Parse("layers.yaml", []byte(src))
		if err != nil {
			t.Fatalf("%v\n%s", err, src)
		}
		d := f.Desired()
		resolve := func(s string) string {
			t.Helper()
			out, ok := estate.Resolve(s, e.Lookup)
			if !ok {
				t.Fatalf("unresolved reference in %s", s)
			}
			return out
		}
		resolveAll := func(list []string) []string {
			out := make([]string, len(list))
			for i, s := range list {
				out[i] = resolve(s)
			}
			return out
		}
		if m := d.Monitoring; m != nil {
			a := estate.NewMonitoring()
			for key, tp := range m.Topics {
				c := *tp
				c.ARN, c.Policy = resolve(tp.ARN), resolve(tp.Policy)
				a.Topics[key] = &c
			}
			for key, fl := range m.MetricFilters {
				c := *fl
				a.MetricFilters[key] = &c
			}
			for key, al := range m.Alarms {
				c := *al
				c.AlarmActions = resolveAll(al.AlarmActions)
				a.Alarms[key] = &c
			}
			for key, r := range m.EventRules {
				c := *r
				c.Targets = resolveAll(r.Targets)
				a.EventRules[key] = &c
			}
			a.Expected = m.Expected
			e.Monitoring = a
		}
		if h := d.Hardening; h != nil {
			a := estate.NewHardening()
			a.Accounts, a.Regions, a.HomeRegion = h.Accounts, h.Regions, h.HomeRegion
			for key, p := range h.PasswordPolicies {
				c := *p
				a.PasswordPolicies[key] = &c
			}
			for _, key := range h.Accounts {
				a.PublicAccessBlocks[key] = &estate.PublicAccessBlock{}
				a.Roots[key] = &estate.RootCredentials{MFA: true}
			}
			for key, b := range h.PublicAccessBlocks {
				c := *b
				a.PublicAccessBlocks[key] = &c
			}
			for key, x := range h.EBSEncryption {
				c := *x
				a.EBSEncryption[key] = &c
			}
			for key, r := range h.SupportRoles {
				c := *r
				c.Tags = kinds.OwnerTags(nil)
				a.SupportRoles[key] = &c
			}
			e.Hardening = a
		}
		if mutate != nil {
			mutate(e)
		}
		return e
	}
}

func TestLayerHints(t *testing.T) {
	e := withLayers("", "", nil)(t)
	m, err := monitoringHint(e, opts)
	if err != nil || m == nil || len(m.Topics) == 0 || len(m.Alarms) == 0 {
		t.Errorf("MonitoringHint = %v, %v; want the layer of monitoring: {}", m, err)
	}
	h, err := hardeningHint(e, opts)
	if err != nil || h == nil || len(h.Accounts) != 5 || !strings.Contains(strings.Join(h.Accounts, " "), estate.ManagementKey) {
		t.Errorf("HardeningHint = %+v, %v; want every account", h, err)
	}
	// Without logging there is no monitoring to look for.
	e.Logging = nil
	if m, err := monitoringHint(e, opts); err != nil || m != nil {
		t.Errorf("MonitoringHint without logging = %v, %v; want nil", m, err)
	}
}
