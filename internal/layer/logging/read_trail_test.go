package logging

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logstypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/smithy-go"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/inventory"
)

const (
	trailMgmtID = "111111111111"
	trailName   = "groundwork-org-trail"
	trailGroup  = "/groundwork/cloudtrail"
	trailKeyARN = "arn:aws:kms:us-east-1:333333333333:key/k-trail"
	trailGrpARN = "arn:aws:logs:us-east-1:111111111111:log-group:/groundwork/cloudtrail:*"
	trailRole   = "arn:aws:iam::111111111111:role/groundwork-cloudtrail-logs"
	trailBucket = "aws-logs-cloudtrail-222222222222-us-east-1"
)

var trailAt = estate.Where{Account: estate.ManagementKey, Region: "us-east-1"}

// fakeTrailReads answers the trail and log group reads of one account and
// Region (the management account's home Region) from canned pages, as
// moto would: DescribeTrails ignores its name list. Every other client is
// nil; a read there would panic.
type fakeTrailReads struct {
	mu     sync.Mutex
	trails []cttypes.Trail
	status map[string]bool // IsLogging by trail ARN
	// selectors answer GetEventSelectors.
	selectors  *cloudtrail.GetEventSelectorsOutput
	groupPages [][]logstypes.LogGroup // DescribeLogGroups pages in order
	err        error                  // returned by DescribeTrails
	calls      map[string]int
	where      []estate.Location
}

func (f *fakeTrailReads) call(op string, w estate.Location) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.calls == nil {
		f.calls = map[string]int{}
	}
	f.calls[op]++
	f.where = append(f.where, w)
}

func (f *fakeTrailReads) KMS(estate.Location) kmsReadAPI       { return nil }
func (f *fakeTrailReads) S3(estate.Location) BucketReadAPI     { return nil }
func (f *fakeTrailReads) Config(estate.Location) configReadAPI { return nil }
func (f *fakeTrailReads) IAM(estate.Location) iamReadAPI       { return nil }
func (f *fakeTrailReads) CloudTrail(w estate.Location) trailReadAPI {
	return trailReadClient{f, w}
}
func (f *fakeTrailReads) Logs(w estate.Location) logsReadAPI { return trailReadClient{f, w} }

type trailReadClient struct {
	f *fakeTrailReads
	w estate.Location
}

func (c trailReadClient) DescribeTrails(_ context.Context, in *cloudtrail.DescribeTrailsInput, _ ...func(*cloudtrail.Options)) (*cloudtrail.DescribeTrailsOutput, error) {
	c.f.call("DescribeTrails", c.w)
	if aws.ToBool(in.IncludeShadowTrails) {
		return nil, errors.New("the inventory asked for shadow trails")
	}
	if c.f.err != nil {
		return nil, c.f.err
	}
	return &cloudtrail.DescribeTrailsOutput{TrailList: c.f.trails}, nil
}

func (c trailReadClient) GetTrailStatus(_ context.Context, in *cloudtrail.GetTrailStatusInput, _ ...func(*cloudtrail.Options)) (*cloudtrail.GetTrailStatusOutput, error) {
	c.f.call("GetTrailStatus", c.w)
	logging, ok := c.f.status[aws.ToString(in.Name)]
	if !ok {
		return nil, &cttypes.TrailNotFoundException{Message: aws.String("Unknown trail: " + aws.ToString(in.Name))}
	}
	return &cloudtrail.GetTrailStatusOutput{IsLogging: aws.Bool(logging)}, nil
}

func (c trailReadClient) GetEventSelectors(context.Context, *cloudtrail.GetEventSelectorsInput, ...func(*cloudtrail.Options)) (*cloudtrail.GetEventSelectorsOutput, error) {
	c.f.call("GetEventSelectors", c.w)
	return c.f.selectors, nil
}

func (c trailReadClient) DescribeLogGroups(_ context.Context, in *cloudwatchlogs.DescribeLogGroupsInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.DescribeLogGroupsOutput, error) {
	c.f.call("DescribeLogGroups", c.w)
	if aws.ToString(in.LogGroupNamePrefix) != trailGroup {
		return nil, errors.New("unexpected prefix " + aws.ToString(in.LogGroupNamePrefix))
	}
	i := 0
	if in.NextToken != nil {
		i = int(aws.ToString(in.NextToken)[0] - '0')
	}
	out := &cloudwatchlogs.DescribeLogGroupsOutput{}
	if i < len(c.f.groupPages) {
		out.LogGroups = c.f.groupPages[i]
	}
	if i+1 < len(c.f.groupPages) {
		out.NextToken = aws.String(string(rune('0' + i + 1)))
	}
	return out, nil
}

func trailARN(account, name string) string {
	return "arn:aws:cloudtrail:us-east-1:" + account + ":trail/" + name
}

