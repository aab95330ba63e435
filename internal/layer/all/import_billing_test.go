package all_test

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/importer"
	"github.com/groundwork-aws/groundwork/internal/layer/billing"
	"github.com/groundwork-aws/groundwork/internal/spec"
)

// billingDesired returns the billing layer that the given billing section
// builds on top of the spec import writes for e: the same organization,
// tagging dictionary and contacts, so that the layer is the one the
// organization would have had groundwork built it.
func billingDesired(t *testing.T, e *estate.Estate, section string) *estate.Billing {
	t.Helper()
	saved := e.Billing
	e.Billing = nil
	res, err := importer.Spec(e, opts)
	e.Billing = saved
	if err != nil {
		t.Fatal(err)
	}
	src := string(res.YAML) + "billing: " + section + "\n"
	f, err := spec.Parse("billing.yaml", []byte(src))
	if err != nil {
		t.Fatalf("%v\n%s", err, src)
	}
	return f.Desired().Billing
}

// addBilling gives e the billing layer of the given section as the
// inventory reads it once applied, with the hint of BillingHint: every
// reference resolved, a report the section turns off read as absent, and
// cost allocation tags it turns off read as inactive.
func addBilling(t *testing.T, e *estate.Estate, section string) {
	t.Helper()
	want := billingDesired(t, e, section)
	resolve := func(s string) string {
		t.Helper()
		out, ok := estate.Resolve(s, e.Lookup)
		if !ok {
			t.Fatalf("unresolved reference in %s", s)
		}
		return out
	}
	b := estate.NewBilling()
	for key, tp := range want.Topics {
		c := *tp
		c.ARN = fmt.Sprintf("arn:aws:sns:%s:%s:%s", tp.Region, mgmtID, tp.Name)
		c.Policy = resolve(tp.Policy)
		c.Subscriptions = nil
		for _, s := range tp.Subscriptions {
			s.Confirmed = true
			c.Subscriptions = append(c.Subscriptions, s)
		}
		b.Topics[key] = &c
	}
	for name, bud := range want.Budgets {
		c := *bud
		c.Notifications = nil
		for _, n := range bud.Notifications {
			subs := make([]estate.BudgetSubscriber, len(n.Subscribers))
			for i, s := range n.Subscribers {
				subs[i] = estate.BudgetSubscriber{Type: s.Type, Address: resolve(s.Address)}
			}
			n.Subscribers = subs
			c.Notifications = append(c.Notifications, n)
		}
		b.Budgets[name] = &c
	}
	for name, a := range want.Alarms {
		c := *a
		c.ARN = fmt.Sprintf("arn:aws:cloudwatch:%s:%s:alarm:%s", a.Region, mgmtID, a.Name)
		c.Actions = nil
		for _, act := range a.Actions {
			c.Actions = append(c.Actions, resolve(act))
		}
		b.Alarms[name] = &c
	}
	b.Reports = map[string]*estate.CostReport{}
	for name, r := range want.Reports {
		c := *r
		c.Bucket = resolve(r.Bucket)
		b.Reports[name] = &c
	}
	if rb := want.ReportBucket; rb != nil {
		c := *rb
		c.Name, c.Policy = resolve(rb.Name), resolve(rb.Policy)
		b.ReportBucket = &c
	}
	b.CostAllocationTags = map[string]string{}
	for k, v := range want.CostAllocationTags {
		b.CostAllocationTags[k] = v
	}
	if want.CostAllocationTags == nil {
		hint, err := billingHint(e, opts)
		if err != nil {
			t.Fatal(err)
		}
		for k := range hint.CostAllocationTags {
			b.CostAllocationTags[k] = estate.CostTagInactive
		}
	}
	e.Billing = b
}

// withBilling is the groundwork foundation with the billing layer of the
// given section.
func withBilling(section string, mutate func(e *estate.Estate)) func(t *testing.T) *estate.Estate {
	return func(t *testing.T) *estate.Estate {
		t.Helper()
		e := groundworkFoundation(t)
		addBilling(t, e, section)
		if mutate != nil {
			mutate(e)
		}
		return e
	}
}

// allBilling sets every field of the billing section to a value other than
// its default.
const allBilling = "{topic: {name: cost-alerts, subscribers: [finance@example.com, cfo@example.com]}," +
	" budget: {name: company-cap, monthly_usd: 2500, actual_percent: 75, forecast_percent: 110}," +
	" billing_alarm: {name: charges-over, threshold_usd: 900}," +
	" cur: {name: hourly-report, bucket: reports-of-primary, prefix: billing/cur}," +
	" cost_allocation_tags: false}"

