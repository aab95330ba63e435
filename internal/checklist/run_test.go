package checklist

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/account"
	acctypes "github.com/aws/aws-sdk-go-v2/service/account/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/costexplorer"
	cetypes "github.com/aws/aws-sdk-go-v2/service/costexplorer/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/aws/aws-sdk-go-v2/service/ssoadmin"
	"github.com/aws/smithy-go"
)

const mgmtID, memberID, otherID = "111111111111", "222222222222", "333333333333"

var accounts = []Account{
	{ID: mgmtID, Name: "management", Management: true},
	{ID: memberID, Name: "payments-prod"},
	{ID: otherID, Name: "log-archive"},
}

// find returns the item of a step for an account ("" for an
// organization-wide step), failing the test when there is none.
func find(t *testing.T, items []Item, id, accountID string) Item {
	t.Helper()
	for _, it := range items {
		if it.ID == id && it.AccountID == accountID {
			return it
		}
	}
	t.Fatalf("no item %s for account %q in %d items", id, accountID, len(items))
	return Item{}
}

var errDenied = &smithy.GenericAPIError{Code: "AccessDenied", Message: "not authorized"}

func TestStepsRegistered(t *testing.T) {
	ids := regexp.MustCompile(`^CL-\d{3}$`)
	guidance := regexp.MustCompile(`^00[013] \S`)
	ss := steps.sorted()
	if len(ss) != 19 {
		t.Errorf("%d steps registered, want 19", len(ss))
	}
	for i, s := range ss {
		if want := fmt.Sprintf("CL-%03d", i+1); s.ID != want || !ids.MatchString(s.ID) {
			t.Errorf("step %d has ID %q, want %q: IDs are consecutive", i, s.ID, want)
		}
		for _, g := range strings.Split(s.Guidance, "; ") {
			if !guidance.MatchString(g) {
				t.Errorf("%s: guidance %q does not name a section of 000, 001 or 003", s.ID, g)
			}
		}
		if s.Detect == nil && !strings.HasPrefix(s.Manual, "verify by hand: ") {
			t.Errorf("%s: a manual step's detail starts with \"verify by hand: \", got %q", s.ID, s.Manual)
		}
	}
}

func TestRegisterPanics(t *testing.T) {
	for name, s := range map[string]step{
		"duplicate":        {ID: "CL-001", Title: "t", ConsolePath: "c", Manual: "m"},
		"no ID":            {Title: "t", ConsolePath: "c", Manual: "m"},
		"no console path":  {ID: "CL-900", Title: "t", Manual: "m"},
		"neither detected": {ID: "CL-901", Title: "t", ConsolePath: "c"},
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("register did not panic")
				}
			}()
			register(s)
		})
	}
}

