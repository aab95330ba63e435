package logging

import (
	"context"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/importer"
	"github.com/groundwork-aws/groundwork/internal/inventory"
	"github.com/groundwork-aws/groundwork/internal/layer/orglayer"
)

// loggingKey is the logging section's key.
const loggingKey = SpecKey

func init() {
	importer.RegisterSection(importer.SectionType{Key: loggingKey, Order: 100, Read: readLogging, Write: writeLogging})
}

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
	KindKey: true, KindBucket: true, KindTrail: true, KindLogGroup: true,
	KindRole: true, KindRecorder: true, KindConfigRule: true, KindAggregator: true,
}

// managedRuleRE is the identifier shape of an AWS managed Config rule;
// custom rules (a Lambda ARN) are outside the spec, which leaves them.
var managedRuleRE = regexp.MustCompile(`^[A-Z0-9_]+$`)

// loggingCore is what the logging layer needs to know of the core of
// the import: the accounts and delegated administrators of the spec.
type loggingCore struct {
	// byRole is the key of the account with each role; byEmail the key
	// of each account, by its e-mail key (estate.EmailKey).
	byRole, byEmail map[string]string
	delegated       map[string]string
}

// coreOfLogging asks the spec imported so far for its accounts and
// delegated administrators.
func coreOfLogging(im *importer.Import) (loggingCore, error) {
	f, err := im.Probe(loggingKey, nil)
	if err != nil {
		return loggingCore{}, fmt.Errorf("import: the spec without logging does not validate (a groundwork bug; please report it with these messages):\n%v", err)
	}
	c := loggingCore{byRole: map[string]string{}, byEmail: map[string]string{}, delegated: orglayer.ServicesOf(f).DelegatedAdmins}
	for _, key := range slices.Sorted(maps.Keys(f.Accounts)) {
		a := f.Accounts[key]
		if _, ok := c.byRole[a.Role]; !ok && a.Role != "" {
			c.byRole[a.Role] = key
		}
		c.byEmail[estate.EmailKey(a.Email)] = key
	}
	return c, nil
}