// orgTrail is the organization trail loggingSpec asks for, as AWS lists it.
func orgTrail(account string) cttypes.Trail {
	return cttypes.Trail{Name: aws.String(trailName), TrailARN: aws.String(trailARN(account, trailName)),
		HomeRegion: aws.String("us-east-1"), IsOrganizationTrail: aws.Bool(true), IsMultiRegionTrail: aws.Bool(true),
		IncludeGlobalServiceEvents: aws.Bool(true), LogFileValidationEnabled: aws.Bool(true), KmsKeyId: aws.String(trailKeyARN),
		S3BucketName: aws.String(trailBucket), CloudWatchLogsLogGroupArn: aws.String(trailGrpARN),
		CloudWatchLogsRoleArn: aws.String(trailRole), HasCustomEventSelectors: aws.Bool(false)}
}

// trailWant is a desired layer naming the trail and its log group in the
// management account; references are as the spec writes them.
func trailWant() *estate.Logging {
	l := estate.NewLogging()
	l.Trails[trailAt.Key(trailName)] = &estate.Trail{Where: trailAt, Name: trailName, Organization: true,
		KMSKey: "${key-arn:x}", Logging: true}
	l.LogGroups[trailAt.Key(trailGroup)] = &estate.LogGroup{Where: trailAt, Name: trailGroup, RetentionDays: 365}
	return l
}

func trailOrg() *estate.Estate {
	e := estate.New()
	e.Organization = &estate.Organization{ID: "o-abc", ManagementAccountID: trailMgmtID}
	return e
}

func TestCollectTrail(t *testing.T) {
	inPlace := &estate.Trail{Where: trailAt, Name: trailName, ARN: trailARN(trailMgmtID, trailName), Organization: true,
		MultiRegion: true, GlobalServiceEvents: true, LogFileValidation: true, KMSKey: trailKeyARN, Bucket: trailBucket,
		LogGroupARN: trailGrpARN, LogsRoleARN: trailRole, Logging: true, HomeRegion: "us-east-1", ManagementEventsLogged: true}
	other := cttypes.Trail{Name: aws.String("someone-elses"), TrailARN: aws.String(trailARN(trailMgmtID, "someone-elses"))}
	tests := map[string]struct {
		trails    []cttypes.Trail
		logging   bool
		selectors *cloudtrail.GetEventSelectorsOutput
		want      func(t *estate.Trail) *estate.Trail // nil: no trail
		calls     map[string]int
	}{
		"in place among others": {trails: []cttypes.Trail{other, orgTrail(trailMgmtID)}, logging: true,
			want:  func(t *estate.Trail) *estate.Trail { return t },
			calls: map[string]int{"DescribeTrails": 1, "GetTrailStatus": 1}},
		"stopped": {trails: []cttypes.Trail{orgTrail(trailMgmtID)},
			want: func(t *estate.Trail) *estate.Trail { t.Logging = false; return t }},
		"absent": {trails: []cttypes.Trail{other}, calls: map[string]int{"DescribeTrails": 1}},
		"another account's organization trail of the same name": {trails: []cttypes.Trail{orgTrail("999999999999")},
			calls: map[string]int{"DescribeTrails": 1}},
		"selectors log all management events": {trails: []cttypes.Trail{withSelectors(orgTrail(trailMgmtID))}, logging: true,
			selectors: &cloudtrail.GetEventSelectorsOutput{EventSelectors: []cttypes.EventSelector{
				{IncludeManagementEvents: aws.Bool(true), ReadWriteType: cttypes.ReadWriteTypeAll,
					DataResources: []cttypes.DataResource{{Type: aws.String("AWS::S3::Object")}}}}},
			want:  func(t *estate.Trail) *estate.Trail { return t },
			calls: map[string]int{"DescribeTrails": 1, "GetTrailStatus": 1, "GetEventSelectors": 1}},
		"selectors log writes only": {trails: []cttypes.Trail{withSelectors(orgTrail(trailMgmtID))}, logging: true,
			selectors: &cloudtrail.GetEventSelectorsOutput{EventSelectors: []cttypes.EventSelector{
				{IncludeManagementEvents: aws.Bool(true), ReadWriteType: cttypes.ReadWriteTypeWriteOnly}}},
			want: func(t *estate.Trail) *estate.Trail { t.ManagementEventsLogged = false; return t }},
		"advanced selectors, management events": {trails: []cttypes.Trail{withSelectors(orgTrail(trailMgmtID))}, logging: true,
			selectors: &cloudtrail.GetEventSelectorsOutput{AdvancedEventSelectors: []cttypes.AdvancedEventSelector{
				{FieldSelectors: []cttypes.AdvancedFieldSelector{{Field: aws.String("eventCategory"), Equals: []string{"Management"}}}}}},
			want: func(t *estate.Trail) *estate.Trail { return t }},
		"advanced selectors, read-only management events": {trails: []cttypes.Trail{withSelectors(orgTrail(trailMgmtID))}, logging: true,
			selectors: &cloudtrail.GetEventSelectorsOutput{AdvancedEventSelectors: []cttypes.AdvancedEventSelector{
				{FieldSelectors: []cttypes.AdvancedFieldSelector{{Field: aws.String("eventCategory"), Equals: []string{"Management"}},
					{Field: aws.String("readOnly"), Equals: []string{"true"}}}}}},
			want: func(t *estate.Trail) *estate.Trail { t.ManagementEventsLogged = false; return t }},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f := &fakeTrailReads{trails: tc.trails, selectors: tc.selectors,
				status: map[string]bool{trailARN(trailMgmtID, trailName): tc.logging}}
			want := trailWant()
			want.LogGroups = map[string]*estate.LogGroup{}
			e := trailOrg()
			if err := readWith(context.Background(), f, e, want, inventory.Options{}); err != nil {
				t.Fatal(err)
			}
			got := e.Logging.Trails[trailAt.Key(trailName)]
			if tc.want == nil {
				if got != nil {
					t.Fatalf("read %+v, want no trail", got)
				}
			} else {
				exp := *inPlace
				if w := tc.want(&exp); !reflect.DeepEqual(got, w) {
					t.Fatalf("read\n%+v\nwant\n%+v", got, w)
				}
			}
			if tc.calls != nil && !reflect.DeepEqual(f.calls, tc.calls) {
				t.Errorf("calls %v, want %v", f.calls, tc.calls)
			}
			for _, w := range f.where {
				if w != (estate.Location{Account: trailMgmtID, Region: "us-east-1"}) {
					t.Errorf("read in %v, want the management account's home Region", w)
				}
			}
		})
	}
}