// TestBillingRoundTrip imports organizations built from billing sections
// and checks that the imported spec builds the very same billing layer: a
// value the import drops or misreads makes the layers differ.
func TestBillingRoundTrip(t *testing.T) {
	for name, section := range map[string]string{
		"defaults":                       "{}",
		"every value its own":            allBilling,
		"budget and alarm, no CUR":       "{budget: {monthly_usd: 1000}, billing_alarm: {threshold_usd: 500}, cur: {enabled: false}}",
		"report of its own name":         "{cur: {name: mine}}",
		"thresholds of ten times":        "{budget: {monthly_usd: 1, actual_percent: 1000, forecast_percent: 1}}",
		"subscribers of the default":     "{topic: {subscribers: [aws-management-account-primary-billing@example.com]}}",
		"topic named by its budget only": "{topic: {name: spend}, budget: {name: cap, monthly_usd: 5}, cur: {enabled: false}}",
	} {
		t.Run(name, func(t *testing.T) {
			e := groundworkFoundation(t)
			want := billingDesired(t, e, section)
			addBilling(t, e, section)
			res, err := importer.Spec(e, opts)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Warnings) > 0 {
				t.Errorf("warnings:\n  %s", strings.Join(res.Warnings, "\n  "))
			}
			f, err := spec.Parse("imported.yaml", res.YAML)
			if err != nil {
				t.Fatalf("%v\n%s", err, res.YAML)
			}
			if got := f.Desired().Billing; !reflect.DeepEqual(got, want) {
				t.Errorf("imported billing layer differs from the built one\n got: %s\nwant: %s\n--- YAML:\n%s",
					billingDump(got), billingDump(want), res.YAML)
			}
			roundTrip(t, e, res, nil)
		})
	}
}

// billingDump prints a billing layer with its pointers followed.
func billingDump(b *estate.Billing) string {
	if b == nil {
		return "nil"
	}
	var s strings.Builder
	for _, k := range slices.Sorted(mapsKeys(b.Topics)) {
		fmt.Fprintf(&s, "\n  topic %s: %+v", k, *b.Topics[k])
	}
	for _, k := range slices.Sorted(mapsKeys(b.Budgets)) {
		fmt.Fprintf(&s, "\n  budget %s: %+v", k, *b.Budgets[k])
	}
	for _, k := range slices.Sorted(mapsKeys(b.Alarms)) {
		fmt.Fprintf(&s, "\n  alarm %s: %+v", k, *b.Alarms[k])
	}
	for _, k := range slices.Sorted(mapsKeys(b.Reports)) {
		fmt.Fprintf(&s, "\n  report %s: %+v", k, *b.Reports[k])
	}
	if b.ReportBucket != nil {
		fmt.Fprintf(&s, "\n  report bucket: %+v", *b.ReportBucket)
	}
	fmt.Fprintf(&s, "\n  cost allocation tags: %v", b.CostAllocationTags)
	return s.String()
}

func mapsKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func TestBillingHint(t *testing.T) {
	e := groundworkFoundation(t)
	h, err := billingHint(e, opts)
	if err != nil {
		t.Fatal(err)
	}
	home := estate.Where{Account: estate.ManagementKey, Region: "us-east-1"}
	if h.Topics[home.Key(billing.DefaultBillingTopic)] == nil || h.Budgets[billing.DefaultBudgetName] == nil ||
		h.Alarms[billing.DefaultBillingAlarm] == nil || h.Reports[billing.DefaultCostReport] == nil || h.ReportBucket == nil ||
		len(h.CostAllocationTags) == 0 {
		t.Errorf("BillingHint before a read = %s; want every part under its default name", billingDump(h))
	}
	// Once read, the hint names what the organization has: the topic its
	// alarm notifies, the budget that notifies the topic, its only report.
	addBilling(t, e, allBilling)
	h, err = billingHint(e, opts)
	if err != nil {
		t.Fatal(err)
	}
	if h.Topics[home.Key("cost-alerts")] == nil || h.Budgets["company-cap"] == nil || h.Alarms["charges-over"] == nil ||
		h.Reports["hourly-report"] == nil || h.ReportBucket == nil || h.ReportBucket.Name != "reports-of-primary" {
		t.Errorf("BillingHint after a read = %s; want the organization's names", billingDump(h))
	}
	// Every budget is named, so that the next read gets their
	// subscribers, which tell groundwork's budget.
	e.Billing.Budgets["team"] = &estate.Budget{Name: "team", Type: "COST", TimeUnit: "MONTHLY", Limit: "50", LimitUnit: "USD"}
	if h, err = billingHint(e, opts); err != nil || h.Budgets["team"] == nil || h.Budgets["company-cap"] == nil {
		t.Errorf("BillingHint with another budget = %s, %v; want it named too", billingDump(h), err)
	}
	// A bucket name the spec refuses (S3 once allowed capitals in
	// us-east-1): the hint looks where groundwork's would be.
	e.Billing.Reports["hourly-report"].Bucket = "Legacy_Reports"
	if h, err = billingHint(e, opts); err != nil || h.ReportBucket == nil || !strings.HasPrefix(h.ReportBucket.Name, "aws-cur-") {
		t.Errorf("BillingHint with a bucket the spec refuses = %s, %v; want the default bucket", billingDump(h), err)
	}
	if _, err := billingHint(estate.New(), opts); err == nil {
		t.Error("BillingHint of an estate without an organization succeeded")
	}
}

