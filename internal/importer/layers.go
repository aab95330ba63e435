package importer

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/layer/hardening"
	"github.com/groundwork-aws/groundwork/internal/layer/monitoring"
	"github.com/groundwork-aws/groundwork/internal/spec"
)

// Written where the monitoring and hardening sections would be when the
// import leaves those layers off, as for logging (see loggingNotRead).
const (
	monitoringNotRead   = "monitoring: the monitoring layer was not looked for, so groundwork's monitoring layer stays off."
	monitoringNotFound  = "monitoring: no security topic was found, so groundwork's monitoring layer stays off."
	monitoringNoLogging = "monitoring: groundwork's monitoring layer watches the organization trail of the logging layer,\nwhich the spec leaves off, so it stays off."
	monitoringLeftOff   = "monitoring: the monitoring layer could not be imported (see the warnings above), so it stays off."
	monitoringHowTo     = "\nTo have groundwork build it (a security topic, metric filters and alarms on the trail's log group,\n" +
		"a root sign-in rule), add the line `monitoring: {}`; it needs the logging section."
	hardeningNotRead  = "hardening: the hardening layer was not looked for, so groundwork's hardening layer stays off."
	hardeningNotFound = "hardening: no account has an IAM password policy, so groundwork's hardening layer stays off."
	hardeningLeftOff  = "hardening: the hardening layer could not be imported (see the warnings above), so it stays off."
	hardeningHowTo    = "\nTo have groundwork build it (a password policy and S3 Block Public Access in every account,\n" +
		"no default VPCs), add the line `hardening: {}`."
)

// monitoringKinds and hardeningKinds are the kinds that carry out those
// layers.
var (
	monitoringKinds = map[string]bool{kinds.KindTopic: true, kinds.KindMetricFilter: true, kinds.KindAlarm: true, kinds.KindEventRule: true}
	hardeningKinds  = map[string]bool{
		kinds.KindPasswordPolicy: true, kinds.KindAccountPublicAccessBlock: true,
		kinds.KindDefaultVPC: true, kinds.KindManagementIAMUser: true,
	}
)

// MonitoringHint returns where groundwork's monitoring layer would be for
// the import of actual with opts: the desired monitoring layer of the
// would-be spec with `monitoring: {}`. The layer watches the logging
// layer's trail, so actual needs its logging layer (read as LoggingHint
// says); MonitoringHint returns nil when the import leaves logging off.
// Read with inventory.CollectMonitoring, it gives Spec what it needs to
// import the layer. Its errors are those of Spec.
func MonitoringHint(actual *estate.Estate, opts Options) (*estate.Monitoring, error) {
	im, err := start(actual, opts)
	if err != nil {
		return nil, err
	}
	im.importLogging()
	if im.logging == nil {
		return nil, nil
	}
	f, err := im.withSection(&im.monitoring, newNode())
	if err != nil {
		return nil, nil // the logging section turns off what monitoring watches
	}
	return f.Desired().Monitoring, nil
}

// HardeningHint returns where groundwork's hardening layer would be for
// the import of actual with opts: the desired hardening layer of the
// would-be spec with `hardening: {}`, for inventory.CollectHardening.
// actual needs only its organization layer; the errors are those of Spec.
func HardeningHint(actual *estate.Estate, opts Options) (*estate.Hardening, error) {
	im, err := start(actual, opts)
	if err != nil {
		return nil, err
	}
	f, err := im.withSection(&im.hardening, newNode())
	if err != nil {
		return nil, fmt.Errorf("import: the hardening layer's probe spec does not validate (a groundwork bug; please report it with these messages):\n%v", err)
	}
	return f.Desired().Hardening, nil
}

// withSection loads the spec with *field set to n, SCP files replaced by
// placeholders (see spec).
func (im *importer) withSection(field **node, n *node) (*spec.Foundation, error) {
	saved := *field
	*field = n
	defer func() { *field = saved }()
	var b strings.Builder
	im.spec(true).render(&b, 0)
	return spec.Parse(probeFile, []byte(b.String()))
}

// warnChanges plans f against actual and, when the kinds of a layer
// change, warns with the changes.
func (im *importer) warnChanges(layer string, f *spec.Foundation, of map[string]bool) {
	var changes []string
	for _, ch := range kinds.Plan(f.Desired(), im.actual).Changes {
		if of[ch.Kind] {
			changes = append(changes, describeChange(ch))
		}
	}
	if len(changes) == 0 {
		return
	}
	listed := changes
	if len(listed) > maxListedChanges {
		listed = append(slices.Clone(listed[:maxListedChanges]), fmt.Sprintf("and %d more", len(changes)-maxListedChanges))
	}
	places := "places"
	if len(changes) == 1 {
		places = "place"
	}
	im.warnf("the %s layer differs from groundwork's in %d %s; plan shows them, and the next apply makes them: %s",
		layer, len(changes), places, strings.Join(listed, "; "))
}

