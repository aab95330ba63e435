package importer

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/layer/billing"
	"github.com/groundwork-aws/groundwork/internal/spec"
)

// Written where the billing section would be when the import leaves the
// layer off, as for the other layers (see loggingNotRead).
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
	kinds.KindBillingTopic: true, kinds.KindBudget: true, kinds.KindBillingAlarm: true,
	kinds.KindCostReport: true, kinds.KindCostReportBucket: true, kinds.KindCostAllocationTags: true,
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
const placeholderUSD = "1"

// topicARNPattern is an SNS topic's ARN from its Region, account and name.
const topicARNPattern = "arn:aws:sns:%s:%s:%s"

// BillingHint returns where groundwork's billing layer would be for the
// import of actual with opts: the desired billing layer of the would-be
// spec with a budget, a billing alarm and a report, for
// inventory.CollectBilling. It names groundwork's defaults until
// actual.Billing has been read; then it names what the import would take
// as groundwork's (a budget or alarm notifying the billing topic, the
// account's only report and its bucket) and every budget the account has,
// so that their subscribers are read. Each read can find names the one
// before could not see (a budget's subscribers name the billing topic),
// so a caller reads again until the hint names nothing new. actual needs
// only its organization layer; the errors are those of Spec.
func BillingHint(actual *estate.Estate, opts Options) (*estate.Billing, error) {
	im, err := start(actual, opts)
	if err != nil {
		return nil, err
	}
	names := im.billingNames()
	f, err := im.withSection(&im.billing, im.billingProbe(names))
	if err != nil {
		// A name the account has that the spec refuses: look where
		// groundwork's defaults would be instead.
		if f, err = im.withSection(&im.billing, im.billingProbe(defaultBillingNames())); err != nil {
			return nil, fmt.Errorf("import: the billing layer's probe spec does not validate (a groundwork bug; please report it with these messages):\n%v", err)
		}
	}
	hint := f.Desired().Billing
	if actual.Billing != nil {
		for name := range actual.Billing.Budgets {
			if hint.Budgets[name] == nil {
				hint.Budgets[name] = &estate.Budget{Name: name}
			}
		}
	}
	return hint, nil
}

// billingProbe is a billing section with every part, under the given
// names. Its amounts and subscriber are placeholders: reading needs names
// only.
func (im *importer) billingProbe(names billingNames) *node {
	n := newNode()
	n.child("topic").set("name", names.topic).set("subscribers", []string{im.mgmt.Email})
	n.child("budget").set("name", names.budget).set("monthly_usd", raw(placeholderUSD))
	n.child("billing_alarm").set("name", names.alarm).set("threshold_usd", raw(placeholderUSD))
	cur := n.child("cur").set("name", names.report)
	if names.bucket != "" {
		cur.set("bucket", names.bucket)
	}
	return n
}

// billingNames are the names of groundwork's billing layer in an
// organization; bucket is "" for the default report bucket. byShape says
// the budget was taken as groundwork's by its shape alone (see
// billingNames).
type billingNames struct {
	topic, budget, alarm, report, bucket string
	byShape                              bool
}

func defaultBillingNames() billingNames {
	return billingNames{topic: billing.DefaultBillingTopic, budget: billing.DefaultBudgetName,
		alarm: billing.DefaultBillingAlarm, report: billing.DefaultCostReport}
}

