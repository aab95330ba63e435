package logging_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logstypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/layer/logging"
)

// fakeTrailCloud is CloudTrail and CloudWatch Logs in many accounts and
// Regions, behind logging.CloudTrailAPI and logging.LogsAPI. It follows AWS
// where moto 5.2.5 does not (checked against a moto server):
//
//   - CreateTrail refuses a name that exists with
//     TrailAlreadyExistsException; moto replaces the trail, dropping every
//     setting the second call leaves out.
//   - DescribeTrails honours trailNameList; moto returns every trail.
//   - CreateTrail of an organization trail needs trusted access for
//     cloudtrail.amazonaws.com (CloudTrailAccessNotEnabledException);
//     moto creates one without an organization at all.
//   - PutRetentionPolicy refuses a retention CloudWatch Logs does not
//     offer (InvalidParameterException); moto stores 366.
//
// Like moto it refuses a trail whose bucket does not exist
// (S3BucketDoesNotExistException), when buckets is set. Trails and groups
// are keyed by account ID, Region and name. It counts calls per operation.
type fakeTrailCloud struct {
	mu        sync.Mutex
	trails    map[string]*fakeTrail // by estate.Location.Key(name), Where by account ID
	groups    map[string]*int32     // retention by key; nil pointer: never expire
	buckets   map[string]bool       // nil: every bucket exists
	noTrusted bool                  // trusted access for CloudTrail is off
	calls     map[string]int
}

type fakeTrail struct {
	t       cttypes.Trail
	logging bool
}

func newFakeTrailCloud() *fakeTrailCloud {
	return &fakeTrailCloud{trails: map[string]*fakeTrail{}, groups: map[string]*int32{}, calls: map[string]int{}}
}

func (f *fakeTrailCloud) count(op string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[op]
}

// enter counts a call and takes the lock; the caller unlocks.
func (f *fakeTrailCloud) enter(op string) {
	f.mu.Lock()
	f.calls[op]++
}

// addTrail puts a trail in place as if made outside groundwork.
func (f *fakeTrailCloud) addTrail(w estate.Location, t cttypes.Trail, logging bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	t.TrailARN = aws.String(fmt.Sprintf("arn:aws:cloudtrail:%s:%s:trail/%s", w.Region, w.Account, aws.ToString(t.Name)))
	t.HomeRegion = aws.String(w.Region)
	f.trails[w.Key(aws.ToString(t.Name))] = &fakeTrail{t: t, logging: logging}
}

func (f *fakeTrailCloud) trail(w estate.Location, name string) (cttypes.Trail, bool, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	t, ok := f.trails[w.Key(name)]
	if !ok {
		return cttypes.Trail{}, false, false
	}
	return t.t, t.logging, true
}

func (f *fakeTrailCloud) retention(w estate.Location, name string) (days int32, exists bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	r, ok := f.groups[w.Key(name)]
	return aws.ToInt32(r), ok
}

// logging returns what the inventory would read for the trails and log
// groups of the accounts in keys (account ID -> account key).
func (f *fakeTrailCloud) logging(keys map[string]string) *estate.Logging {
	f.mu.Lock()
	defer f.mu.Unlock()
	l := estate.NewLogging()
	for key, ft := range f.trails {
		id, region, name := splitTrailKey(key)
		w := estate.Where{Account: estate.AccountKey(keys[id]), Region: region}
		t := ft.t
		l.Trails[w.Key(name)] = &estate.Trail{Where: w, Name: name, ARN: aws.ToString(t.TrailARN),
			Organization: aws.ToBool(t.IsOrganizationTrail), MultiRegion: aws.ToBool(t.IsMultiRegionTrail),
			GlobalServiceEvents: aws.ToBool(t.IncludeGlobalServiceEvents), LogFileValidation: aws.ToBool(t.LogFileValidationEnabled),
			KMSKey: aws.ToString(t.KmsKeyId), Bucket: aws.ToString(t.S3BucketName), LogGroupARN: aws.ToString(t.CloudWatchLogsLogGroupArn),
			LogsRoleARN: aws.ToString(t.CloudWatchLogsRoleArn), Logging: ft.logging, HomeRegion: region, ManagementEventsLogged: true}
	}
	for key, r := range f.groups {
		id, region, name := splitTrailKey(key)
		w := estate.Where{Account: estate.AccountKey(keys[id]), Region: region}
		l.LogGroups[w.Key(name)] = &estate.LogGroup{Where: w, Name: name, RetentionDays: int(aws.ToInt32(r)),
			ARN: fmt.Sprintf("arn:aws:logs:%s:%s:log-group:%s:*", region, id, name)}
	}
	return l
}

