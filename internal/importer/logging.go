package importer

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/layer/logging"
	"github.com/groundwork-aws/groundwork/internal/layer/orglayer"
	"github.com/groundwork-aws/groundwork/internal/plan"
	"github.com/groundwork-aws/groundwork/internal/spec"
)

// Written where the logging section would be when the import leaves
// logging off: loggingNotRead when the layer was not read (the CLI reads
// it only where the spec could hold it), loggingNotFound when it has no
// organization trail, loggingLeftOff when it has one the spec cannot take
// (a warning says why).
const (
	loggingNotRead  = "logging: the logging layer was not looked for, so groundwork's logging layer stays off."
	loggingNotFound = "logging: no organization trail was found, so groundwork's logging layer stays off."
	loggingLeftOff  = "logging: the organization trail could not be imported (see the warnings above), so groundwork's\nlogging layer stays off."
	loggingHowTo    = "\nTo have groundwork build it (organization trail, Log Archive buckets, AWS Config everywhere),\n" +
		"add the line `logging: {}`; it needs accounts with roles log-archive and security-tooling."
)

// loggingKinds are the kinds that carry out the logging layer.
var loggingKinds = map[string]bool{
	kinds.KindKey: true, kinds.KindBucket: true, kinds.KindTrail: true, kinds.KindLogGroup: true,
	kinds.KindRole: true, kinds.KindRecorder: true, kinds.KindConfigRule: true, kinds.KindAggregator: true,
}

// maxListedChanges is how many logging changes a warning names; a layer
// missing from many accounts would otherwise make a warning of hundreds
// of addresses.
const maxListedChanges = 10

// managedRuleRE is the identifier shape of an AWS managed Config rule;
// custom rules (a Lambda ARN) are outside the spec, which leaves them.
var managedRuleRE = regexp.MustCompile(`^[A-Z0-9_]+$`)

// orgRulePrefix marks an organization Config rule among the estate's rules
// (see spec.desiredLogging).
const orgRulePrefix = "org/"

// LoggingHint returns where groundwork's logging layer would be for the
// import of actual with opts: the desired logging layer of the would-be
// spec with `logging: {}`, plus the trail in CloudTrail's delegated
// administrator, the aggregator in Config's, and the organization Config
// rules where the spec would put them, when the import delegates those
// services. Read with inventory.CollectLogging, it gives Spec what it
// needs to import the layer; its organization rules (named "org/...")
// may be read on their own, as not every endpoint answers for them.
//
// actual needs only its organization layer. LoggingHint returns nil when
// the import has no accounts with roles log-archive and security-tooling,
// which the layer needs; its errors are those of Spec.
func LoggingHint(actual *estate.Estate, opts Options) (*estate.Logging, error) {
	im, err := start(actual, opts)
	if err != nil {
		return nil, err
	}
	st := im.keyWithRole(estate.RoleSecurityTooling)
	if im.keyWithRole(estate.RoleLogArchive) == "" || st == "" {
		return nil, nil
	}
	variants := []*node{newNode()}
	if k := im.delegated[orglayer.ServiceCloudTrail]; k != "" {
		variants = append(variants, newNode().set("trail", newNode().set("account", k)))
	}
	if im.delegated[orglayer.ServiceConfigMulti] == st {
		variants = append(variants, newNode().set("config", newNode().set("organization_rules", true)))
	}
	if k := im.delegated[orglayer.ServiceConfig]; k != "" && k != st {
		variants = append(variants, newNode().set("config", newNode().set("aggregator", k)))
	}
	var hint *estate.Logging
	for _, v := range variants {
		f, err := im.withLogging(v)
		if err != nil {
			return nil, fmt.Errorf("import: the logging layer's probe spec does not validate (a groundwork bug; please report it with these messages):\n%v", err)
		}
		hint = mergeLogging(hint, f.Desired().Logging)
	}
	return hint, nil
}

// mergeLogging adds the resources of src to dst (nil: a new layer); both
// name the same scope.
func mergeLogging(dst, src *estate.Logging) *estate.Logging {
	if dst == nil {
		dst = estate.NewLogging()
		dst.Scope = src.Scope
	}
	copyInto(dst.Keys, src.Keys)
	copyInto(dst.Buckets, src.Buckets)
	copyInto(dst.Trails, src.Trails)
	copyInto(dst.LogGroups, src.LogGroups)
	copyInto(dst.Roles, src.Roles)
	copyInto(dst.Recorders, src.Recorders)
	copyInto(dst.Aggregators, src.Aggregators)
	copyInto(dst.Rules, src.Rules)
	return dst
}