func TestRunItems(t *testing.T) {
	f := newFake()
	items := Run(context.Background(), f, accounts)
	var got []string
	for _, it := range items {
		got = append(got, it.ID+"/"+it.AccountID+"/"+it.State.String())
	}
	want := []string{
		"CL-001/" + mgmtID + "/manual",
		"CL-002/" + mgmtID + "/done",
		"CL-003/" + memberID + "/done", "CL-003/" + otherID + "/done",
		"CL-004/" + mgmtID + "/done", "CL-004/" + memberID + "/done", "CL-004/" + otherID + "/done",
		"CL-005/" + mgmtID + "/manual",
		"CL-006/" + mgmtID + "/manual",
		"CL-007/" + mgmtID + "/done",
		"CL-008/" + mgmtID + "/done",
		"CL-009/" + mgmtID + "/done",
		"CL-010/" + mgmtID + "/done",
		"CL-011/" + mgmtID + "/done",
		"CL-012//manual",
		"CL-013//manual",
		"CL-014/" + mgmtID + "/done",
		"CL-015/" + mgmtID + "/done",
		// The CIS data steps need a DataReader, which the plain fake is not.
		"CL-016/" + mgmtID + "/manual", "CL-016/" + memberID + "/manual", "CL-016/" + otherID + "/manual",
		"CL-017/" + mgmtID + "/unknown", "CL-017/" + memberID + "/unknown", "CL-017/" + otherID + "/unknown",
		"CL-018/" + mgmtID + "/unknown", "CL-018/" + memberID + "/unknown", "CL-018/" + otherID + "/unknown",
		"CL-019/" + mgmtID + "/unknown", "CL-019/" + memberID + "/unknown", "CL-019/" + otherID + "/unknown",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("items:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, it := range items {
		if it.Title == "" || it.Guidance == "" || it.ConsolePath == "" || it.Detail == "" {
			t.Errorf("%s/%s lacks a field: %+v", it.ID, it.AccountID, it)
		}
		if it.AccountID != "" && it.AccountName == "" {
			t.Errorf("%s/%s lacks the account name", it.ID, it.AccountID)
		}
	}
	// CL-002, CL-003 and CL-004 share each account's summary.
	for _, a := range accounts {
		if n := f.summaryReads(a.ID); n != 1 {
			t.Errorf("account %s: summary read %d times, want 1", a.ID, n)
		}
	}
}

func TestRunStandalone(t *testing.T) {
	items := Run(context.Background(), newFake(), nil)
	if it := find(t, items, "CL-002", ""); it.State != Done || it.AccountName != "" {
		t.Errorf("standalone CL-002 = %+v, want done for the reader's own account", it)
	}
	for _, it := range items {
		if it.ID == "CL-003" {
			t.Errorf("standalone account has a member item: %+v", it)
		}
	}
}

// TestRunNeverFails has every read fail: detected items are Unknown with
// the error, manual ones stay Manual, and Run still returns them all.
func TestRunNeverFails(t *testing.T) {
	boom := errors.New("boom")
	f := newFake()
	f.summary = func(string) (*iam.GetAccountSummaryOutput, error) { return nil, boom }
	f.listMFA = func(*iam.ListVirtualMFADevicesInput) (*iam.ListVirtualMFADevicesOutput, error) { return nil, boom }
	f.contact = func() (*account.GetContactInformationOutput, error) { return nil, boom }
	f.alternate = func(*account.GetAlternateContactInput) (*account.GetAlternateContactOutput, error) { return nil, boom }
	f.subscribers = func(*sns.ListSubscriptionsInput) (*sns.ListSubscriptionsOutput, error) { return nil, boom }
	f.cost = func() (*costexplorer.GetCostAndUsageOutput, error) { return nil, boom }
	f.metrics = func(*cloudwatch.ListMetricsInput) (*cloudwatch.ListMetricsOutput, error) { return nil, boom }
	f.support = func() error { return boom }
	f.instances = func() (*ssoadmin.ListInstancesOutput, error) { return nil, boom }
	items := Run(context.Background(), f, accounts)
	if len(items) != 30 {
		t.Fatalf("%d items, want 30", len(items))
	}
	for _, it := range items {
		detected := it.ID != "CL-001" && it.ID != "CL-005" && it.ID != "CL-006" &&
			it.ID != "CL-012" && it.ID != "CL-013" && it.ID != "CL-016"
		switch {
		case it.ID >= "CL-017" && it.ID <= "CL-019": // no DataReader here: TestCISStepsNeverFail
		case detected && (it.State != Unknown || !strings.Contains(it.Detail, "boom")):
			t.Errorf("%s/%s = %s %q, want unknown with the error", it.ID, it.AccountID, it.State, it.Detail)
		case !detected && it.State != Manual:
			t.Errorf("%s = %s, want manual", it.ID, it.State)
		}
	}
}

func TestRunCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	f := newFake()
	f.summary = func(string) (*iam.GetAccountSummaryOutput, error) { return nil, ctx.Err() }
	if it := find(t, Run(ctx, f, accounts), "CL-003", memberID); it.State != Unknown || !strings.Contains(it.Detail, "context canceled") {
		t.Errorf("CL-003 = %s %q, want unknown: context canceled", it.State, it.Detail)
	}
}

// TestRunConcurrent runs a large organization under the race detector.
func TestRunConcurrent(t *testing.T) {
	as := []Account{{ID: mgmtID, Name: "management", Management: true}}
	for i := range 50 {
		as = append(as, Account{ID: fmt.Sprintf("4000000000%02d", i), Name: fmt.Sprintf("m%02d", i)})
	}
	f := newFake()
	f.summary = func(id string) (*iam.GetAccountSummaryOutput, error) {
		mfa := int32(1)
		if strings.HasSuffix(id, "7") {
			mfa = 0
		}
		return &iam.GetAccountSummaryOutput{SummaryMap: map[string]int32{keyMFA: mfa, keyKeys: 0, keyPassword: 1}}, nil
	}
	n := Count(Run(context.Background(), f, as))
	// done: CL-002, 45 of CL-003, 51 of CL-004, CL-007, CL-008, CL-009, CL-010, CL-011, CL-014, CL-015;
	// manual: CL-016 of each account too; unknown: CL-017 to 019 of each
	// account, the plain fake being no DataReader.
	if n[Todo] != 5 || n[Done] != 1+45+51+7 || n[Manual] != 5+51 || n[Unknown] != 3*51 {
		t.Errorf("counts %v, want 5 todo (CL-003 of the accounts ending in 7), 104 done, 56 manual, 153 unknown", n)
	}
}

