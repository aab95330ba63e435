package billing

import (
	"context"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/importer"
	"github.com/groundwork-aws/groundwork/internal/inventory"
	"github.com/groundwork-aws/groundwork/internal/spec"
)

// billingKey is the billing section's key.
const billingKey = SpecKey

func init() {
	importer.RegisterSection(importer.SectionType{Key: billingKey, Order: 400, Read: readBilling, Write: writeBilling})
}

// Written where the billing section would be when the import leaves the
// layer off: why, and how to turn it on.
const (
	billingNotRead  = "billing: the billing layer was not looked for, so groundwork's billing layer stays off."
	billingNotFound = "billing: no billing topic was found, so groundwork's billing layer stays off."
	billingLeftOff  = "billing: the billing layer could not be imported (see the warnings above), so it stays off."
	billingHowTo    = "\nTo have groundwork build it (a billing topic, the hourly Cost and Usage Report, the tagging\n" +
		"dictionary's keys as cost allocation tags; a budget and a billing alarm once given amounts),\nadd the line `billing: {}`."
)

// Written in the billing section where the inventory could not read a
// part (moto, for one, lacks these operations): the spec then leaves off
// what it cannot see rather than guess at it.
const (
	billingReportsUnread = "The Cost and Usage Report definitions could not be read, so it is not known whether the\n" +
		"account has a report; the spec leaves the report off. Remove `enabled: false` to have\n" +
		"groundwork build and manage it."
	billingTagsUnread = "The status of the cost allocation tags could not be read, so the spec leaves their activation\n" +
		"off. Remove this line to have groundwork activate the tagging dictionary's keys."
	billingSubscribersUnread = "The subscribers of the budget's notifications could not be read; groundwork has them notify\n" +
		"the billing topic."
	billingBudgetByShape = "The subscribers of the budget's notifications could not be read, so which topic it notifies is\n" +
		"not known; it is taken as groundwork's budget because it is the account's only monthly cost\n" +
		"budget that notifies on actual and forecast spend. groundwork has them notify the billing topic."
)

// billingKinds are the kinds that carry out the billing layer.
var billingKinds = map[string]bool{
	KindBillingTopic: true, KindBudget: true, KindBillingAlarm: true,
	KindCostReport: true, KindCostReportBucket: true, KindCostAllocationTags: true,
}

// The budget the spec builds: a monthly cost budget in US dollars that
// notifies GREATER_THAN a percentage of it, on actual and on forecast
// spend, up to maxSpecPercent (the spec's own bound, unexported there).
const (
	budgetTypeCost = "COST"
	budgetMonthly  = "MONTHLY"
	budgetCurrency = "USD"
	budgetActual   = "ACTUAL"
	budgetForecast = "FORECASTED"
	budgetOver     = "GREATER_THAN"
	budgetPercent  = "PERCENTAGE"
	maxSpecPercent = 1000
)

// placeholderUSD is the amount of probe specs' budget and alarm: the spec
// requires one, and the probes need only names and defaults.
const placeholderUSD = 1

// topicARNPattern is an SNS topic's ARN from its Region, account and name.
const topicARNPattern = "arn:aws:sns:%s:%s:%s"

// ImportHint returns where groundwork's billing layer would be in the
// organization im imports: the desired billing layer of the would-be spec with a budget, a billing
// alarm and a report, for Read. It names groundwork's
// defaults until actual.Billing has been read; then it names what the
// import would take as groundwork's (a budget or alarm notifying the
// billing topic, the account's only report and its bucket) and every
// budget the account has, so that their subscribers are read. Each read
// can find names the one before could not see (a budget's subscribers
// name the billing topic), so readBilling reads again until the hint
// names nothing new.
func ImportHint(im *importer.Import) (*estate.Billing, error) {
	names := findBillingNames(im)
	f, err := im.Probe(billingKey, billingProbe(im, names))
	if err != nil {
		// A name the account has that the spec refuses: look where
		// groundwork's defaults would be instead.
		if f, err = im.Probe(billingKey, billingProbe(im, defaultBillingNames())); err != nil {
			return nil, fmt.Errorf("import: the billing layer's probe spec does not validate (a groundwork bug; please report it with these messages):\n%v", err)
		}
	}
	hint := f.Desired().Billing
	if b := im.Actual().Billing; b != nil {
		for name := range b.Budgets {
			if hint.Budgets[name] == nil {
				hint.Budgets[name] = &estate.Budget{Name: name}
			}
		}
	}
	return hint, nil
}