// billingNames finds groundwork's billing layer in actual.Billing: the
// topic by its default name, else the topic a budget or billing alarm of
// the management account notifies (the default-named ones first); the
// budget and the alarm by their default names, else the first by name
// that notifies that topic; the report by its default name, else the
// account's only report. What is not found keeps its default name. When
// the subscribers of budgets could not be read (moto lacks the
// operation), the budget is the only one shaped like groundwork's.
func (im *importer) billingNames() billingNames {
	n := defaultBillingNames()
	b := im.actual.Billing
	if b == nil {
		return n
	}
	mgmtID := im.actual.Organization.ManagementAccountID
	home := estate.Where{Account: estate.ManagementKey, Region: im.opts.HomeRegion}
	if t := b.Topics[home.Key(n.topic)]; t == nil || !t.Exists {
		if name := notifiedTopic(b, mgmtID); name != "" {
			n.topic = name
		}
	}
	homeARN := fmt.Sprintf(topicARNPattern, im.opts.HomeRegion, mgmtID, n.topic)
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
		for _, name := range sortedKeys(b.Alarms) {
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
	if r := b.Reports[n.report]; r != nil && r.Bucket != im.defaultReportBucket() {
		n.bucket = r.Bucket
	}
	return n
}

// notifiedTopic is the name of the first SNS topic of the management
// account that the default-named alarm or budget notifies, else any
// billing alarm or budget; "" when none does.
func notifiedTopic(b *estate.Billing, mgmtID string) string {
	var arns []string
	if a := b.Alarms[billing.DefaultBillingAlarm]; a != nil {
		arns = append(arns, a.Actions...)
	}
	if bud := b.Budgets[billing.DefaultBudgetName]; bud != nil {
		arns = append(arns, budgetTopics(bud)...)
	}
	for _, name := range sortedKeys(b.Alarms) {
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
// unless told otherwise (see billing.CostReportSpec.Bucket).
func (im *importer) defaultReportBucket() string {
	return fmt.Sprintf("aws-cur-%s-%s", im.actual.Organization.ManagementAccountID, im.opts.HomeRegion)
}

// importBilling writes the billing section when the billing topic exists
// in the home Region: `billing: {}` with the values the organization has
// where they differ from the defaults (topic name and subscribers, the
// budget's amount and thresholds, the alarm's threshold, the report's
// name, bucket and prefix, the cost allocation tags turned off). A part
// the inventory could not read is left off, with a comment saying so; a
// budget or alarm the spec cannot write (a limit in cents, say) is left
// out with a warning, and groundwork leaves it alone. What still differs
// is warned about.
func (im *importer) importBilling() {
	b := im.actual.Billing
	if b == nil {
		im.billingNote = billingNotRead + billingHowTo
		return
	}
	im.billingNote = billingNotFound + billingHowTo
	names := im.billingNames()
	home := estate.Where{Account: estate.ManagementKey, Region: im.opts.HomeRegion}
	topic := b.Topics[home.Key(names.topic)]
	if topic == nil || !topic.Exists {
		return
	}
	probe := newNode()
	probe.child("budget").set("monthly_usd", raw(placeholderUSD))
	probe.child("billing_alarm").set("threshold_usd", raw(placeholderUSD))
	defaults, err := im.withSection(&im.billing, probe)
	if err != nil {
		im.billingNote = billingLeftOff + billingHowTo
		im.warnf("the billing layer cannot be written in the spec, which refuses it (%v); it is left off", oneLine(err))
		return
	}
	def := *billing.SpecOf(defaults)

	n := newNode()
	tn := newNode()
	if names.topic != def.Topic.Name {
		tn.set("name", names.topic)
	}
	var subs []string
	for _, s := range topic.Subscriptions {
		if s.Protocol == "email" {
			subs = append(subs, s.Endpoint)
		}
	}
	if len(subs) > 0 && !sameSet(subs, def.Topic.Subscribers) {
		tn.set("subscribers", slices.Compact(slices.Sorted(slices.Values(subs))))
	}
	if len(tn.entries) > 0 {
		n.set("topic", tn)
	}
	if bud := b.Budgets[names.budget]; bud != nil {
		if bn := im.budgetNode(bud, def.Budget, names.byShape); bn != nil {
			n.set("budget", bn)
		}
	}
	if a := b.Alarms[names.alarm]; a != nil {
		if an := im.alarmNode(a, def.BillingAlarm); an != nil {
			n.set("billing_alarm", an)
		}
	}
	im.reportEntries(n, b, names, def.CUR)
	im.costTagEntries(n, b, defaults)

	f, err := im.withSection(&im.billing, n)
	if err != nil {
		im.billingNote = billingLeftOff + billingHowTo
		im.warnf("the billing layer of topic %s cannot be written in the spec, which refuses it (%v); it is left off", topic.Name, oneLine(err))
		return
	}
	im.billing = n
	for _, u := range b.Unread {
		im.warnf("billing layer: %s; the billing section says what the spec does about it", u)
	}
	im.warnChanges("billing", f, billingKinds)
}

// budgetNode writes a budget of the spec's kind (a monthly cost budget in
// US dollars, whole dollars and whole percentages); nil, with a warning,
// for any other. byShape says the budget was taken as groundwork's by its
// shape (see billingNames), which a comment then says.
func (im *importer) budgetNode(b *estate.Budget, def *billing.BudgetSpec, byShape bool) *node {
	leave := func(why string) *node {
		im.warnf("budget %s %s, which the spec cannot write; it is left out, and groundwork leaves it alone", b.Name, why)
		return nil
	}
	if b.Type != budgetTypeCost || b.TimeUnit != budgetMonthly {
		return leave(fmt.Sprintf("is a %s %s budget, not a MONTHLY COST one", b.TimeUnit, b.Type))
	}
	amount, ok := wholeAmount(b.Limit)
	if b.LimitUnit != budgetCurrency || !ok || amount < 1 {
		return leave(fmt.Sprintf("has a limit of %s %s, not whole US dollars", b.Limit, b.LimitUnit))
	}
	n := newNode()
	if b.Name != def.Name {
		n.set("name", b.Name)
	}
	n.set("monthly_usd", raw(strconv.Itoa(amount)))
	unread := false
	for _, t := range []struct {
		typ, field string
		def        int
	}{{budgetActual, "actual_percent", *def.ActualPercent}, {budgetForecast, "forecast_percent", *def.ForecastPercent}} {
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
				n.set(t.field, raw(strconv.Itoa(p)))
			}
			break
		}
	}
	switch {
	case byShape:
		n.set("", comment(billingBudgetByShape))
	case unread:
		n.set("", comment(billingSubscribersUnread))
	}
	return n
}

// alarmNode writes the billing alarm's name and threshold; nil, with a
// warning, when the threshold is not whole US dollars.
func (im *importer) alarmNode(a *estate.BillingAlarm, def *billing.BillingAlarmSpec) *node {
	threshold, ok := wholeAmount(estate.FormatAmount(a.Threshold))
	if !ok || threshold < 1 {
		im.warnf("billing alarm %s has a threshold of %s, not whole US dollars, which the spec cannot write; it is left out, and groundwork leaves it alone",
			a.Name, estate.FormatAmount(a.Threshold))
		return nil
	}
	n := newNode()
	if a.Name != def.Name {
		n.set("name", a.Name)
	}
	return n.set("threshold_usd", raw(strconv.Itoa(threshold)))
}

// reportEntries writes the cur entry: the report's name, bucket and prefix
// where they are not the defaults; `enabled: false` when the account has
// no report the import takes as groundwork's, or when the definitions
// were not read.
func (im *importer) reportEntries(n *node, b *estate.Billing, names billingNames, def billing.CostReportSpec) {
	if b.Reports == nil {
		n.set("", comment(billingReportsUnread))
		n.set("cur", newNode().set("enabled", false))
		return
	}
	r := b.Reports[names.report]
	if r == nil {
		if len(b.Reports) > 0 {
			n.set("", comment(fmt.Sprintf("The account's Cost and Usage Reports (%s) are not groundwork's; groundwork leaves them alone.\n"+
				"Set cur.name to one of them to have groundwork manage it.", strings.Join(sortedKeys(b.Reports), ", "))))
		}
		n.set("cur", newNode().set("enabled", false))
		return
	}
	c := newNode()
	if r.Name != def.Name {
		c.set("name", r.Name)
	}
	if r.Bucket != im.defaultReportBucket() {
		c.set("bucket", r.Bucket)
	}
	if r.Prefix != def.Prefix {
		c.set("prefix", r.Prefix)
	}
	if len(c.entries) > 0 {
		n.set("cur", c)
	}
}

// costTagEntries writes `cost_allocation_tags: false` when none of the
// tagging dictionary's keys is active and some could be activated (AWS
// has seen them): activating them would be a change the organization has
// not made. Keys AWS has not seen yet cannot be active, so they alone
// leave the default. It writes false, with a comment, when the status was
// not read.
func (im *importer) costTagEntries(n *node, b *estate.Billing, defaults *spec.Foundation) {
	if b.CostAllocationTags == nil {
		n.set("", comment(billingTagsUnread))
		n.set("cost_allocation_tags", false)
		return
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
		n.set("cost_allocation_tags", false)
	}
}

// wholeAmount parses an amount that is a whole number ("1000", "1000.0").
func wholeAmount(s string) (int, bool) {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v != math.Trunc(v) || math.Abs(v) > math.MaxInt32 {
		return 0, false
	}
	return int(v), true
}