// summaryOf answers an account summary with the given MFA, access key and
// password flags.
func summaryOf(mfa, keys, password int32) func(string) (*iam.GetAccountSummaryOutput, error) {
	return func(string) (*iam.GetAccountSummaryOutput, error) {
		return &iam.GetAccountSummaryOutput{SummaryMap: map[string]int32{keyMFA: mfa, keyKeys: keys, keyPassword: password}}, nil
	}
}

func virtualDevices(pages ...[]iamtypes.VirtualMFADevice) func(*iam.ListVirtualMFADevicesInput) (*iam.ListVirtualMFADevicesOutput, error) {
	return func(in *iam.ListVirtualMFADevicesInput) (*iam.ListVirtualMFADevicesOutput, error) {
		if in.AssignmentStatus != iamtypes.AssignmentStatusTypeAssigned {
			return nil, fmt.Errorf("listed %q devices, want Assigned", in.AssignmentStatus)
		}
		page := 0
		if in.Marker != nil {
			fmt.Sscan(*in.Marker, &page)
		}
		out := &iam.ListVirtualMFADevicesOutput{VirtualMFADevices: pages[page]}
		if page+1 < len(pages) {
			out.IsTruncated, out.Marker = true, aws.String(fmt.Sprint(page+1))
		}
		return out, nil
	}
}

// detectorCase sets up the fake for one case and names the state and a
// fragment of the detail the item must show.
type detectorCase struct {
	setup  func(f *fake)
	state  Status
	detail string
}

func runDetector(t *testing.T, id, accountID string, cases map[string]detectorCase) {
	t.Helper()
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			f := newFake()
			c.setup(f)
			it := find(t, Run(context.Background(), f, accounts), id, accountID)
			if it.State != c.state || !strings.Contains(it.Detail, c.detail) {
				t.Errorf("%s = %s %q, want %s containing %q", id, it.State, it.Detail, c.state, c.detail)
			}
		})
	}
}

func TestManagementMFA(t *testing.T) {
	rootSerial := "arn:aws:iam::" + mgmtID + ":mfa/root-account-mfa-device"
	runDetector(t, "CL-002", mgmtID, map[string]detectorCase{
		"hardware": {func(f *fake) {
			f.listMFA = virtualDevices([]iamtypes.VirtualMFADevice{{SerialNumber: aws.String("arn:aws:iam::" + mgmtID + ":mfa/alice"),
				User: &iamtypes.User{Arn: aws.String("arn:aws:iam::" + mgmtID + ":user/alice")}}})
		}, Done, "no virtual MFA device is assigned to the root user"},
		"no MFA": {func(f *fake) { f.summary = summaryOf(0, 0, 1) }, Todo, "no MFA device; guidance wants a hardware one"},
		"virtual by serial": {func(f *fake) {
			f.listMFA = virtualDevices([]iamtypes.VirtualMFADevice{{SerialNumber: aws.String(rootSerial)}})
		}, Todo, "virtual MFA, guidance wants hardware: " + rootSerial},
		"virtual by user, on a later page": {func(f *fake) {
			f.listMFA = virtualDevices(nil, []iamtypes.VirtualMFADevice{{SerialNumber: aws.String("arn:aws:iam::" + mgmtID + ":mfa/phone"),
				User: &iamtypes.User{Arn: aws.String("arn:aws:iam::" + mgmtID + ":root")}}})
		}, Todo, "virtual MFA, guidance wants hardware: arn:aws:iam::" + mgmtID + ":mfa/phone"},
		"summary fails": {func(f *fake) {
			f.summary = func(string) (*iam.GetAccountSummaryOutput, error) { return nil, errDenied }
		}, Unknown, "get account summary: api error AccessDenied"},
		"summary lacks the key": {func(f *fake) {
			f.summary = func(string) (*iam.GetAccountSummaryOutput, error) {
				return &iam.GetAccountSummaryOutput{SummaryMap: map[string]int32{"Users": 3}}, nil
			}
		}, Unknown, "no AccountMFAEnabled"},
		"listing fails": {func(f *fake) {
			f.listMFA = func(*iam.ListVirtualMFADevicesInput) (*iam.ListVirtualMFADevicesOutput, error) { return nil, errDenied }
		}, Unknown, "cannot tell hardware from virtual"},
	})
}