// splitTrailKey undoes estate.Location.Key; names may hold "/".
func splitTrailKey(key string) (account, region, name string) {
	parts := strings.SplitN(key, "/", 3)
	return parts[0], parts[1], parts[2]
}

// fakeTrailServices hands out the fake's clients; the other services are
// not used by the trail and log group kinds.
type fakeTrailServices struct{ f *fakeTrailCloud }

var _ logging.Clients = fakeTrailServices{}

func (s fakeTrailServices) KMS(estate.Location) logging.KMSAPI       { return nil }
func (s fakeTrailServices) S3(estate.Location) logging.S3API         { return nil }
func (s fakeTrailServices) Config(estate.Location) logging.ConfigAPI { return nil }
func (s fakeTrailServices) IAM(estate.Location) logging.IAMAPI       { return nil }
func (s fakeTrailServices) CloudTrail(w estate.Location) logging.CloudTrailAPI {
	return fakeCloudTrailClient{s.f, w}
}
func (s fakeTrailServices) Logs(w estate.Location) logging.LogsAPI { return fakeLogsClient{s.f, w} }

// fakeCloudTrailClient is the fake's CloudTrail in one account and Region.
type fakeCloudTrailClient struct {
	f *fakeTrailCloud
	w estate.Location
}

var _ logging.CloudTrailAPI = fakeCloudTrailClient{}

func (c fakeCloudTrailClient) DescribeTrails(_ context.Context, in *cloudtrail.DescribeTrailsInput, _ ...func(*cloudtrail.Options)) (*cloudtrail.DescribeTrailsOutput, error) {
	c.f.enter("DescribeTrails")
	defer c.f.mu.Unlock()
	out := &cloudtrail.DescribeTrailsOutput{}
	for key, t := range c.f.trails {
		id, region, name := splitTrailKey(key)
		if id != string(c.w.Account) || region != c.w.Region {
			continue
		}
		if len(in.TrailNameList) > 0 && !slices.Contains(in.TrailNameList, name) {
			continue
		}
		out.TrailList = append(out.TrailList, t.t)
	}
	return out, nil
}

func (c fakeCloudTrailClient) CreateTrail(_ context.Context, in *cloudtrail.CreateTrailInput, _ ...func(*cloudtrail.Options)) (*cloudtrail.CreateTrailOutput, error) {
	c.f.enter("CreateTrail")
	defer c.f.mu.Unlock()
	name := aws.ToString(in.Name)
	if _, ok := c.f.trails[c.w.Key(name)]; ok {
		return nil, &cttypes.TrailAlreadyExistsException{Message: aws.String("Trail " + name + " already exists")}
	}
	if aws.ToBool(in.IsOrganizationTrail) && c.f.noTrusted {
		return nil, &cttypes.CloudTrailAccessNotEnabledException{Message: aws.String("trusted access for CloudTrail is not enabled")}
	}
	if b := aws.ToString(in.S3BucketName); c.f.buckets != nil && !c.f.buckets[b] {
		return nil, &cttypes.S3BucketDoesNotExistException{Message: aws.String("S3 bucket " + b + " does not exist!")}
	}
	arn := fmt.Sprintf("arn:aws:cloudtrail:%s:%s:trail/%s", c.w.Region, string(c.w.Account), name)
	t := cttypes.Trail{Name: in.Name, TrailARN: aws.String(arn), HomeRegion: aws.String(c.w.Region),
		S3BucketName: in.S3BucketName, IsOrganizationTrail: aws.Bool(aws.ToBool(in.IsOrganizationTrail)),
		IsMultiRegionTrail: aws.Bool(aws.ToBool(in.IsMultiRegionTrail)),
		// IncludeGlobalServiceEvents defaults to true in CreateTrail.
		IncludeGlobalServiceEvents: aws.Bool(in.IncludeGlobalServiceEvents == nil || *in.IncludeGlobalServiceEvents),
		LogFileValidationEnabled:   aws.Bool(aws.ToBool(in.EnableLogFileValidation)),
		KmsKeyId:                   in.KmsKeyId, CloudWatchLogsLogGroupArn: in.CloudWatchLogsLogGroupArn,
		CloudWatchLogsRoleArn: in.CloudWatchLogsRoleArn, HasCustomEventSelectors: aws.Bool(false)}
	c.f.trails[c.w.Key(name)] = &fakeTrail{t: t}
	return &cloudtrail.CreateTrailOutput{Name: in.Name, TrailARN: t.TrailARN}, nil
}

