package cli

// End-to-end test of importing the billing layer against moto: a billing
// layer built by apply, with a value of its own in every field the spec
// has, is imported and plans no changes.

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/testenv"
)

// importBillingSection is the billing layer the test builds, every name
// and amount other than the default. As in billing_e2e_test.go, the Cost
// and Usage Report and the cost allocation tags are off: moto 5.2 has no
// Cost and Usage Report API and no Cost Explorer cost allocation tag
// operations. That is also what the import writes, with a comment, when
// it cannot read them; the importer's tests cover importing a report and
// the tags' status from estates that hold them.
const importBillingSection = `
billing:
  topic: { name: cost-alerts, subscribers: [finance@example.com, cfo@example.com] }
  budget: { name: company-cap, monthly_usd: 2500, actual_percent: 75, forecast_percent: 110 }
  billing_alarm: { name: charges-over, threshold_usd: 900 }
  cur: { enabled: false }
  cost_allocation_tags: false
`

// importedBilling is what the import writes of it. moto lacks
// DescribeSubscribersForNotification, DescribeReportDefinitions and
// ListCostAllocationTags; the spec says so where it applies. Without the
// subscribers, the budget is known as groundwork's by its shape only.
const importedBilling = `
billing:
  topic:
    name: cost-alerts
    subscribers: [cfo@example.com, finance@example.com]
  budget:
    name: company-cap
    monthly_usd: 2500
    actual_percent: 75
    forecast_percent: 110
    # The subscribers of the budget's notifications could not be read, so which topic it notifies is
    # not known; it is taken as groundwork's budget because it is the account's only monthly cost
    # budget that notifies on actual and forecast spend. groundwork has them notify the billing topic.
  billing_alarm:
    name: charges-over
    threshold_usd: %THRESHOLD%
  # The Cost and Usage Report definitions could not be read, so it is not known whether the
  # account has a report; the spec leaves the report off. Remove ` + "`enabled: false`" + ` to have
  # groundwork build and manage it.
  cur:
    enabled: false
  # The status of the cost allocation tags could not be read, so the spec leaves their activation
  # off. Remove this line to have groundwork activate the tagging dictionary's keys.
  cost_allocation_tags: false
`

func TestImportBillingRoundTrip(t *testing.T) {
	m := testenv.Moto(t)
	m.Setenv(t)
	built := newFoundation(t)
	withBilling(t, built)
	path := filepath.Join(built, "foundation.yaml")
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := strings.Replace(string(src), billingSection, importBillingSection, 1)
	if s == string(src) {
		t.Fatal("the billing section was not replaced")
	}
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	mustRun(t, built, ExitOK, "apply", "--auto-approve")

	dir := t.TempDir()
	imported := func(threshold string) {
		t.Helper()
		_, errOut := mustRun(t, dir, ExitOK, "import", "--org-id", "primary", "--domain", "example.com",
			"--regions", "us-east-1,eu-west-1", "--out", "imported.yaml", "--force")
		for _, want := range []string{"plan shows no changes",
			"warning: billing layer: the Cost and Usage Report definitions were not read",
			"warning: billing layer: the cost allocation tags were not read",
			"warning: billing layer: the subscribers of budget company-cap's notifications were not read"} {
			if !strings.Contains(errOut, want) {
				t.Errorf("import stderr lacks %q:\n%s", want, errOut)
			}
		}
		got, err := os.ReadFile(filepath.Join(dir, "imported.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		if want := strings.Replace(importedBilling, "%THRESHOLD%", threshold, 1); !strings.Contains(string(got), want) {
			t.Errorf("imported spec lacks\n%s\n--- spec:\n%s", want, got)
		}
		out, _ := mustRun(t, dir, ExitOK, "plan", "-f", "imported.yaml", "--detailed-exitcode")
		if !strings.Contains(out, "No changes.") {
			t.Errorf("plan of the imported spec:\n%s", out)
		}
	}
	imported("900")

	// The import writes what the organization holds, not what was built:
	// raise the alarm's threshold by hand and import again.
	mgmt := billingManagementID(t, m)
	m.AWS(t, "cloudwatch", "put-metric-alarm", "--region", "us-east-1", "--alarm-name", "charges-over",
		"--namespace", "AWS/Billing", "--metric-name", "EstimatedCharges", "--dimensions", "Name=Currency,Value=USD",
		"--statistic", "Maximum", "--period", "21600", "--evaluation-periods", "1", "--threshold", "1234",
		"--comparison-operator", "GreaterThanThreshold", "--alarm-actions", "arn:aws:sns:us-east-1:"+mgmt+":cost-alerts")
	imported("1234")
}