func TestMemberMFA(t *testing.T) {
	runDetector(t, "CL-003", memberID, map[string]detectorCase{
		"on":          {func(f *fake) {}, Done, "cannot tell hardware from virtual"},
		"off":         {func(f *fake) { f.summary = summaryOf(0, 0, 1) }, Todo, "the root user has no MFA device"},
		"no password": {func(f *fake) { f.summary = summaryOf(0, 0, 0) }, Todo, "no password yet"},
		"fails": {func(f *fake) {
			f.summary = func(id string) (*iam.GetAccountSummaryOutput, error) {
				if id == memberID {
					return nil, errDenied
				}
				return summaryOf(1, 0, 1)(id)
			}
		}, Unknown, "AccessDenied"},
	})
}

func TestRootKeys(t *testing.T) {
	runDetector(t, "CL-004", otherID, map[string]detectorCase{
		"none":    {func(f *fake) {}, Done, "no access keys"},
		"present": {func(f *fake) { f.summary = summaryOf(1, 1, 1) }, Todo, "has access keys"},
		"fails": {func(f *fake) {
			f.summary = func(string) (*iam.GetAccountSummaryOutput, error) { return nil, errDenied }
		}, Unknown, "AccessDenied"},
	})
}

func TestPrimaryContact(t *testing.T) {
	runDetector(t, "CL-007", mgmtID, map[string]detectorCase{
		"complete": {func(f *fake) {}, Done, "Cloud Team, Example Corp, phone +15550100"},
		"partial": {func(f *fake) {
			f.contact = func() (*account.GetContactInformationOutput, error) {
				return &account.GetContactInformationOutput{ContactInformation: &acctypes.ContactInformation{
					FullName: aws.String("Cloud Team"), City: aws.String("Springfield"), CountryCode: aws.String("US")}}, nil
			}
		}, Todo, "lacks phone number, address, postal code"},
		"none": {func(f *fake) {
			f.contact = func() (*account.GetContactInformationOutput, error) {
				return nil, &acctypes.ResourceNotFoundException{}
			}
		}, Todo, "no primary contact information"},
		"fails": {func(f *fake) {
			f.contact = func() (*account.GetContactInformationOutput, error) { return nil, errDenied }
		}, Unknown, "get contact information: api error AccessDenied"},
	})
}

func TestAlternateContacts(t *testing.T) {
	without := func(missing acctypes.AlternateContactType, err error) func(f *fake) {
		return func(f *fake) {
			ok := f.alternate
			f.alternate = func(in *account.GetAlternateContactInput) (*account.GetAlternateContactOutput, error) {
				if in.AccountId != nil {
					return nil, fmt.Errorf("asked for account %s; the management account reads its own", *in.AccountId)
				}
				if in.AlternateContactType == missing {
					return nil, err
				}
				return ok(in)
			}
		}
	}
	runDetector(t, "CL-008", mgmtID, map[string]detectorCase{
		"all set": {func(f *fake) {}, Done, "billing aws-BILLING@example.com, operations aws-OPERATIONS@example.com, security aws-SECURITY@example.com"},
		"no security": {without(acctypes.AlternateContactTypeSecurity, &acctypes.ResourceNotFoundException{}),
			Todo, "no security contact"},
		"fails": {without(acctypes.AlternateContactTypeOperations, errDenied), Unknown, "get operations contact: api error AccessDenied"},
		"missing and failing": {func(f *fake) {
			f.alternate = func(in *account.GetAlternateContactInput) (*account.GetAlternateContactOutput, error) {
				if in.AlternateContactType == acctypes.AlternateContactTypeBilling {
					return nil, errDenied
				}
				return nil, &acctypes.ResourceNotFoundException{}
			}
		}, Todo, "no operations, security contact; get billing contact"},
	})
}

func TestCostExplorer(t *testing.T) {
	failing := func(err error) func(f *fake) {
		return func(f *fake) { f.cost = func() (*costexplorer.GetCostAndUsageOutput, error) { return nil, err } }
	}
	runDetector(t, "CL-010", mgmtID, map[string]detectorCase{
		"enabled":     {func(f *fake) {}, Done, "Cost Explorer answers"},
		"not enabled": {failing(&smithy.GenericAPIError{Code: "AccessDeniedException", Message: "User not enabled for cost explorer access"}), Todo, "not enabled"},
		"denied":      {failing(&smithy.GenericAPIError{Code: "AccessDeniedException", Message: "no ce:GetCostAndUsage"}), Unknown, "lacks ce:GetCostAndUsage"},
		"no data yet": {failing(&cetypes.DataUnavailableException{Message: aws.String("Data is not available")}), Unknown, "no data yet"},
		"fails":       {failing(errors.New("connection reset")), Unknown, "get cost and usage: connection reset"},
	})
}