func (c fakeCloudTrailClient) UpdateTrail(_ context.Context, in *cloudtrail.UpdateTrailInput, _ ...func(*cloudtrail.Options)) (*cloudtrail.UpdateTrailOutput, error) {
	c.f.enter("UpdateTrail")
	defer c.f.mu.Unlock()
	ft, ok := c.f.trails[c.w.Key(aws.ToString(in.Name))]
	if !ok {
		return nil, &cttypes.TrailNotFoundException{Message: aws.String("Unknown trail: " + aws.ToString(in.Name))}
	}
	if aws.ToBool(in.IsOrganizationTrail) && c.f.noTrusted {
		return nil, &cttypes.CloudTrailAccessNotEnabledException{Message: aws.String("trusted access for CloudTrail is not enabled")}
	}
	t := &ft.t
	// Fields left out keep their value; an empty string clears one.
	setString := func(dst **string, v *string) {
		switch {
		case v == nil:
		case *v == "":
			*dst = nil
		default:
			*dst = v
		}
	}
	setBool := func(dst **bool, v *bool) {
		if v != nil {
			*dst = aws.Bool(*v)
		}
	}
	setString(&t.S3BucketName, in.S3BucketName)
	setString(&t.KmsKeyId, in.KmsKeyId)
	setString(&t.CloudWatchLogsLogGroupArn, in.CloudWatchLogsLogGroupArn)
	setString(&t.CloudWatchLogsRoleArn, in.CloudWatchLogsRoleArn)
	setBool(&t.IsOrganizationTrail, in.IsOrganizationTrail)
	setBool(&t.IsMultiRegionTrail, in.IsMultiRegionTrail)
	setBool(&t.IncludeGlobalServiceEvents, in.IncludeGlobalServiceEvents)
	setBool(&t.LogFileValidationEnabled, in.EnableLogFileValidation)
	return &cloudtrail.UpdateTrailOutput{Name: t.Name, TrailARN: t.TrailARN}, nil
}

func (c fakeCloudTrailClient) StartLogging(_ context.Context, in *cloudtrail.StartLoggingInput, _ ...func(*cloudtrail.Options)) (*cloudtrail.StartLoggingOutput, error) {
	c.f.enter("StartLogging")
	defer c.f.mu.Unlock()
	ft, ok := c.f.trails[c.w.Key(aws.ToString(in.Name))]
	if !ok {
		return nil, &cttypes.TrailNotFoundException{Message: aws.String("Unknown trail: " + aws.ToString(in.Name))}
	}
	ft.logging = true
	return &cloudtrail.StartLoggingOutput{}, nil
}

// fakeLogsClient is the fake's CloudWatch Logs in one account and Region.
type fakeLogsClient struct {
	f *fakeTrailCloud
	w estate.Location
}

var _ logging.LogsAPI = fakeLogsClient{}

// fakeLogRetentions are the retention values CloudWatch Logs accepts.
var fakeLogRetentions = []int32{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

func (c fakeLogsClient) CreateLogGroup(_ context.Context, in *cloudwatchlogs.CreateLogGroupInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.CreateLogGroupOutput, error) {
	c.f.enter("CreateLogGroup")
	defer c.f.mu.Unlock()
	key := c.w.Key(aws.ToString(in.LogGroupName))
	if _, ok := c.f.groups[key]; ok {
		return nil, &logstypes.ResourceAlreadyExistsException{Message: aws.String("The specified log group already exists")}
	}
	c.f.groups[key] = nil
	return &cloudwatchlogs.CreateLogGroupOutput{}, nil
}

func (c fakeLogsClient) PutRetentionPolicy(_ context.Context, in *cloudwatchlogs.PutRetentionPolicyInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.PutRetentionPolicyOutput, error) {
	c.f.enter("PutRetentionPolicy")
	defer c.f.mu.Unlock()
	key := c.w.Key(aws.ToString(in.LogGroupName))
	if _, ok := c.f.groups[key]; !ok {
		return nil, &logstypes.ResourceNotFoundException{Message: aws.String("The specified log group does not exist.")}
	}
	if !slices.Contains(fakeLogRetentions, aws.ToInt32(in.RetentionInDays)) {
		return nil, &logstypes.InvalidParameterException{Message: aws.String("Invalid retentionInDays")}
	}
	c.f.groups[key] = aws.Int32(aws.ToInt32(in.RetentionInDays))
	return &cloudwatchlogs.PutRetentionPolicyOutput{}, nil
}

func (c fakeLogsClient) DeleteRetentionPolicy(_ context.Context, in *cloudwatchlogs.DeleteRetentionPolicyInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.DeleteRetentionPolicyOutput, error) {
	c.f.enter("DeleteRetentionPolicy")
	defer c.f.mu.Unlock()
	key := c.w.Key(aws.ToString(in.LogGroupName))
	if _, ok := c.f.groups[key]; !ok {
		return nil, &logstypes.ResourceNotFoundException{Message: aws.String("The specified log group does not exist.")}
	}
	c.f.groups[key] = nil
	return &cloudwatchlogs.DeleteRetentionPolicyOutput{}, nil
}
