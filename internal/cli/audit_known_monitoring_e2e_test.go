package cli

// End-to-end test of the monitoring and billing surveys against an
// organization built by hand in moto, without groundwork apply, with known
// monitoring and billing misconfigurations beside correctly configured
// twins: audited with and without a spec, the GW-MON and GW-BIL findings
// are the same and name exactly the planted resources.

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/budgets"
	budgettypes "github.com/aws/aws-sdk-go-v2/service/budgets/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logstypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/filterpattern"
	"github.com/groundwork-aws/groundwork/internal/policy"
	"github.com/groundwork-aws/groundwork/internal/testenv"
)

// monBuilt is what buildMonitoredEstate made: the management account and
// the clients that change it further.
type monBuilt struct {
	mgmtID, mgmtName string
	topicARN         func(name string) string
	cw               *cloudwatch.Client
	bud              *budgets.Client
	eb               *eventbridge.Client
	sn               *sns.Client
}

// TestAuditKnownMonitoringAndBilling builds the organization, audits it
// without a spec and with one (init's starter without its logging and
// monitoring sections; it has no billing section), then adds the billing
// layer and a root sign-in rule by hand and audits again.
func TestAuditKnownMonitoringAndBilling(t *testing.T) {
	m := testenv.Moto(t)
	m.Setenv(t)
	b := buildMonitoredEstate(t)
	place := func(kind, name string) string {
		return kind + "/" + name + " (" + b.mgmtName + " " + testenv.Region + ")"
	}
	mgmt := "account/" + b.mgmtID + " (" + b.mgmtName + ")"

	noSpec := t.TempDir()
	withSpec := t.TempDir()
	mustRun(t, withSpec, ExitOK, "init", "--org-id", "primary", "--domain", "example.com", "--home-region", testenv.Region,
		"--regions", testenv.Region, "--phone", "+1-555-0100")
	// The starter without its logging and monitoring sections (it has no
	// billing section): the spec of an organization that leaves those
	// layers out.
	editSpec(t, withSpec, func(spec string) string {
		spec = withoutABAC(t, withoutLogging(t, spec))
		if strings.Contains(spec, "\nmonitoring:") || strings.Contains(spec, "\nbilling:") {
			t.Fatalf("the spec keeps a monitoring or billing section:\n%s", spec)
		}
		return spec
	})

	want := []knownFinding{
		// The alarm on the SecurityGroupChanges filter also notifies a
		// topic that was deleted.
		{"GW-MON-001", place("topic", "gone")},
		// The topic the RootUserActivity alarm notifies has nobody
		// subscribed; "alerts", its twin, has a confirmed subscription.
		{"GW-MON-002", place("topic", "quiet")},
		// No EventBridge rule notifies root sign-ins.
		{"GW-MON-003", mgmt},
		// The VPCChanges filter was put twice (moto keeps both).
		{"GW-MON-004", place("metric-filter", "trail-events:VPCChanges")},
		// RootUserActivity's alarm notifies only "quiet".
		{"GW-MON-010", place("alarm", "RootUserActivity")},
		// No filter with the CloudTrailChanges pattern.
		{"GW-MON-016", place("log-group", "trail-events")},
		// The ConfigChanges filter has no alarm.
		{"GW-MON-020", place("metric-filter", "ConfigChanges")},
		// No budget, no estimated-charges alarm, no EstimatedCharges metric.
		{"GW-BIL-001", mgmt}, {"GW-BIL-004", mgmt}, {"GW-BIL-007", mgmt},
	}
	for _, dir := range []string{noSpec, withSpec} {
		got := monBilFindings(t, dir)
		expectFindings(t, specName(dir, withSpec)+": findings differ from the planted misconfigurations", want, got)
	}

	// The billing layer by hand: a cost budget notifying on forecast (the
	// twin) and one notifying on actual spend only; an estimated-charges
	// alarm notifying a topic nobody subscribed to; the metric AWS
	// publishes once billing alerts are on. And a root sign-in rule
	// notifying the confirmed topic.
	ctx := context.Background()
	for name, kinds := range map[string][]budgettypes.NotificationType{
		"monthly":     {budgettypes.NotificationTypeActual, budgettypes.NotificationTypeForecasted},
		"actual-only": {budgettypes.NotificationTypeActual},
	} {
		var ns []budgettypes.NotificationWithSubscribers
		for _, k := range kinds {
			ns = append(ns, budgettypes.NotificationWithSubscribers{
				Notification: &budgettypes.Notification{NotificationType: k, ComparisonOperator: budgettypes.ComparisonOperatorGreaterThan,
					Threshold: 100, ThresholdType: budgettypes.ThresholdTypePercentage},
				Subscribers: []budgettypes.Subscriber{{SubscriptionType: budgettypes.SubscriptionTypeEmail, Address: aws.String("finance@example.com")}}})
		}
		// A retry of a create whose answer came late finds the budget made:
		// that is success here.
		_, err := b.bud.CreateBudget(ctx, &budgets.CreateBudgetInput{AccountId: aws.String(b.mgmtID),
			Budget: &budgettypes.Budget{BudgetName: aws.String(name), BudgetType: budgettypes.BudgetTypeCost, TimeUnit: budgettypes.TimeUnitMonthly,
				BudgetLimit: &budgettypes.Spend{Amount: aws.String("1000"), Unit: aws.String("USD")}},
			NotificationsWithSubscribers: ns})
		if !awsx.ErrorCodeIs(err, "DuplicateRecordException") {
			monMust(t)(nil, err)
		}
	}
	monMust(t)(b.sn.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("billing-quiet")}))
	monMust(t)(b.cw.PutMetricAlarm(ctx, &cloudwatch.PutMetricAlarmInput{AlarmName: aws.String("charges"), Namespace: aws.String("AWS/Billing"),
		MetricName: aws.String("EstimatedCharges"), Dimensions: []cwtypes.Dimension{{Name: aws.String("Currency"), Value: aws.String("USD")}},
		Statistic: cwtypes.StatisticMaximum, Period: aws.Int32(21600), EvaluationPeriods: aws.Int32(1), Threshold: aws.Float64(500),
		ComparisonOperator: cwtypes.ComparisonOperatorGreaterThanThreshold, AlarmActions: []string{b.topicARN("billing-quiet")}}))
	monMust(t)(b.cw.PutMetricData(ctx, &cloudwatch.PutMetricDataInput{Namespace: aws.String("AWS/Billing"),
		MetricData: []cwtypes.MetricDatum{{MetricName: aws.String("EstimatedCharges"), Value: aws.Float64(12.5),
			Dimensions: []cwtypes.Dimension{{Name: aws.String("Currency"), Value: aws.String("USD")}}}}}))
	monMust(t)(b.eb.PutRule(ctx, &eventbridge.PutRuleInput{Name: aws.String("root-sign-in"), State: ebtypes.RuleStateEnabled,
		EventPattern: aws.String(`{"detail-type":["AWS Console Sign In via CloudTrail"],"detail":{"userIdentity":{"type":["Root"]}}}`)}))
	monMust(t)(b.eb.PutTargets(ctx, &eventbridge.PutTargetsInput{Rule: aws.String("root-sign-in"),
		Targets: []ebtypes.Target{{Id: aws.String("alerts"), Arn: aws.String(b.topicARN("alerts"))}}}))

	want = slices.DeleteFunc(want, func(f knownFinding) bool {
		return f.check == "GW-MON-003" || strings.HasPrefix(f.check, "GW-BIL-")
	})
	want = append(want,
		// Only the budget without a forecast notification.
		knownFinding{"GW-BIL-002", "budget/actual-only"},
		// The billing alarm's topic has nobody subscribed.
		knownFinding{"GW-BIL-003", place("topic", "billing-quiet")})
	for _, dir := range []string{noSpec, withSpec} {
		got := monBilFindings(t, dir)
		expectFindings(t, specName(dir, withSpec)+", billing built: findings differ from the planted misconfigurations", want, got)
	}
}