func TestBillingAlerts(t *testing.T) {
	answering := func(out *cloudwatch.ListMetricsOutput, err error) func(f *fake) {
		return func(f *fake) {
			f.metrics = func(*cloudwatch.ListMetricsInput) (*cloudwatch.ListMetricsOutput, error) { return out, err }
		}
	}
	runDetector(t, "CL-011", mgmtID, map[string]detectorCase{
		"on":    {func(f *fake) {}, Done, "AWS publishes the AWS/Billing EstimatedCharges metric in us-east-1"},
		"off":   {answering(&cloudwatch.ListMetricsOutput{}, nil), Todo, "billing alerts are off"},
		"fails": {answering(nil, errors.New("connection reset")), Unknown, "list metrics: connection reset"},
	})
}

// TestSupportPlan: the Support API, which moto lacks, stood in for by
// the fake's support func.
func TestSupportPlan(t *testing.T) {
	answering := func(err error) func(f *fake) { return func(f *fake) { f.support = func() error { return err } } }
	runDetector(t, "CL-009", mgmtID, map[string]detectorCase{
		"business": {func(f *fake) {}, Done, "support plan above Basic"},
		"basic": {answering(fmt.Errorf("support DescribeSeverityLevels: %w", &smithy.GenericAPIError{Code: "SubscriptionRequiredException",
			Message: "AWS Premium Support Subscription is required"})), Todo, "on Basic support"},
		"denied": {answering(errDenied), Unknown, "describe severity levels: "},
	})
}

func TestIdentityCenter(t *testing.T) {
	answering := func(out *ssoadmin.ListInstancesOutput, err error) func(f *fake) {
		return func(f *fake) { f.instances = func() (*ssoadmin.ListInstancesOutput, error) { return out, err } }
	}
	runDetector(t, "CL-015", mgmtID, map[string]detectorCase{
		"enabled":     {func(f *fake) {}, Done, "instance arn:aws:sso:::instance/ssoins-1 (identity store d-1) in the home Region"},
		"not enabled": {answering(&ssoadmin.ListInstancesOutput{}, nil), Todo, "no IAM Identity Center instance in the home Region"},
		"fails":       {answering(nil, errDenied), Unknown, "list Identity Center instances: "},
	})
}

func TestSubscriptions(t *testing.T) {
	sub := func(arn, endpoint string) snstypes.Subscription {
		return snstypes.Subscription{SubscriptionArn: aws.String(arn), Protocol: aws.String("email"), Endpoint: aws.String(endpoint),
			TopicArn: aws.String("arn:aws:sns:us-east-1:" + mgmtID + ":ManagementAccountCloudWatchAlarm")}
	}
	pages := func(ps ...[]snstypes.Subscription) func(f *fake) {
		return func(f *fake) {
			f.subscribers = func(in *sns.ListSubscriptionsInput) (*sns.ListSubscriptionsOutput, error) {
				page := 0
				if in.NextToken != nil {
					fmt.Sscan(*in.NextToken, &page)
				}
				out := &sns.ListSubscriptionsOutput{Subscriptions: ps[page]}
				if page+1 < len(ps) {
					out.NextToken = aws.String(fmt.Sprint(page + 1))
				}
				return out, nil
			}
		}
	}
	confirmed := sub("arn:aws:sns:us-east-1:"+mgmtID+":ManagementAccountCloudWatchAlarm:1", "ops@example.com")
	runDetector(t, "CL-014", mgmtID, map[string]detectorCase{
		"confirmed": {pages([]snstypes.Subscription{confirmed}, []snstypes.Subscription{confirmed}), Done, "2 subscriptions, all confirmed"},
		"pending": {pages([]snstypes.Subscription{confirmed}, []snstypes.Subscription{sub("PendingConfirmation", "security@example.com")}),
			Todo, "1 subscription pending confirmation (of 2): email security@example.com (topic ManagementAccountCloudWatchAlarm)"},
		"none": {pages(nil), Todo, "no SNS subscriptions"},
		"fails": {func(f *fake) {
			f.subscribers = func(*sns.ListSubscriptionsInput) (*sns.ListSubscriptionsOutput, error) { return nil, errDenied }
		}, Unknown, "list subscriptions: api error AccessDenied"},
	})
}
