package monitoring

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/importer"
	"github.com/groundwork-aws/groundwork/internal/inventory"
	"github.com/groundwork-aws/groundwork/internal/layer/logging"
)

// monitoringKey is the monitoring section's key.
const monitoringKey = SpecKey

func init() {
	// After logging: the layer watches the logging layer's trail.
	importer.RegisterSection(importer.SectionType{Key: monitoringKey, Order: 200, Read: readMonitoring, Write: writeMonitoring})
}

// Written where the monitoring section would be when the import leaves
// the layer off: why, and how to turn it on.
const (
	monitoringNotRead   = "monitoring: the monitoring layer was not looked for, so groundwork's monitoring layer stays off."
	monitoringNotFound  = "monitoring: no security topic was found, so groundwork's monitoring layer stays off."
	monitoringNoLogging = "monitoring: groundwork's monitoring layer watches the organization trail of the logging layer,\nwhich the spec leaves off, so it stays off."
	monitoringLeftOff   = "monitoring: the monitoring layer could not be imported (see the warnings above), so it stays off."
	monitoringHowTo     = "\nTo have groundwork build it (a security topic, metric filters and alarms on the trail's log group,\n" +
		"a root sign-in rule), add the line `monitoring: {}`; it needs the logging section."
)

// monitoringKinds are the kinds that carry out the monitoring layer.
var monitoringKinds = map[string]bool{KindTopic: true, KindMetricFilter: true, KindAlarm: true, KindEventRule: true}

// ImportHint returns where groundwork's monitoring layer would be in the
// organization im imports: the desired monitoring layer of the would-be spec with `monitoring: {}`.
// The layer watches the logging layer's trail, so it returns nil when the
// import leaves logging off.
func ImportHint(im *importer.Import) *estate.Monitoring {
	if im.Section(logging.SpecKey) == nil {
		return nil
	}
	f, err := im.Probe(monitoringKey, &Spec{})
	if err != nil {
		return nil // the logging section turns off what monitoring watches
	}
	return f.Desired().Monitoring
}

// readMonitoring reads the monitoring layer where ImportHint says. A
// read that fails is passed to r.Warn and leaves actual.Monitoring nil:
// the import then leaves the layer off.
func readMonitoring(ctx context.Context, r inventory.Reader, im *importer.Import) error {
	hint := ImportHint(im)
	if hint == nil {
		return nil
	}
	actual := im.Actual()
	if err := Read(ctx, inventory.Reader{Session: r.Session, Width: r.Width, Progress: r.Progress}, actual, hint); err != nil {
		actual.Monitoring = nil
		r.Warn(fmt.Errorf("the monitoring layer was not read, so the spec leaves it off: %w", err))
	}
	return nil
}

// writeMonitoring writes the monitoring section when the logging section
// is written and the security topic exists: `monitoring: {}` with the
// values that differ from the actual layer (subscribers, alarms,
// namespace, root sign-in rule). What still differs is warned about.
func writeMonitoring(im *importer.Import) (any, string, error) {
	if im.Section(logging.SpecKey) == nil {
		return nil, monitoringNoLogging + monitoringHowTo, nil
	}
	m := im.Actual().Monitoring
	if m == nil {
		return nil, monitoringNotRead + monitoringHowTo, nil
	}
	defaults, err := im.Probe(monitoringKey, &Spec{})
	if err != nil {
		im.Warnf("the monitoring layer cannot be written in the spec, which refuses it (%v); it is left off", importer.OneLine(err))
		return nil, monitoringLeftOff + monitoringHowTo, nil
	}
	want := defaults.Desired().Monitoring
	var topic *estate.Topic
	for _, p := range want.Expected.Topics {
		if t := m.Topics[p.Key(p.Name)]; t != nil {
			topic = t
			break
		}
	}
	if topic == nil {
		return nil, monitoringNotFound + monitoringHowTo, nil
	}
	def := SpecOf(defaults)
	s := &Spec{}
	namespace := ""
	for _, key := range slices.Sorted(maps.Keys(want.MetricFilters)) {
		if fl := m.MetricFilters[key]; fl != nil {
			namespace = fl.Namespace
			break
		}
	}
	if namespace != def.Namespace {
		s.Namespace = namespace
	}
	var subs []string
	for _, sub := range topic.Subscriptions {
		if sub.Protocol == "email" {
			subs = append(subs, sub.Endpoint)
		}
	}
	if len(subs) > 0 && !importer.SameSet(subs, def.SecurityTopic.Subscribers) {
		s.SecurityTopic.Subscribers = slices.Compact(slices.Sorted(slices.Values(subs)))
	}
	deployed := map[string]bool{}
	for key, a := range want.Alarms {
		if m.Alarms[key] != nil {
			deployed[a.MetricName] = true
		}
	}
	alarms := []string{} // written even when empty: no alarm is deployed
	for _, name := range def.Alarms {
		if deployed[name] {
			alarms = append(alarms, name)
		}
	}
	if len(alarms) != len(def.Alarms) {
		s.Alarms = alarms
	}
	rule := false
	for key := range want.EventRules {
		if m.EventRules[key] != nil {
			rule = true
		}
	}
	if !rule && len(want.EventRules) > 0 {
		s.RootLoginRule = new(bool)
	}
	f, err := im.Probe(monitoringKey, s)
	if err != nil {
		im.Warnf("the monitoring layer of topic %s cannot be written in the spec, which refuses it (%v); it is left off", topic.Name, importer.OneLine(err))
		return nil, monitoringLeftOff + monitoringHowTo, nil
	}
	im.WarnChanges(monitoringKey, f, func(kind string) bool { return monitoringKinds[kind] })
	return s, "", nil
}