// ImportHint returns where groundwork's logging layer would be in the
// organization im imports: the desired logging layer of the would-be spec
// with `logging: {}`, plus the trail in CloudTrail's delegated
// administrator, the aggregator in Config's, and the organization Config
// rules where the spec would put them, when the import delegates those
// services. Read there, it gives writeLogging what it needs; its
// organization rules (named "org/...") may be read on their own, as not
// every endpoint answers for them. It returns nil when the import has no
// accounts with roles log-archive and security-tooling, which the layer
// needs.
func ImportHint(im *importer.Import) (*estate.Logging, error) {
	c, err := coreOfLogging(im)
	if err != nil {
		return nil, err
	}
	st := c.byRole[string(estate.RoleSecurityTooling)]
	if c.byRole[string(estate.RoleLogArchive)] == "" || st == "" {
		return nil, nil
	}
	variants := []*Spec{{}}
	if k := c.delegated[orglayer.ServiceCloudTrail]; k != "" {
		variants = append(variants, &Spec{Trail: TrailSpec{Account: k}})
	}
	if c.delegated[orglayer.ServiceConfigMulti] == st {
		variants = append(variants, &Spec{Config: ConfigService{OrganizationRules: true}})
	}
	if k := c.delegated[orglayer.ServiceConfig]; k != "" && k != st {
		variants = append(variants, &Spec{Config: ConfigService{Aggregator: k}})
	}
	var hint *estate.Logging
	for _, v := range variants {
		f, err := im.Probe(loggingKey, v)
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
	maps.Copy(dst.Keys, src.Keys)
	maps.Copy(dst.Buckets, src.Buckets)
	maps.Copy(dst.Trails, src.Trails)
	maps.Copy(dst.LogGroups, src.LogGroups)
	maps.Copy(dst.Roles, src.Roles)
	maps.Copy(dst.Recorders, src.Recorders)
	maps.Copy(dst.Aggregators, src.Aggregators)
	maps.Copy(dst.Rules, src.Rules)
	return dst
}

// readLogging reads the logging layer where the import's spec would put
// groundwork's (ImportHint) into actual.Logging. Without the accounts
// the layer needs there is nothing to read. A read that fails is passed
// to r.Warn and leaves actual.Logging nil: the import then leaves logging
// off.
func readLogging(ctx context.Context, r inventory.Reader, im *importer.Import) error {
	hint, err := ImportHint(im)
	if err != nil || hint == nil {
		return err
	}
	actual := im.Actual()
	layer, orgRules := splitOrgRules(hint)
	if err := Read(ctx, inventory.Reader{Session: r.Session, Width: r.Width, Progress: r.Progress}, actual, layer); err != nil {
		r.Warn(fmt.Errorf("the logging layer was not read, so the spec leaves it off: %w", err))
		return nil
	}
	if orgRules == nil || hasAny(actual.Logging.Rules, layer.Rules) {
		return nil // the rules are per account
	}
	// Organization rules are read on their own: an endpoint that lacks
	// them (moto) fails the read only after the SDK's retries, and a
	// failure here costs only the rules.
	read := actual.Logging
	err = Read(ctx, inventory.Reader{Session: r.Session, Width: r.Width}, actual, orgRules)
	org := actual.Logging
	actual.Logging = read
	if err != nil {
		r.Warn(fmt.Errorf("organization Config rules were not read, so the spec asks for per-account rules: %w", err))
		return nil
	}
	maps.Copy(read.Rules, org.Rules)
	return nil
}

// splitOrgRules separates the organization Config rules of a hint (named
// "org/...") from the rest of the layer; org is nil when there are none.
func splitOrgRules(hint *estate.Logging) (layer, org *estate.Logging) {
	l := *hint
	l.Rules = map[string]*estate.ConfigRule{}
	for key, r := range hint.Rules {
		if !strings.HasPrefix(r.Name, orgRulePrefix) {
			l.Rules[key] = r
			continue
		}
		if org == nil {
			org = estate.NewLogging()
		}
		org.Rules[key] = r
	}
	return &l, org
}

// hasAny reports whether have holds one of the keys of want.
func hasAny[V any](have, want map[string]V) bool {
	for key := range want {
		if _, ok := have[key]; ok {
			return true
		}
	}
	return false
}

// writeLogging writes the logging section when the organization has an
// organization trail: the values that reproduce the actual layer as far
// as the spec can say them, each left out where it is the spec's default.
// It probes the spec with the section and plans it against actual; what
// differs still goes into the spec, which is the layer groundwork
// converges to, and a warning names the changes. Without an organization
// trail the layer stays off.
func writeLogging(im *importer.Import) (any, string, error) {
	l := im.Actual().Logging
	if l == nil {
		return nil, loggingNotRead + loggingHowTo, nil
	}
	t := importOrgTrail(im, l)
	if t == nil {
		return nil, loggingNotFound + loggingHowTo, nil
	}
	const leftOff = loggingLeftOff + loggingHowTo
	c, err := coreOfLogging(im)
	if err != nil {
		im.Warnf("the logging layer cannot be written in the spec (%v); it is left off", importer.OneLine(err))
		return nil, leftOff, nil
	}
	for _, role := range []estate.Role{estate.RoleLogArchive, estate.RoleSecurityTooling} {
		if c.byRole[string(role)] == "" {
			im.Warnf("organization trail %s is in the organization, but no account of the spec has role %s, which groundwork's logging layer needs; the layer is left off (give accounts roles log-archive and security-tooling, add logging: {} and plan)", t.Name, role)
			return nil, leftOff, nil
		}
	}
	defaults, err := im.Probe(loggingKey, &Spec{})
	if err != nil {
		im.Warnf("the logging layer cannot be written in the spec, which refuses it (%v); it is left off", importer.OneLine(err))
		return nil, leftOff, nil
	}
	section, ok := loggingSection(im, c, l, t, SpecOf(defaults))
	if !ok {
		return nil, leftOff, nil
	}
	f, err := im.Probe(loggingKey, section)
	if err != nil {
		im.Warnf("the logging layer of trail %s cannot be written in the spec, which refuses it (%v); it is left off", t.Name, importer.OneLine(err))
		return nil, leftOff, nil
	}
	im.WarnChanges(loggingKey, f, func(kind string) bool { return loggingKinds[kind] })
	return section, "", nil
}

// importOrgTrail returns the organization trail to import: the management
// account's, else the first by key; nil when there is none. Other
// organization trails are left out, with a warning.
func importOrgTrail(im *importer.Import, l *estate.Logging) *estate.Trail {
	var trails []*estate.Trail
	for _, key := range slices.Sorted(maps.Keys(l.Trails)) {
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
			im.Warnf("organization trail %s in %s is left out of the spec (it has one organization trail, %s); groundwork leaves it", t.Name, t.Account, trails[i].Name)
		}
	}
	return trails[i]
}