// maxBillingReads bounds the reads of the billing layer: each read can
// find names only the one before looked at (the budgets' subscribers name
// the billing topic), and the chain is at most that long: defaults, then
// every budget, then the topic they notify.
const maxBillingReads = 3

// readBilling reads the billing layer where ImportHint says into
// actual.Billing. The first read looks under groundwork's names; when the
// organization's layer turns out to be named otherwise (a budget that
// notifies the billing topic under another name, say), the next read
// looks there too, for what is read only of a part the hint names (a
// budget's subscribers, the topic, the report bucket). A part the
// endpoint cannot answer for is left nil and named in
// actual.Billing.Unread, which writeBilling writes into the spec. A read
// that fails is passed to r.Warn and leaves actual.Billing nil: the
// import then leaves billing off.
func readBilling(ctx context.Context, r inventory.Reader, im *importer.Import) error {
	actual := im.Actual()
	var last *estate.Billing
	for range maxBillingReads {
		hint, err := ImportHint(im)
		if err != nil || hint == nil || (last != nil && sameBillingNames(hint, last)) {
			return err
		}
		// Warn is set so that an unreadable part does not fail the read;
		// what it would say is in actual.Billing.Unread already.
		err = Read(ctx, inventory.Reader{Session: r.Session, Width: r.Width, Progress: r.Progress, Warn: func(error) {}}, actual, hint)
		if err != nil {
			actual.Billing = nil
			r.Warn(fmt.Errorf("the billing layer was not read, so the spec leaves it off: %w", err))
			return nil
		}
		last = hint
	}
	return nil
}

// sameBillingNames tells whether two billing layers name the same topics,
// budgets, alarms, reports and report bucket.
func sameBillingNames(a, b *estate.Billing) bool {
	bucket := func(x *estate.Billing) string {
		if x.ReportBucket == nil {
			return ""
		}
		return x.ReportBucket.Name
	}
	return slices.Equal(slices.Sorted(maps.Keys(a.Topics)), slices.Sorted(maps.Keys(b.Topics))) &&
		slices.Equal(slices.Sorted(maps.Keys(a.Budgets)), slices.Sorted(maps.Keys(b.Budgets))) &&
		slices.Equal(slices.Sorted(maps.Keys(a.Alarms)), slices.Sorted(maps.Keys(b.Alarms))) &&
		slices.Equal(slices.Sorted(maps.Keys(a.Reports)), slices.Sorted(maps.Keys(b.Reports))) &&
		bucket(a) == bucket(b)
}

// billingProbe is a billing section with every part, under the given
// names. Its amounts and subscriber are placeholders: reading needs names
// only.
func billingProbe(im *importer.Import, names billingNames) *Spec {
	return &Spec{
		Topic:        BillingTopicSpec{Name: names.topic, Subscribers: []string{managementEmail(im.Actual())}},
		Budget:       &BudgetSpec{Name: names.budget, MonthlyUSD: placeholderUSD},
		BillingAlarm: &BillingAlarmSpec{Name: names.alarm, ThresholdUSD: placeholderUSD},
		CUR:          CostReportSpec{Name: names.report, Bucket: names.bucket},
	}
}

// managementEmail is the e-mail of the organization's management account.
func managementEmail(actual *estate.Estate) string {
	for _, a := range actual.Accounts {
		if actual.IsManagement(a) {
			return a.Email
		}
	}
	return ""
}

// billingNames are the names of groundwork's billing layer in an
// organization; bucket is "" for the default report bucket. byShape says
// the budget was taken as groundwork's by its shape alone (see
// findBillingNames).
type billingNames struct {
	topic, budget, alarm, report, bucket string
	byShape                              bool
}

func defaultBillingNames() billingNames {
	return billingNames{topic: DefaultBillingTopic, budget: DefaultBudgetName,
		alarm: DefaultBillingAlarm, report: DefaultCostReport}
}