// moto lacks DescribeSubscribersForNotification, DescribeReportDefinitions
// and ListCostAllocationTags; the inventory then leaves those parts nil
// and says so in Unread (see inventory.CollectBilling).
var billingMotoUnread = []string{
	"the Cost and Usage Report definitions were not read (the report cannot be planned, and its check is skipped)",
	"the cost allocation tags were not read (their activation cannot be planned, and their check is skipped)",
}

func unreadLikeMoto(e *estate.Estate) {
	b := e.Billing
	b.Reports, b.ReportBucket, b.CostAllocationTags = nil, nil, nil
	for _, bud := range b.Budgets {
		for i := range bud.Notifications {
			bud.Notifications[i].Subscribers = nil
		}
	}
	b.Unread = append(b.Unread, billingMotoUnread...)
}

func TestBillingSpec(t *testing.T) {
	tests := map[string]struct {
		estate   func(t *testing.T) *estate.Estate
		contains []string
		absent   []string
		warnings []string
		changes  []string
	}{
		"billing layer as groundwork builds it": {
			estate:   withBilling("{}", nil),
			contains: []string{"\nbilling: {}\n"},
			absent:   []string{"# billing:"},
		},
		"billing layer not read": {
			estate:   func(t *testing.T) *estate.Estate { return groundworkFoundation(t) },
			contains: []string{"\n# billing: the billing layer was not looked for, so groundwork's billing layer stays off.\n# To have groundwork build it"},
			absent:   []string{"\nbilling:"},
		},
		"no billing topic": {
			estate: withBilling("{budget: {monthly_usd: 100}}", func(e *estate.Estate) {
				clear(e.Billing.Topics)
			}),
			contains: []string{"\n# billing: no billing topic was found", "add the line `billing: {}`"},
			absent:   []string{"\nbilling:"},
		},
		"parts moto cannot read": {
			estate: withBilling("{budget: {monthly_usd: 1000, actual_percent: 90}, billing_alarm: {threshold_usd: 500}}", unreadLikeMoto),
			contains: []string{
				"\nbilling:\n  budget:\n    monthly_usd: 1000\n    actual_percent: 90\n" +
					"    # The subscribers of the budget's notifications could not be read; groundwork has them notify\n    # the billing topic.\n" +
					"  billing_alarm:\n    threshold_usd: 500\n" +
					"  # The Cost and Usage Report definitions could not be read, so it is not known whether the\n",
				"  cur:\n    enabled: false\n  # The status of the cost allocation tags could not be read, so the spec leaves their activation\n" +
					"  # off. Remove this line to have groundwork activate the tagging dictionary's keys.\n  cost_allocation_tags: false\n",
			},
			warnings: []string{"billing layer: " + billingMotoUnread[0], "billing layer: " + billingMotoUnread[1]},
		},
		"budget known by its shape when its subscribers were not read": {
			estate: withBilling("{budget: {name: cap, monthly_usd: 300}, cur: {enabled: false}}", func(e *estate.Estate) {
				unreadLikeMoto(e)
				e.Billing.Budgets["team"] = &estate.Budget{Name: "team", Type: "COST", TimeUnit: "QUARTERLY", Limit: "50", LimitUnit: "USD",
					Notifications: []estate.BudgetNotification{}}
			}),
			contains: []string{"\nbilling:\n  budget:\n    name: cap\n    monthly_usd: 300\n" +
				"    # The subscribers of the budget's notifications could not be read, so which topic it notifies is\n"},
			warnings: []string{"billing layer: " + billingMotoUnread[0], "billing layer: " + billingMotoUnread[1]},
		},
		"two budgets of groundwork's shape, subscribers not read": {
			estate: withBilling("{budget: {name: cap, monthly_usd: 300}, cur: {enabled: false}}", func(e *estate.Estate) {
				c := *e.Billing.Budgets["cap"]
				c.Name = "cap-2"
				e.Billing.Budgets[c.Name] = &c
				unreadLikeMoto(e)
			}),
			absent:   []string{"  budget:"},
			warnings: []string{"billing layer: " + billingMotoUnread[0], "billing layer: " + billingMotoUnread[1]},
		},
		"budget in cents is left alone": {
			estate: withBilling("{budget: {monthly_usd: 1000}}", func(e *estate.Estate) {
				e.Billing.Budgets[billing.DefaultBudgetName].Limit = "999.5"
			}),
			contains: []string{"\nbilling: {}\n"},
			warnings: []string{"budget groundwork-monthly-cost has a limit of 999.5 USD, not whole US dollars, which the spec cannot write; it is left out"},
		},
		"budget lacking its forecast notification": {
			estate: withBilling("{budget: {monthly_usd: 1000}}", func(e *estate.Estate) {
				bud := e.Billing.Budgets[billing.DefaultBudgetName]
				bud.Notifications = slices.DeleteFunc(bud.Notifications, func(n estate.BudgetNotification) bool { return n.Type == "FORECASTED" })
			}),
			contains: []string{"\nbilling:\n  budget:\n    monthly_usd: 1000\n"},
			warnings: []string{"the billing layer differs from groundwork's in 1 place; plan shows them, and the next apply makes them: update budget/groundwork-monthly-cost (differs from the spec: adds notification FORECASTED/GREATER_THAN/100/PERCENTAGE)"},
			changes:  []string{"budget/groundwork-monthly-cost"},
		},
		"alarm threshold in cents is left alone": {
			estate: withBilling("{billing_alarm: {threshold_usd: 500}}", func(e *estate.Estate) {
				e.Billing.Alarms[billing.DefaultBillingAlarm].Threshold = 499.99
			}),
			contains: []string{"\nbilling: {}\n"},
			warnings: []string{"billing alarm groundwork-estimated-charges has a threshold of 499.99, not whole US dollars"},
		},
		"other budgets and alarms are not groundwork's": {
			estate: withBilling("{}", func(e *estate.Estate) {
				e.Billing.Budgets["team"] = &estate.Budget{Name: "team", Type: "COST", TimeUnit: "MONTHLY", Limit: "50", LimitUnit: "USD",
					Notifications: []estate.BudgetNotification{}}
				w := estate.Where{Account: estate.ManagementKey, Region: estate.BillingRegion}
				e.Billing.Alarms["mine"] = &estate.BillingAlarm{Where: w, Name: "mine", Threshold: 10,
					Actions: []string{"arn:aws:sns:us-east-1:" + mgmtID + ":elsewhere"}}
			}),
			contains: []string{"\nbilling: {}\n"},
		},
		"reports of other names": {
			estate: withBilling("{cur: {enabled: false}}", func(e *estate.Estate) {
				for _, n := range []string{"a", "b"} {
					e.Billing.Reports[n] = &estate.CostReport{Name: n, TimeUnit: "DAILY"}
				}
			}),
			contains: []string{"\nbilling:\n  # The account's Cost and Usage Reports (a, b) are not groundwork's; groundwork leaves them alone.\n" +
				"  # Set cur.name to one of them to have groundwork manage it.\n  cur:\n    enabled: false\n"},
		},
		"cost allocation tags AWS has not seen": {
			estate: withBilling("{}", func(e *estate.Estate) {
				for k := range e.Billing.CostAllocationTags {
					e.Billing.CostAllocationTags[k] = estate.CostTagUnseen
				}
			}),
			contains: []string{"\nbilling: {}\n"},
		},
		"one cost allocation tag active": {
			estate: withBilling("{cost_allocation_tags: false}", func(e *estate.Estate) {
				e.Billing.CostAllocationTags["Owner"] = estate.CostTagActive
			}),
			contains: []string{"\nbilling: {}\n"},
			warnings: []string{"the billing layer differs from groundwork's in 1 place; plan shows them, and the next apply makes them: update cost-allocation-tags"},
			changes:  []string{"cost-allocation-tags/management"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			actual := tc.estate(t)
			before := actual.Fingerprint()
			res, err := importer.Spec(actual, opts)
			if err != nil {
				t.Fatal(err)
			}
			if actual.Fingerprint() != before {
				t.Errorf("Spec changed the estate it imported")
			}
			y := string(res.YAML)
			for _, want := range tc.contains {
				if !strings.Contains(y, want) {
					t.Errorf("YAML lacks\n%s\n--- YAML:\n%s", want, y)
				}
			}
			for _, not := range tc.absent {
				if strings.Contains(y, not) {
					t.Errorf("YAML has %q:\n%s", not, y)
				}
			}
			warnings := res.Warnings
			if len(warnings) != len(tc.warnings) {
				t.Errorf("warnings:\n  %s\nwant %d", strings.Join(warnings, "\n  "), len(tc.warnings))
			}
			for i, w := range tc.warnings {
				if i < len(warnings) && !strings.Contains(warnings[i], w) {
					t.Errorf("warning %d = %q, want it to contain %q", i, warnings[i], w)
				}
			}
			roundTrip(t, actual, res, tc.changes)
		})
	}
}