func copyInto[V any](dst, src map[string]V) {
	for k, v := range src {
		dst[k] = v
	}
}

// keyWithRole returns the key of the account with a role, or "".
func (im *importer) keyWithRole(role estate.Role) string {
	for _, key := range sortedKeys(im.accounts) {
		if im.accounts[key].role == string(role) {
			return key
		}
	}
	return ""
}

// withLogging loads the spec with a logging section, SCP files replaced
// by placeholders (see spec).
func (im *importer) withLogging(n *node) (*spec.Foundation, error) {
	saved := im.logging
	im.logging = n
	defer func() { im.logging = saved }()
	var b strings.Builder
	im.spec(true).render(&b, 0)
	return spec.Parse(probeFile, []byte(b.String()))
}

// importLogging writes the logging section when the organization has an
// organization trail: the values that reproduce the actual layer as far
// as the spec can say them, each left out where it is the spec's default.
// It probes the spec with the section and plans it against actual; what
// differs still goes into the spec, which is the layer groundwork
// converges to, and a warning names the changes. Without an organization
// trail the layer stays off.
func (im *importer) importLogging() {
	im.loggingNote = loggingNotFound + loggingHowTo
	if im.actual.Logging == nil {
		im.loggingNote = loggingNotRead + loggingHowTo
	}
	t := im.orgTrail()
	if t == nil {
		return
	}
	im.loggingNote = loggingLeftOff + loggingHowTo
	for _, role := range []estate.Role{estate.RoleLogArchive, estate.RoleSecurityTooling} {
		if im.keyWithRole(role) == "" {
			im.warnf("organization trail %s is in the organization, but no account of the spec has role %s, which groundwork's logging layer needs; the layer is left off (give accounts roles log-archive and security-tooling, add logging: {} and plan)", t.Name, role)
			return
		}
	}
	defaults, err := im.withLogging(newNode())
	if err != nil {
		im.warnf("the logging layer cannot be written in the spec, which refuses it (%v); it is left off", oneLine(err))
		return
	}
	n, ok := im.loggingNode(t, logging.SpecOf(defaults))
	if !ok {
		return
	}
	f, err := im.withLogging(n)
	if err != nil {
		im.warnf("the logging layer of trail %s cannot be written in the spec, which refuses it (%v); it is left off", t.Name, oneLine(err))
		return
	}
	im.logging = n
	var changes []string
	for _, ch := range kinds.Plan(f.Desired(), im.actual).Changes {
		if loggingKinds[ch.Kind] {
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
	im.warnf("the logging layer differs from groundwork's in %d %s; plan shows them, and the next apply makes them: %s",
		len(changes), places, strings.Join(listed, "; "))
}

func describeChange(ch plan.Change) string {
	s := ch.Action.String() + " " + ch.Address
	if ch.Reason != "" {
		s += " (" + ch.Reason + ")"
	}
	return s
}

func oneLine(err error) string {
	return strings.Join(strings.Fields(err.Error()), " ")
}

// orgTrail returns the organization trail to import: the management
// account's, else the first by key; nil when there is none. Other
// organization trails are left out, with a warning.
func (im *importer) orgTrail() *estate.Trail {
	l := im.actual.Logging
	if l == nil {
		return nil
	}
	var trails []*estate.Trail
	for _, key := range sortedKeys(l.Trails) {
		if t := l.Trails[key]; t.Organization {
			trails = append(trails, t)
		}
	}
	if len(trails) == 0 {
		return nil
	}
	i := slices.IndexFunc(trails, func(t *estate.Trail) bool { return t.Account == estate.ManagementKey })
	if i < 0 {
		i = 0
	}
	for j, t := range trails {
		if j != i {
			im.warnf("organization trail %s in %s is left out of the spec (it has one organization trail, %s); groundwork leaves it", t.Name, t.Account, trails[i].Name)
		}
	}
	return trails[i]
}

// loggingNode writes the section for trail t; defaults are the spec's
// values for `logging: {}`. ok is false, after a warning, when the trail's
// account cannot be written.
func (im *importer) loggingNode(t *estate.Trail, defaults *logging.Spec) (*node, bool) {
	l := im.actual.Logging
	trail := newNode()
	if t.Name != defaults.Trail.Name {
		trail.set("name", t.Name)
	}
	if t.Account != estate.ManagementKey {
		key, ok := im.keyByEmail[t.Account]
		if !ok || im.delegated[orglayer.ServiceCloudTrail] != key {
			im.warnf("organization trail %s belongs to %s, which the spec can name as the trail's account only when it is CloudTrail's delegated administrator; the logging layer is left off", t.Name, t.Account)
			return nil, false
		}
		trail.set("account", key)
	}
	if t.LogGroupARN == "" {
		trail.set("cloudwatch_logs", false)
	} else {
		name := logGroupName(t.LogGroupARN)
		if name != defaults.Trail.LogGroup {
			trail.set("log_group", name)
		}
		// 0 (never expire) is not a retention the spec can write; plan
		// shows the default it sets instead.
		if g := l.LogGroups[t.Key(name)]; g != nil && g.RetentionDays != 0 && g.RetentionDays != defaults.Trail.LogRetentionDays {
			trail.set("log_retention_days", raw(strconv.Itoa(g.RetentionDays)))
		}
	}
	buckets := newNode()
	if b := logBucket(l, t.Bucket); b != nil && b.ExpireDays != *defaults.Buckets.RetentionDays {
		buckets.set("retention_days", raw(strconv.Itoa(b.ExpireDays)))
	}
	config := newNode()
	rules, organization := im.configRules()
	if len(rules) > 0 && !sameSet(rules, defaults.Config.Rules) {
		config.set("rules", rules)
	}
	if organization {
		config.set("organization_rules", true)
	}
	if key := im.aggregatorAccount(defaults.Config.Aggregator); key != defaults.Config.Aggregator {
		config.set("aggregator", key)
	}
	n := newNode()
	for _, part := range []struct {
		key string
		n   *node
	}{{"trail", trail}, {"buckets", buckets}, {"config", config}} {
		if len(part.n.entries) > 0 {
			n.set(part.key, part.n)
		}
	}
	return n, true
}

// logGroupName is the name in a log group ARN
// (arn:aws:logs:REGION:ACCOUNT:log-group:NAME:*).
func logGroupName(arn string) string {
	_, name, ok := strings.Cut(arn, ":log-group:")
	if !ok {
		return arn
	}
	return strings.TrimSuffix(name, ":*")
}

// logBucket is the bucket the trail delivers to or, when that was not
// found, another log bucket: the spec gives both one retention.
func logBucket(l *estate.Logging, name string) *estate.Bucket {
	if b := l.Buckets[name]; b != nil && b.Exists {
		return b
	}
	for _, key := range sortedKeys(l.Buckets) {
		if b := l.Buckets[key]; b.Exists {
			return b
		}
	}
	return nil
}

// configRules returns the managed rules the spec should name: those of
// the organization rules when there are any (organization is then true),
// else those in the home Region of the management account, which has
// every rule (the global ones run only in the home Region). Known rules
// come in the baseline's order, then the others sorted.
func (im *importer) configRules() (rules []string, organization bool) {
	home := estate.Where{Account: estate.ManagementKey, Region: im.opts.HomeRegion}
	var org, local []string
	for _, r := range im.actual.Logging.Rules {
		switch {
		case !managedRuleRE.MatchString(r.Identifier):
		case strings.HasPrefix(r.Name, orgRulePrefix):
			org = append(org, r.Identifier)
		case r.Where == home:
			local = append(local, r.Identifier)
		}
	}
	rules = local
	if len(org) > 0 {
		rules, organization = org, true
	}
	order := map[string]int{}
	for i, b := range logging.BaselineRules {
		order[b.Identifier] = i - len(logging.BaselineRules)
	}
	slices.SortFunc(rules, func(a, b string) int {
		if oa, ob := order[a], order[b]; oa != ob {
			return oa - ob
		}
		return strings.Compare(a, b)
	})
	return slices.Compact(rules), organization
}

// aggregatorAccount returns the key of an account holding an organization
// aggregator: def (the spec's default) when it does, else the first by
// key, else def. The management account cannot be named.
func (im *importer) aggregatorAccount(def string) string {
	var keys []string
	for _, a := range im.actual.Logging.Aggregators {
		if key, ok := im.keyByEmail[a.Account]; ok && a.Organization {
			keys = append(keys, key)
		}
	}
	slices.Sort(keys)
	if len(keys) == 0 || slices.Contains(keys, def) {
		return def
	}
	return keys[0]
}

func sameSet(a, b []string) bool {
	return slices.Equal(slices.Compact(slices.Sorted(slices.Values(a))), slices.Compact(slices.Sorted(slices.Values(b))))
}