func specName(dir, withSpec string) string {
	if dir == withSpec {
		return "with a spec"
	}
	return "without a spec"
}

func monMust(t *testing.T) func(any, error) {
	return func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
}

// monBilFindings audits the organization from dir (with the spec there,
// if any) and returns its GW-MON and GW-BIL findings. It also checks
// that the checks only the spec can judge (groundwork's own patterns,
// the cost allocation tags) are not evaluated with a reason, and that the
// moto gaps are all that was not read.
func monBilFindings(t *testing.T, dir string) []knownFinding {
	t.Helper()
	r, errOut := auditJSON(t, dir, "audit", "-o", "json", "--fail-on", "critical", "--allow-partial", "--regions", testenv.Region)
	for _, c := range r.Checks {
		if (c.ID == "GW-MON-011" || c.ID == "GW-MON-012" || c.ID == "GW-BIL-006") && (c.Status != "not_evaluated" || c.Unjudged == "") {
			t.Errorf("%s: %s %q, want not evaluated with the reason", c.ID, c.Status, c.Unjudged)
		}
	}
	for _, u := range r.Completeness.Unread {
		if strings.HasPrefix(u.Read, "monitoring") || (strings.HasPrefix(u.Read, "billing") && u.Read != "billing/reports" && u.Read != "billing/subscribers") {
			t.Errorf("not read: %s\n%s", u.Read, errOut)
		}
	}
	return r.findingsOf(func(check string) bool {
		return strings.HasPrefix(check, "GW-MON-") || strings.HasPrefix(check, "GW-BIL-")
	})
}