func withSelectors(t cttypes.Trail) cttypes.Trail {
	t.HasCustomEventSelectors = aws.Bool(true)
	return t
}

func TestCollectLogGroup(t *testing.T) {
	group := func(name string, days *int32) logstypes.LogGroup {
		return logstypes.LogGroup{LogGroupName: aws.String(name), RetentionInDays: days,
			Arn:         aws.String("arn:aws:logs:us-east-1:111111111111:log-group:" + name + ":*"),
			LogGroupArn: aws.String("arn:aws:logs:us-east-1:111111111111:log-group:" + name)}
	}
	tests := map[string]struct {
		pages [][]logstypes.LogGroup
		want  *estate.LogGroup
	}{
		"on the second page, after a longer name": {
			pages: [][]logstypes.LogGroup{{group(trailGroup+"-old", aws.Int32(7))}, {group(trailGroup, aws.Int32(365))}},
			want:  &estate.LogGroup{Where: trailAt, Name: trailGroup, ARN: trailGrpARN, RetentionDays: 365}},
		"never expires": {pages: [][]logstypes.LogGroup{{group(trailGroup, nil)}},
			want: &estate.LogGroup{Where: trailAt, Name: trailGroup, ARN: trailGrpARN}},
		"absent":    {pages: [][]logstypes.LogGroup{{group(trailGroup+"-old", aws.Int32(7))}}},
		"no groups": {},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f := &fakeTrailReads{groupPages: tc.pages}
			want := trailWant()
			want.Trails = map[string]*estate.Trail{}
			e := trailOrg()
			if err := readWith(context.Background(), f, e, want, inventory.Options{}); err != nil {
				t.Fatal(err)
			}
			got := e.Logging.LogGroups[trailAt.Key(trailGroup)]
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("read %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestCollectTrailSkipsMissingAccountAndReportsErrors(t *testing.T) {
	t.Run("account not made yet", func(t *testing.T) {
		f := &fakeTrailReads{}
		want := trailWant()
		for _, tr := range want.Trails {
			tr.Account = "aws-log-archive-primary@example.com"
		}
		want.LogGroups = map[string]*estate.LogGroup{}
		e := trailOrg()
		if err := readWith(context.Background(), f, e, want, inventory.Options{}); err != nil {
			t.Fatal(err)
		}
		if len(f.calls) != 0 || len(e.Logging.Trails) != 0 {
			t.Errorf("calls %v, trails %v in an account that does not exist", f.calls, e.Logging.Trails)
		}
	})
	t.Run("throttled", func(t *testing.T) {
		f := &fakeTrailReads{err: &smithy.GenericAPIError{Code: "ThrottlingException", Message: "Rate exceeded"}}
		e := trailOrg()
		err := readWith(context.Background(), f, e, trailWant(), inventory.Options{})
		var ae smithy.APIError
		if !errors.As(err, &ae) || ae.ErrorCode() != "ThrottlingException" || !strings.Contains(err.Error(), trailName) {
			t.Errorf("error %v, want the throttling wrapped with the trail's name", err)
		}
	})
}