// billingNames finds groundwork's billing layer in actual.Billing: the
// topic by its default name, else the topic a budget or billing alarm of
// the management account notifies (the default-named ones first); the
// budget and the alarm by their default names, else the first by name
// that notifies that topic; the report by its default name, else the
// account's only report. What is not found keeps its default name. When
// the subscribers of budgets could not be read (moto lacks the
// operation), the budget is the only one shaped like groundwork's.
func findBillingNames(im *importer.Import) billingNames {
	n := defaultBillingNames()
	actual, home := im.Actual(), im.Options().HomeRegion
	b := actual.Billing
	if b == nil {
		return n
	}
	mgmtID := actual.Organization.ManagementAccountID
	where := estate.Where{Account: estate.ManagementKey, Region: home}
	if t := b.Topics[where.Key(n.topic)]; t == nil || !t.Exists {
		if name := notifiedTopic(b, mgmtID); name != "" {
			n.topic = name
		}
	}
	homeARN := fmt.Sprintf(topicARNPattern, home, mgmtID, n.topic)
	if b.Budgets[n.budget] == nil {
		var shaped []string
		for _, bud := range b.SortedBudgets() {
			if slices.Contains(budgetTopics(bud), homeARN) {
				n.budget, shaped = bud.Name, nil
				break
			}
			if groundworkShaped(bud) {
				shaped = append(shaped, bud.Name)
			}
		}
		if len(shaped) == 1 {
			n.budget, n.byShape = shaped[0], true
		}
	}
	alarmARN := fmt.Sprintf(topicARNPattern, estate.BillingRegion, mgmtID, n.topic)
	if b.Alarms[n.alarm] == nil {
		for _, name := range slices.Sorted(maps.Keys(b.Alarms)) {
			if slices.Contains(b.Alarms[name].Actions, alarmARN) {
				n.alarm = name
				break
			}
		}
	}
	if b.Reports[n.report] == nil && len(b.Reports) == 1 {
		for name := range b.Reports {
			n.report = name
		}
	}
	if r := b.Reports[n.report]; r != nil && r.Bucket != defaultReportBucket(im) {
		n.bucket = r.Bucket
	}
	return n
}

// notifiedTopic is the name of the first SNS topic of the management
// account that the default-named alarm or budget notifies, else any
// billing alarm or budget; "" when none does.
func notifiedTopic(b *estate.Billing, mgmtID string) string {
	var arns []string
	if a := b.Alarms[DefaultBillingAlarm]; a != nil {
		arns = append(arns, a.Actions...)
	}
	if bud := b.Budgets[DefaultBudgetName]; bud != nil {
		arns = append(arns, budgetTopics(bud)...)
	}
	for _, name := range slices.Sorted(maps.Keys(b.Alarms)) {
		arns = append(arns, b.Alarms[name].Actions...)
	}
	for _, bud := range b.SortedBudgets() {
		arns = append(arns, budgetTopics(bud)...)
	}
	for _, arn := range arns {
		// arn:aws:sns:REGION:ACCOUNT:NAME
		parts := strings.Split(arn, ":")
		if len(parts) == 6 && parts[2] == "sns" && parts[4] == mgmtID && parts[5] != "" {
			return parts[5]
		}
	}
	return ""
}

// groundworkShaped tells a budget shaped like groundwork's (monthly, cost,
// in US dollars, notifying on actual and forecast spend past a
// percentage) whose subscribers were not read.
func groundworkShaped(b *estate.Budget) bool {
	if b.Type != budgetTypeCost || b.TimeUnit != budgetMonthly || b.LimitUnit != budgetCurrency {
		return false
	}
	found := map[string]bool{}
	for _, n := range b.Notifications {
		if n.Subscribers != nil {
			return false
		}
		if n.Comparison == budgetOver && n.ThresholdType == budgetPercent {
			found[n.Type] = true
		}
	}
	return found[budgetActual] && found[budgetForecast]
}

// budgetTopics are the SNS topics a budget's notifications go to, as far
// as they were read.
func budgetTopics(b *estate.Budget) []string {
	var out []string
	for _, n := range b.Notifications {
		for _, s := range n.Subscribers {
			if s.Type == "SNS" {
				out = append(out, s.Address)
			}
		}
	}
	return out
}

// defaultReportBucket is the bucket the spec delivers the report to
// unless told otherwise (see CostReportSpec.Bucket).
func defaultReportBucket(im *importer.Import) string {
	return fmt.Sprintf("aws-cur-%s-%s", im.Actual().Organization.ManagementAccountID, im.Options().HomeRegion)
}