// importMonitoring writes the monitoring section when the logging section
// is written and the security topic exists: `monitoring: {}` with the
// values that differ from the actual layer (subscribers, alarms,
// namespace, root sign-in rule). What still differs is warned about.
func (im *importer) importMonitoring() {
	if im.logging == nil {
		im.monitoringNote = monitoringNoLogging + monitoringHowTo
		return
	}
	m := im.actual.Monitoring
	if m == nil {
		im.monitoringNote = monitoringNotRead + monitoringHowTo
		return
	}
	im.monitoringNote = monitoringNotFound + monitoringHowTo
	defaults, err := im.withSection(&im.monitoring, newNode())
	if err != nil {
		im.monitoringNote = monitoringLeftOff + monitoringHowTo
		im.warnf("the monitoring layer cannot be written in the spec, which refuses it (%v); it is left off", oneLine(err))
		return
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
		return
	}
	n := newNode()
	namespace := ""
	for _, key := range sortedKeys(want.MetricFilters) {
		if fl := m.MetricFilters[key]; fl != nil {
			namespace = fl.Namespace
			break
		}
	}
	if namespace != "" && namespace != monitoring.SpecOf(defaults).Namespace {
		n.set("namespace", namespace)
	}
	var subs []string
	for _, s := range topic.Subscriptions {
		if s.Protocol == "email" {
			subs = append(subs, s.Endpoint)
		}
	}
	if len(subs) > 0 && !sameSet(subs, monitoring.SpecOf(defaults).SecurityTopic.Subscribers) {
		n.child("security_topic").set("subscribers", slices.Compact(slices.Sorted(slices.Values(subs))))
	}
	deployed := map[string]bool{}
	for key, a := range want.Alarms {
		if m.Alarms[key] != nil {
			deployed[a.MetricName] = true
		}
	}
	var alarms []string
	for _, name := range monitoring.SpecOf(defaults).Alarms {
		if deployed[name] {
			alarms = append(alarms, name)
		}
	}
	if len(alarms) != len(monitoring.SpecOf(defaults).Alarms) {
		n.set("alarms", append([]string{}, alarms...))
	}
	rule := false
	for key := range want.EventRules {
		if m.EventRules[key] != nil {
			rule = true
		}
	}
	if !rule && len(want.EventRules) > 0 {
		n.set("root_login_rule", false)
	}
	f, err := im.withSection(&im.monitoring, n)
	if err != nil {
		im.monitoringNote = monitoringLeftOff + monitoringHowTo
		im.warnf("the monitoring layer of topic %s cannot be written in the spec, which refuses it (%v); it is left off", topic.Name, oneLine(err))
		return
	}
	im.monitoring = n
	im.warnChanges("monitoring", f, monitoringKinds)
}

// importHardening writes the hardening section when an account has an IAM
// password policy: `hardening: {}` with the password policy most accounts
// share and S3 Block Public Access as the accounts have it. Default VPCs
// are not looked at: the spec deletes them, and the warning about the
// changes names them.
func (im *importer) importHardening() {
	h := im.actual.Hardening
	if h == nil {
		im.hardeningNote = hardeningNotRead + hardeningHowTo
		return
	}
	im.hardeningNote = hardeningNotFound + hardeningHowTo
	common := commonPolicy(h)
	if common == nil {
		return
	}
	defaults, err := im.withSection(&im.hardening, newNode())
	if err != nil {
		im.hardeningNote = hardeningLeftOff + hardeningHowTo
		im.warnf("the hardening layer cannot be written in the spec, which refuses it (%v); it is left off", oneLine(err))
		return
	}
	def := hardening.SpecOf(defaults).PasswordPolicy
	pp := newNode()
	if common.MinLength != def.MinLength {
		pp.set("min_length", raw(strconv.Itoa(common.MinLength)))
	}
	for _, b := range []struct {
		key       string
		have, def bool
	}{
		{"require_uppercase", common.RequireUppercase, *def.RequireUppercase},
		{"require_lowercase", common.RequireLowercase, *def.RequireLowercase},
		{"require_numbers", common.RequireNumbers, *def.RequireNumbers},
		{"require_symbols", common.RequireSymbols, *def.RequireSymbols},
	} {
		if b.have != b.def {
			pp.set(b.key, b.have)
		}
	}
	if common.MaxAgeDays != *def.MaxAgeDays {
		pp.set("max_age_days", raw(strconv.Itoa(common.MaxAgeDays)))
	}
	if common.ReusePrevention != *def.ReusePrevention {
		pp.set("reuse_prevention", raw(strconv.Itoa(common.ReusePrevention)))
	}
	n := newNode()
	if len(pp.entries) > 0 {
		n.set("password_policy", pp)
	}
	bpa := newNode()
	var exceptions []string
	blocked := false
	for _, key := range sortedKeys(im.accounts) {
		b := h.PublicAccessBlocks[estate.EmailKey(im.accounts[key].src.Email)]
		if b.On() {
			blocked = true
		} else if b != nil {
			exceptions = append(exceptions, key)
		}
	}
	switch {
	case !blocked && !h.PublicAccessBlocks[estate.ManagementKey].On():
		bpa.set("enabled", false)
	case len(exceptions) > 0:
		bpa.set("exceptions", exceptions)
	}
	if len(bpa.entries) > 0 {
		n.set("s3_block_public_access", bpa)
	}
	f, err := im.withSection(&im.hardening, n)
	if err != nil {
		im.hardeningNote = hardeningLeftOff + hardeningHowTo
		im.warnf("the hardening layer cannot be written in the spec, which refuses it (%v); it is left off", oneLine(err))
		return
	}
	im.hardening = n
	im.warnChanges("hardening", f, hardeningKinds)
}

// commonPolicy is the password policy most accounts have, the management
// account's among equals; nil when no account has one.
func commonPolicy(h *estate.Hardening) *estate.PasswordPolicy {
	count := map[estate.PasswordPolicy]int{}
	var best *estate.PasswordPolicy
	keys := sortedKeys(h.PasswordPolicies)
	if i := slices.Index(keys, estate.ManagementKey); i > 0 {
		keys = append([]string{estate.ManagementKey}, slices.Delete(keys, i, i+1)...)
	}
	for _, key := range keys {
		p := h.PasswordPolicies[key]
		if p == nil {
			continue
		}
		count[*p]++
		if best == nil || count[*p] > count[*best] {
			best = p
		}
	}
	return best
}