// buildMonitoredEstate creates, through the SDK as an operator would by
// hand, an organization whose management account homes a multi-Region
// trail, logging, delivering to the log group trail-events, watched for
// every CIS pattern but with the planted flaws the test names.
func buildMonitoredEstate(t *testing.T) monBuilt {
	t.Helper()
	ctx := context.Background()
	must := monMust(t)
	s, err := awsx.Load(ctx, awsx.Options{Region: testenv.Region, AccessRole: policy.DefaultAccessRole})
	if err != nil {
		t.Fatal(err)
	}
	cfg := s.Config("", "", "")
	org := organizations.NewFromConfig(cfg)
	o, err := org.CreateOrganization(ctx, &organizations.CreateOrganizationInput{FeatureSet: orgtypes.OrganizationFeatureSetAll})
	if err != nil {
		t.Fatal(err)
	}
	var b monBuilt
	b.mgmtID = aws.ToString(o.Organization.MasterAccountId)
	desc, err := org.DescribeAccount(ctx, &organizations.DescribeAccountInput{AccountId: aws.String(b.mgmtID)})
	if err != nil {
		t.Fatal(err)
	}
	b.mgmtName = aws.ToString(desc.Account.Name)
	must(org.CreateAccount(ctx, &organizations.CreateAccountInput{AccountName: aws.String("payments-prod"),
		Email: aws.String("payments-prod@example.com")}))
	b.topicARN = func(name string) string { return "arn:aws:sns:" + testenv.Region + ":" + b.mgmtID + ":" + name }
	here := awsx.ConfigFor{Session: s, Region: testenv.Region}
	b.cw, b.bud, b.eb, b.sn = here.CloudWatch(), budgets.NewFromConfig(cfg), eventbridge.NewFromConfig(cfg), sns.NewFromConfig(cfg)

	// The trail and its log group.
	role, err := iam.NewFromConfig(cfg).CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("trail-to-logs"), AssumeRolePolicyDocument: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)})
	if err != nil {
		t.Fatal(err)
	}
	lc := cloudwatchlogs.NewFromConfig(cfg)
	must(lc.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("trail-events")}))
	groups, err := lc.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("trail-events")})
	if err != nil || len(groups.LogGroups) != 1 {
		t.Fatalf("log group: %v", err)
	}
	must(awsx.ConfigFor{Session: s}.S3().CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("monitored-trail-logs")}))
	ct := cloudtrail.NewFromConfig(cfg)
	must(ct.CreateTrail(ctx, &cloudtrail.CreateTrailInput{Name: aws.String("org-trail"), S3BucketName: aws.String("monitored-trail-logs"),
		IsMultiRegionTrail: aws.Bool(true), EnableLogFileValidation: aws.Bool(true),
		CloudWatchLogsLogGroupArn: groups.LogGroups[0].Arn, CloudWatchLogsRoleArn: role.Role.Arn}))
	must(ct.StartLogging(ctx, &cloudtrail.StartLoggingInput{Name: aws.String("org-trail")}))

	// The topics: alerts confirmed (moto confirms e-mail subscriptions at
	// once), quiet with nobody, gone deleted.
	for _, name := range []string{"alerts", "quiet", "gone"} {
		must(b.sn.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String(name)}))
	}
	must(b.sn.Subscribe(ctx, &sns.SubscribeInput{TopicArn: aws.String(b.topicARN("alerts")), Protocol: aws.String("email"),
		Endpoint: aws.String("security@example.com")}))
	must(b.sn.DeleteTopic(ctx, &sns.DeleteTopicInput{TopicArn: aws.String(b.topicARN("gone"))}))

	// A filter and an alarm per CIS pattern, save the planted flaws.
	for _, entry := range filterpattern.Library() {
		if !slices.ContainsFunc(entry.Guidance, func(l string) bool { return strings.HasPrefix(l, "CIS AWS Foundations Benchmark v3.0.0 ") }) ||
			entry.Name == "CloudTrailChanges" {
			continue
		}
		put := &cloudwatchlogs.PutMetricFilterInput{LogGroupName: aws.String("trail-events"), FilterName: aws.String(entry.Name),
			FilterPattern: aws.String(entry.Pattern), MetricTransformations: []logstypes.MetricTransformation{{
				MetricNamespace: aws.String("CISBenchmark"), MetricName: aws.String(entry.Name), MetricValue: aws.String("1")}}}
		must(lc.PutMetricFilter(ctx, put))
		if entry.Name == "VPCChanges" {
			must(lc.PutMetricFilter(ctx, put))
		}
		if entry.Name == "ConfigChanges" {
			continue
		}
		actions := []string{b.topicARN("alerts")}
		switch entry.Name {
		case "RootUserActivity":
			actions = []string{b.topicARN("quiet")}
		case "SecurityGroupChanges":
			actions = append(actions, b.topicARN("gone"))
		}
		must(b.cw.PutMetricAlarm(ctx, &cloudwatch.PutMetricAlarmInput{AlarmName: aws.String(entry.Name), Namespace: aws.String("CISBenchmark"),
			MetricName: aws.String(entry.Name), Statistic: cwtypes.StatisticSum, Period: aws.Int32(300), EvaluationPeriods: aws.Int32(1),
			Threshold: aws.Float64(1), ComparisonOperator: cwtypes.ComparisonOperatorGreaterThanOrEqualToThreshold, AlarmActions: actions}))
	}
	return b
}