// writeBilling writes the billing section when the billing topic exists
// in the home Region: `billing: {}` with the values the organization has
// where they differ from the defaults (topic name and subscribers, the
// budget's amount and thresholds, the alarm's threshold, the report's
// name, bucket and prefix, the cost allocation tags turned off). A part
// the inventory could not read is left off, with a comment saying so; a
// budget or alarm the spec cannot write (a limit in cents, say) is left
// out with a warning, and groundwork leaves it alone. What still differs
// is warned about.
func writeBilling(im *importer.Import) (any, string, error) {
	b := im.Actual().Billing
	if b == nil {
		return nil, billingNotRead + billingHowTo, nil
	}
	names := findBillingNames(im)
	home := estate.Where{Account: estate.ManagementKey, Region: im.Options().HomeRegion}
	topic := b.Topics[home.Key(names.topic)]
	if topic == nil || !topic.Exists {
		return nil, billingNotFound + billingHowTo, nil
	}
	defaults, err := im.Probe(billingKey, &Spec{
		Budget:       &BudgetSpec{MonthlyUSD: placeholderUSD},
		BillingAlarm: &BillingAlarmSpec{ThresholdUSD: placeholderUSD},
	})
	if err != nil {
		im.Warnf("the billing layer cannot be written in the spec, which refuses it (%v); it is left off", importer.OneLine(err))
		return nil, billingLeftOff + billingHowTo, nil
	}
	def := SpecOf(defaults)

	s := &Spec{}
	if names.topic != def.Topic.Name {
		s.Topic.Name = names.topic
	}
	var subs []string
	for _, sub := range topic.Subscriptions {
		if sub.Protocol == "email" {
			subs = append(subs, sub.Endpoint)
		}
	}
	if len(subs) > 0 && !importer.SameSet(subs, def.Topic.Subscribers) {
		s.Topic.Subscribers = slices.Compact(slices.Sorted(slices.Values(subs)))
	}
	var budgetNote string
	if bud := b.Budgets[names.budget]; bud != nil {
		s.Budget, budgetNote = budgetSpec(im, bud, def.Budget, names.byShape)
	}
	if a := b.Alarms[names.alarm]; a != nil {
		s.BillingAlarm = alarmSpec(im, a, def.BillingAlarm)
	}
	var reportNote, tagsNote string
	s.CUR, reportNote = reportSpec(im, b, names, def.CUR)
	s.CostAllocationTags, tagsNote = costTags(b, defaults)

	n := importer.Encode(s)
	if budgetNote != "" {
		n.Lookup(importer.FieldKey(s, &s.Budget)).Comment(budgetNote)
	}
	if reportNote != "" {
		n.CommentBefore(importer.FieldKey(s, &s.CUR), reportNote)
	}
	if tagsNote != "" {
		n.CommentBefore(importer.FieldKey(s, &s.CostAllocationTags), tagsNote)
	}
	f, err := im.Probe(billingKey, n)
	if err != nil {
		im.Warnf("the billing layer of topic %s cannot be written in the spec, which refuses it (%v); it is left off", topic.Name, importer.OneLine(err))
		return nil, billingLeftOff + billingHowTo, nil
	}
	for _, u := range b.Unread {
		im.Warnf("billing layer: %s; the billing section says what the spec does about it", u)
	}
	im.WarnChanges(billingKey, f, func(kind string) bool { return billingKinds[kind] })
	return n, "", nil
}