// loggingSection writes the section for trail t; defaults are the spec's
// values for `logging: {}`. ok is false, after a warning, when the
// trail's account cannot be written.
func loggingSection(im *importer.Import, c loggingCore, l *estate.Logging, t *estate.Trail, defaults *Spec) (*Spec, bool) {
	s := &Spec{}
	trail := &s.Trail
	if t.Name != defaults.Trail.Name {
		trail.Name = t.Name
	}
	if t.Account != estate.ManagementKey {
		key, ok := c.byEmail[string(t.Account)]
		if !ok || c.delegated[orglayer.ServiceCloudTrail] != key {
			im.Warnf("organization trail %s belongs to %s, which the spec can name as the trail's account only when it is CloudTrail's delegated administrator; the logging layer is left off", t.Name, t.Account)
			return nil, false
		}
		trail.Account = key
	}
	if t.LogGroupARN == "" {
		trail.CloudWatchLogs = new(bool)
	} else {
		name := logGroupName(t.LogGroupARN)
		if name != defaults.Trail.LogGroup {
			trail.LogGroup = name
		}
		// 0 (never expire) is not a retention the spec can write; plan
		// shows the default it sets instead.
		if g := l.LogGroups[t.Key(name)]; g != nil && g.RetentionDays != 0 && g.RetentionDays != defaults.Trail.LogRetentionDays {
			trail.LogRetentionDays = g.RetentionDays
		}
	}
	if b := importLogBucket(l, t.Bucket); b != nil && b.ExpireDays != *defaults.Buckets.RetentionDays {
		s.Buckets.RetentionDays = &b.ExpireDays
	}
	rules, organization := configRules(l, im.Options().HomeRegion)
	if len(rules) > 0 && !importer.SameSet(rules, defaults.Config.Rules) {
		s.Config.Rules = rules
	}
	s.Config.OrganizationRules = organization
	if key := aggregatorAccount(c, l, defaults.Config.Aggregator); key != defaults.Config.Aggregator {
		s.Config.Aggregator = key
	}
	return s, true
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

// importLogBucket is the bucket the trail delivers to or, when that was not
// found, another log bucket: the spec gives both one retention.
func importLogBucket(l *estate.Logging, name string) *estate.Bucket {
	if b := l.Buckets[name]; b != nil && b.Exists {
		return b
	}
	for _, key := range slices.Sorted(maps.Keys(l.Buckets)) {
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
func configRules(l *estate.Logging, homeRegion string) (rules []string, organization bool) {
	home := estate.Where{Account: estate.ManagementKey, Region: homeRegion}
	var org, local []string
	for _, r := range l.Rules {
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
	for i, b := range BaselineRules {
		order[b.Identifier] = i - len(BaselineRules)
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
func aggregatorAccount(c loggingCore, l *estate.Logging, def string) string {
	var keys []string
	for _, a := range l.Aggregators {
		if key, ok := c.byEmail[string(a.Account)]; ok && a.Organization {
			keys = append(keys, key)
		}
	}
	slices.Sort(keys)
	if len(keys) == 0 || slices.Contains(keys, def) {
		return def
	}
	return keys[0]
}