// budgetSpec writes a budget of the spec's kind (a monthly cost budget in
// US dollars, whole dollars and whole percentages); nil, with a warning,
// for any other. byShape says the budget was taken as groundwork's by its
// shape (see findBillingNames), and note then says so; note also says when
// the budget's subscribers were not read.
func budgetSpec(im *importer.Import, b *estate.Budget, def *BudgetSpec, byShape bool) (_ *BudgetSpec, note string) {
	leave := func(why string) (*BudgetSpec, string) {
		im.Warnf("budget %s %s, which the spec cannot write; it is left out, and groundwork leaves it alone", b.Name, why)
		return nil, ""
	}
	if b.Type != budgetTypeCost || b.TimeUnit != budgetMonthly {
		return leave(fmt.Sprintf("is a %s %s budget, not a MONTHLY COST one", b.TimeUnit, b.Type))
	}
	amount, ok := wholeAmount(b.Limit)
	if b.LimitUnit != budgetCurrency || !ok || amount < 1 {
		return leave(fmt.Sprintf("has a limit of %s %s, not whole US dollars", b.Limit, b.LimitUnit))
	}
	s := &BudgetSpec{MonthlyUSD: amount}
	if b.Name != def.Name {
		s.Name = b.Name
	}
	unread := false
	for _, t := range []struct {
		typ   string
		field **int
		def   int
	}{{budgetActual, &s.ActualPercent, *def.ActualPercent}, {budgetForecast, &s.ForecastPercent, *def.ForecastPercent}} {
		for _, nt := range b.Notifications {
			if nt.Type != t.typ || nt.Comparison != budgetOver || nt.ThresholdType != budgetPercent {
				continue
			}
			if nt.Subscribers == nil {
				unread = true
			}
			p, ok := wholeAmount(estate.FormatAmount(nt.Threshold))
			if !ok || p < 1 || p > maxSpecPercent {
				return leave(fmt.Sprintf("notifies at %s%% of %s spend, not a whole percentage from 1 to %d",
					estate.FormatAmount(nt.Threshold), strings.ToLower(t.typ), maxSpecPercent))
			}
			if p != t.def {
				*t.field = &p
			}
			break
		}
	}
	switch {
	case byShape:
		note = billingBudgetByShape
	case unread:
		note = billingSubscribersUnread
	}
	return s, note
}

// alarmSpec writes the billing alarm's name and threshold; nil, with a
// warning, when the threshold is not whole US dollars.
func alarmSpec(im *importer.Import, a *estate.BillingAlarm, def *BillingAlarmSpec) *BillingAlarmSpec {
	threshold, ok := wholeAmount(estate.FormatAmount(a.Threshold))
	if !ok || threshold < 1 {
		im.Warnf("billing alarm %s has a threshold of %s, not whole US dollars, which the spec cannot write; it is left out, and groundwork leaves it alone",
			a.Name, estate.FormatAmount(a.Threshold))
		return nil
	}
	s := &BillingAlarmSpec{ThresholdUSD: threshold}
	if a.Name != def.Name {
		s.Name = a.Name
	}
	return s
}

// reportSpec writes the cur entry: the report's name, bucket and prefix
// where they are not the defaults; `enabled: false` when the account has
// no report the import takes as groundwork's, or when the definitions
// were not read, which note then says.
func reportSpec(im *importer.Import, b *estate.Billing, names billingNames, def CostReportSpec) (s CostReportSpec, note string) {
	if b.Reports == nil {
		return CostReportSpec{Enabled: new(false)}, billingReportsUnread
	}
	r := b.Reports[names.report]
	if r == nil {
		if len(b.Reports) > 0 {
			note = fmt.Sprintf("The account's Cost and Usage Reports (%s) are not groundwork's; groundwork leaves them alone.\n"+
				"Set cur.name to one of them to have groundwork manage it.", strings.Join(slices.Sorted(maps.Keys(b.Reports)), ", "))
		}
		return CostReportSpec{Enabled: new(false)}, note
	}
	if r.Name != def.Name {
		s.Name = r.Name
	}
	if r.Bucket != defaultReportBucket(im) {
		s.Bucket = r.Bucket
	}
	if r.Prefix != def.Prefix {
		s.Prefix = r.Prefix
	}
	return s, ""
}

// costTags returns false when none of the tagging dictionary's keys is
// active and some could be activated (AWS has seen them): activating them
// would be a change the organization has not made. Keys AWS has not seen
// yet cannot be active, so they alone leave the default (nil). It returns
// false, with a note, when the status was not read.
func costTags(b *estate.Billing, defaults *spec.Foundation) (_ *bool, note string) {
	if b.CostAllocationTags == nil {
		return new(false), billingTagsUnread
	}
	active, inactive := false, false
	for key := range defaults.Desired().Billing.CostAllocationTags {
		switch b.CostAllocationTags[key] {
		case estate.CostTagActive:
			active = true
		case estate.CostTagInactive:
			inactive = true
		}
	}
	if !active && inactive {
		return new(false), ""
	}
	return nil, ""
}

// wholeAmount parses an amount that is a whole number ("1000", "1000.0").
func wholeAmount(s string) (int, bool) {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v != math.Trunc(v) || math.Abs(v) > math.MaxInt32 {
		return 0, false
	}
	return int(v), true
}
