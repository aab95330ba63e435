package logging

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logstypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	cfgtypes "github.com/aws/aws-sdk-go-v2/service/configservice/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/inventory"
)

// surveyCloud is a fake organization for the survey: per account (by ID)
// and Region, what each read answers, and the calls made. An operation
// listed in fail answers AccessDenied at that place.
type surveyCloud struct {
	mu         sync.Mutex
	calls      map[string]int
	trails     map[estate.Location][]cttypes.Trail // DescribeTrails, shadows included
	logging    map[string]bool                     // GetTrailStatus by ARN
	selectors  map[string]*cloudtrail.GetEventSelectorsOutput
	recorders  map[estate.Location]cfgtypes.ConfigurationRecorder
	channels   map[estate.Location]cfgtypes.DeliveryChannel
	rules      map[estate.Location][]cfgtypes.ConfigRule
	aggs       map[estate.Location][]cfgtypes.ConfigurationAggregator
	buckets    map[string]surveyBucket // by name
	keys       map[string]kmstypes.KeyMetadata
	aliases    map[estate.Location][]kmstypes.AliasListEntry
	logGroups  map[estate.Location][]logstypes.LogGroup
	fail       map[string]estate.Location // operation -> where it fails
	bucketLocs bool                       // ListBuckets gives no Region
}

type surveyBucket struct {
	owner      estate.Location
	versioning bool
	accessLogs string
}

func newSurveyCloud() *surveyCloud {
	return &surveyCloud{calls: map[string]int{}, trails: map[estate.Location][]cttypes.Trail{}, logging: map[string]bool{},
		selectors: map[string]*cloudtrail.GetEventSelectorsOutput{}, recorders: map[estate.Location]cfgtypes.ConfigurationRecorder{},
		channels: map[estate.Location]cfgtypes.DeliveryChannel{}, rules: map[estate.Location][]cfgtypes.ConfigRule{},
		aggs: map[estate.Location][]cfgtypes.ConfigurationAggregator{}, buckets: map[string]surveyBucket{},
		keys: map[string]kmstypes.KeyMetadata{}, aliases: map[estate.Location][]kmstypes.AliasListEntry{},
		logGroups: map[estate.Location][]logstypes.LogGroup{}, fail: map[string]estate.Location{}}
}

// call counts op at w and returns the error it is to fail with there.
func (c *surveyCloud) call(op string, w estate.Location) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls[op]++
	if at, ok := c.fail[op]; ok && at == w {
		return &smithy.GenericAPIError{Code: "AccessDenied", Message: op + " denied"}
	}
	return nil
}

type surveyAt struct {
	c *surveyCloud
	w estate.Location
}

func (c *surveyCloud) KMS(w estate.Location) kmsReadAPI           { return surveyAt{c, w} }
func (c *surveyCloud) S3(w estate.Location) BucketReadAPI         { return surveyAt{c, w} }
func (c *surveyCloud) BucketList(w estate.Location) bucketListAPI { return surveyAt{c, w} }
func (c *surveyCloud) CloudTrail(w estate.Location) trailReadAPI  { return surveyAt{c, w} }
func (c *surveyCloud) Config(w estate.Location) configReadAPI     { return surveyAt{c, w} }
func (c *surveyCloud) IAM(w estate.Location) iamReadAPI           { return surveyAt{c, w} }
func (c *surveyCloud) Logs(w estate.Location) logsReadAPI         { return surveyAt{c, w} }
func (s surveyAt) err(op string) error                            { return s.c.call(op, s.w) }

func (s surveyAt) bucket(name *string) (surveyBucket, bool, error) {
	b, ok := s.c.buckets[aws.ToString(name)]
	if !ok || b.owner != s.w {
		return b, false, &smithy.GenericAPIError{Code: "NoSuchBucket"}
	}
	return b, true, nil
}

func (s surveyAt) DescribeTrails(_ context.Context, in *cloudtrail.DescribeTrailsInput, _ ...func(*cloudtrail.Options)) (*cloudtrail.DescribeTrailsOutput, error) {
	if !aws.ToBool(in.IncludeShadowTrails) {
		return nil, errors.New("the survey must ask for shadow trails")
	}
	return &cloudtrail.DescribeTrailsOutput{TrailList: s.c.trails[s.w]}, s.err("DescribeTrails")
}

func (s surveyAt) GetTrailStatus(_ context.Context, in *cloudtrail.GetTrailStatusInput, _ ...func(*cloudtrail.Options)) (*cloudtrail.GetTrailStatusOutput, error) {
	if !strings.Contains(aws.ToString(in.Name), ":"+string(s.w.Account)+":") {
		return nil, errors.New("status asked outside the trail's account: " + aws.ToString(in.Name))
	}
	return &cloudtrail.GetTrailStatusOutput{IsLogging: aws.Bool(s.c.logging[aws.ToString(in.Name)])}, s.err("GetTrailStatus")
}

func (s surveyAt) GetEventSelectors(_ context.Context, in *cloudtrail.GetEventSelectorsInput, _ ...func(*cloudtrail.Options)) (*cloudtrail.GetEventSelectorsOutput, error) {
	out := s.c.selectors[aws.ToString(in.TrailName)]
	if out == nil {
		out = &cloudtrail.GetEventSelectorsOutput{}
	}
	return out, s.err("GetEventSelectors")
}

func (s surveyAt) DescribeConfigurationRecorders(context.Context, *configservice.DescribeConfigurationRecordersInput, ...func(*configservice.Options)) (*configservice.DescribeConfigurationRecordersOutput, error) {
	out := &configservice.DescribeConfigurationRecordersOutput{}
	if r, ok := s.c.recorders[s.w]; ok {
		out.ConfigurationRecorders = []cfgtypes.ConfigurationRecorder{r}
	}
	return out, s.err("DescribeConfigurationRecorders")
}

func (s surveyAt) DescribeConfigurationRecorderStatus(context.Context, *configservice.DescribeConfigurationRecorderStatusInput, ...func(*configservice.Options)) (*configservice.DescribeConfigurationRecorderStatusOutput, error) {
	r := s.c.recorders[s.w]
	return &configservice.DescribeConfigurationRecorderStatusOutput{ConfigurationRecordersStatus: []cfgtypes.ConfigurationRecorderStatus{
		{Name: r.Name, Recording: true}}}, s.err("DescribeConfigurationRecorderStatus")
}

func (s surveyAt) DescribeDeliveryChannels(context.Context, *configservice.DescribeDeliveryChannelsInput, ...func(*configservice.Options)) (*configservice.DescribeDeliveryChannelsOutput, error) {
	out := &configservice.DescribeDeliveryChannelsOutput{}
	if c, ok := s.c.channels[s.w]; ok {
		out.DeliveryChannels = []cfgtypes.DeliveryChannel{c}
	}
	return out, s.err("DescribeDeliveryChannels")
}

func (s surveyAt) DescribeConfigRules(context.Context, *configservice.DescribeConfigRulesInput, ...func(*configservice.Options)) (*configservice.DescribeConfigRulesOutput, error) {
	return &configservice.DescribeConfigRulesOutput{ConfigRules: s.c.rules[s.w]}, s.err("DescribeConfigRules")
}

func (s surveyAt) DescribeConfigurationAggregators(context.Context, *configservice.DescribeConfigurationAggregatorsInput, ...func(*configservice.Options)) (*configservice.DescribeConfigurationAggregatorsOutput, error) {
	return &configservice.DescribeConfigurationAggregatorsOutput{ConfigurationAggregators: s.c.aggs[s.w]}, s.err("DescribeConfigurationAggregators")
}

func (s surveyAt) DescribeOrganizationConfigRules(context.Context, *configservice.DescribeOrganizationConfigRulesInput, ...func(*configservice.Options)) (*configservice.DescribeOrganizationConfigRulesOutput, error) {
	return nil, errors.New("no organization rules were asked for")
}

func (s surveyAt) ListBuckets(context.Context, *s3.ListBucketsInput, ...func(*s3.Options)) (*s3.ListBucketsOutput, error) {
	out := &s3.ListBucketsOutput{}
	for _, name := range slices.Sorted(mapKeysOf(s.c.buckets)) {
		if b := s.c.buckets[name]; b.owner.Account == s.w.Account {
			e := s3types.Bucket{Name: aws.String(name)}
			if !s.c.bucketLocs {
				e.BucketRegion = aws.String(b.owner.Region)
			}
			out.Buckets = append(out.Buckets, e)
		}
	}
	return out, s.err("ListBuckets")
}

func (s surveyAt) GetBucketLocation(_ context.Context, in *s3.GetBucketLocationInput, _ ...func(*s3.Options)) (*s3.GetBucketLocationOutput, error) {
	b := s.c.buckets[aws.ToString(in.Bucket)]
	return &s3.GetBucketLocationOutput{LocationConstraint: s3types.BucketLocationConstraint(b.owner.Region)}, s.err("GetBucketLocation")
}

func (s surveyAt) GetBucketLogging(_ context.Context, in *s3.GetBucketLoggingInput, _ ...func(*s3.Options)) (*s3.GetBucketLoggingOutput, error) {
	b, _, err := s.bucket(in.Bucket)
	if err != nil {
		return nil, err
	}
	out := &s3.GetBucketLoggingOutput{}
	if b.accessLogs != "" {
		out.LoggingEnabled = &s3types.LoggingEnabled{TargetBucket: aws.String(b.accessLogs)}
	}
	return out, s.err("GetBucketLogging")
}

func (s surveyAt) HeadBucket(_ context.Context, in *s3.HeadBucketInput, _ ...func(*s3.Options)) (*s3.HeadBucketOutput, error) {
	if _, _, err := s.bucket(in.Bucket); err != nil {
		return nil, err
	}
	return &s3.HeadBucketOutput{}, s.err("HeadBucket")
}

func (s surveyAt) GetBucketPolicy(context.Context, *s3.GetBucketPolicyInput, ...func(*s3.Options)) (*s3.GetBucketPolicyOutput, error) {
	return nil, &smithy.GenericAPIError{Code: "NoSuchBucketPolicy"}
}

func (s surveyAt) GetBucketVersioning(_ context.Context, in *s3.GetBucketVersioningInput, _ ...func(*s3.Options)) (*s3.GetBucketVersioningOutput, error) {
	b, _, err := s.bucket(in.Bucket)
	if err != nil {
		return nil, err
	}
	out := &s3.GetBucketVersioningOutput{}
	if b.versioning {
		out.Status = s3types.BucketVersioningStatusEnabled
	}
	return out, s.err("GetBucketVersioning")
}

func (s surveyAt) GetBucketEncryption(context.Context, *s3.GetBucketEncryptionInput, ...func(*s3.Options)) (*s3.GetBucketEncryptionOutput, error) {
	return nil, &smithy.GenericAPIError{Code: "ServerSideEncryptionConfigurationNotFoundError"}
}

func (s surveyAt) GetPublicAccessBlock(context.Context, *s3.GetPublicAccessBlockInput, ...func(*s3.Options)) (*s3.GetPublicAccessBlockOutput, error) {
	return nil, &smithy.GenericAPIError{Code: "NoSuchPublicAccessBlockConfiguration"}
}

func (s surveyAt) GetBucketLifecycleConfiguration(context.Context, *s3.GetBucketLifecycleConfigurationInput, ...func(*s3.Options)) (*s3.GetBucketLifecycleConfigurationOutput, error) {
	return nil, &smithy.GenericAPIError{Code: "NoSuchLifecycleConfiguration"}
}

func (s surveyAt) ListAliases(context.Context, *kms.ListAliasesInput, ...func(*kms.Options)) (*kms.ListAliasesOutput, error) {
	return &kms.ListAliasesOutput{Aliases: s.c.aliases[s.w]}, s.err("ListAliases")
}

func (s surveyAt) DescribeKey(_ context.Context, in *kms.DescribeKeyInput, _ ...func(*kms.Options)) (*kms.DescribeKeyOutput, error) {
	m, ok := s.c.keys[aws.ToString(in.KeyId)]
	if !ok {
		return nil, &smithy.GenericAPIError{Code: "NotFoundException"}
	}
	return &kms.DescribeKeyOutput{KeyMetadata: &m}, s.err("DescribeKey")
}

func (s surveyAt) GetKeyPolicy(context.Context, *kms.GetKeyPolicyInput, ...func(*kms.Options)) (*kms.GetKeyPolicyOutput, error) {
	return &kms.GetKeyPolicyOutput{Policy: aws.String(`{"Statement":[]}`)}, s.err("GetKeyPolicy")
}

func (s surveyAt) GetKeyRotationStatus(context.Context, *kms.GetKeyRotationStatusInput, ...func(*kms.Options)) (*kms.GetKeyRotationStatusOutput, error) {
	return &kms.GetKeyRotationStatusOutput{KeyRotationEnabled: false}, s.err("GetKeyRotationStatus")
}

func (s surveyAt) ListKeys(context.Context, *kms.ListKeysInput, ...func(*kms.Options)) (*kms.ListKeysOutput, error) {
	out := &kms.ListKeysOutput{}
	for _, id := range slices.Sorted(mapKeysOf(s.c.keys)) {
		if strings.Contains(aws.ToString(s.c.keys[id].Arn), ":"+string(s.w.Account)+":") {
			out.Keys = append(out.Keys, kmstypes.KeyListEntry{KeyId: aws.String(id)})
		}
	}
	return out, s.err("ListKeys")
}

func (s surveyAt) ListResourceTags(context.Context, *kms.ListResourceTagsInput, ...func(*kms.Options)) (*kms.ListResourceTagsOutput, error) {
	return &kms.ListResourceTagsOutput{}, s.err("ListResourceTags")
}

func (s surveyAt) DescribeLogGroups(_ context.Context, in *cloudwatchlogs.DescribeLogGroupsInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.DescribeLogGroupsOutput, error) {
	return &cloudwatchlogs.DescribeLogGroupsOutput{LogGroups: s.c.logGroups[s.w]}, s.err("DescribeLogGroups")
}

func (s surveyAt) GetRole(context.Context, *iam.GetRoleInput, ...func(*iam.Options)) (*iam.GetRoleOutput, error) {
	return nil, &smithy.GenericAPIError{Code: "NoSuchEntity"}
}

func (s surveyAt) ListAttachedRolePolicies(context.Context, *iam.ListAttachedRolePoliciesInput, ...func(*iam.Options)) (*iam.ListAttachedRolePoliciesOutput, error) {
	return &iam.ListAttachedRolePoliciesOutput{}, nil
}

func (s surveyAt) GetRolePolicy(context.Context, *iam.GetRolePolicyInput, ...func(*iam.Options)) (*iam.GetRolePolicyOutput, error) {
	return nil, &smithy.GenericAPIError{Code: "NoSuchEntity"}
}

func mapKeysOf[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

var _ surveyClients = (*surveyCloud)(nil)

// The surveyed organization: the management account 111 homes an
// organization trail in us-east-1, delivering to a bucket in the archive
// account 222, encrypted with a key of 333 and to a log group of its own;
// the archive account also has a single-Region trail of its own in
// eu-west-1. Config records everywhere but in 333 eu-west-1, and the
// organization aggregator is in 333.
const (
	svMgmt, svArchive, svTools = "111111111111", "222222222222", "333333333333"
	svHome, svOther            = "us-east-1", "eu-west-1"
	svOrgTrail                 = "arn:aws:cloudtrail:us-east-1:111111111111:trail/org"
	svLocalTrail               = "arn:aws:cloudtrail:eu-west-1:222222222222:trail/local"
	svKey                      = "arn:aws:kms:us-east-1:333333333333:key/k1"
	svGroup                    = "arn:aws:logs:us-east-1:111111111111:log-group:/org/trail:*"
	svTrailBucket              = "org-trail-logs"
	svConfigBucket             = "org-config-logs"
	svArchiveEmail             = "archive@example.com"
	svToolsEmail               = "tools@example.com"
)

func svAt(id, region string) estate.Location {
	return estate.Location{Account: estate.AccountID(id), Region: region}
}

func surveyedOrganization() (*surveyCloud, *estate.Estate, estate.Scope) {
	c := newSurveyCloud()
	org := cttypes.Trail{Name: aws.String("org"), TrailARN: aws.String(svOrgTrail), HomeRegion: aws.String(svHome),
		IsMultiRegionTrail: aws.Bool(true), IsOrganizationTrail: aws.Bool(true), IncludeGlobalServiceEvents: aws.Bool(true),
		LogFileValidationEnabled: aws.Bool(true), KmsKeyId: aws.String(svKey), S3BucketName: aws.String(svTrailBucket),
		CloudWatchLogsLogGroupArn: aws.String(svGroup)}
	local := cttypes.Trail{Name: aws.String("local"), TrailARN: aws.String(svLocalTrail), HomeRegion: aws.String(svOther),
		S3BucketName: aws.String(svTrailBucket)}
	for _, id := range []string{svMgmt, svArchive, svTools} {
		for _, region := range []string{svHome, svOther} {
			c.trails[svAt(id, region)] = []cttypes.Trail{org} // the trail itself, a replica, or a shadow
			c.recorders[svAt(id, region)] = cfgtypes.ConfigurationRecorder{Name: aws.String("default"),
				RecordingGroup: &cfgtypes.RecordingGroup{AllSupported: true, IncludeGlobalResourceTypes: region == svHome}}
			c.channels[svAt(id, region)] = cfgtypes.DeliveryChannel{Name: aws.String("default"), S3BucketName: aws.String(svConfigBucket)}
			c.rules[svAt(id, region)] = []cfgtypes.ConfigRule{{ConfigRuleName: aws.String("OrgConfigRule-s3-read-abc"),
				Source: &cfgtypes.Source{SourceIdentifier: aws.String("S3_BUCKET_PUBLIC_READ_PROHIBITED")}}}
		}
	}
	c.trails[svAt(svArchive, svOther)] = append(c.trails[svAt(svArchive, svOther)], local)
	c.logging[svOrgTrail], c.logging[svLocalTrail] = true, true
	c.selectors[svOrgTrail] = &cloudtrail.GetEventSelectorsOutput{AdvancedEventSelectors: []cttypes.AdvancedEventSelector{{
		FieldSelectors: []cttypes.AdvancedFieldSelector{
			{Field: aws.String("eventCategory"), Equals: []string{"Data"}},
			{Field: aws.String("resources.type"), Equals: []string{"AWS::S3::Object"}},
			{Field: aws.String("readOnly"), Equals: []string{"false"}}}}}}
	c.aggs[svAt(svTools, svHome)] = []cfgtypes.ConfigurationAggregator{{ConfigurationAggregatorName: aws.String("org-agg"),
		OrganizationAggregationSource: &cfgtypes.OrganizationAggregationSource{AllAwsRegions: true, RoleArn: aws.String("arn:aws:iam::333333333333:role/agg")}}}
	c.buckets[svTrailBucket] = surveyBucket{owner: svAt(svArchive, svHome), versioning: true}
	c.buckets[svConfigBucket] = surveyBucket{owner: svAt(svArchive, svOther), accessLogs: "elsewhere"}
	c.buckets["unrelated"] = surveyBucket{owner: svAt(svArchive, svHome)}
	c.keys["k1"] = kmstypes.KeyMetadata{KeyId: aws.String("k1"), Arn: aws.String(svKey), KeyState: kmstypes.KeyStateEnabled}
	c.aliases[svAt(svTools, svHome)] = []kmstypes.AliasListEntry{{AliasName: aws.String("alias/trail"), TargetKeyId: aws.String("k1")}}
	c.logGroups[svAt(svMgmt, svHome)] = []logstypes.LogGroup{{LogGroupName: aws.String("/org/trail"), Arn: aws.String(svGroup),
		RetentionInDays: aws.Int32(365)}}
	c.fail["DescribeConfigurationRecorders"] = svAt(svTools, svOther)

	e := estate.New()
	e.Organization = &estate.Organization{ID: "o-abc", ManagementAccountID: svMgmt}
	e.Accounts["mgmt@example.com"] = &estate.Account{ID: svMgmt, Email: "mgmt@example.com", Status: "ACTIVE"}
	e.Accounts[svArchiveEmail] = &estate.Account{ID: svArchive, Email: svArchiveEmail, Status: "ACTIVE"}
	e.Accounts[svToolsEmail] = &estate.Account{ID: svTools, Email: svToolsEmail, Status: "ACTIVE"}
	scope := estate.Scope{Accounts: []string{"mgmt@example.com", svArchiveEmail, svToolsEmail}, Regions: []string{svHome, svOther}, HomeRegion: svHome}
	return c, e, scope
}

func runSurvey(t *testing.T, c *surveyCloud, e *estate.Estate, scope estate.Scope, want *estate.Logging) []error {
	t.Helper()
	var mu sync.Mutex
	var warned []error
	opts := inventory.Options{Width: 4, Warn: func(err error) { mu.Lock(); defer mu.Unlock(); warned = append(warned, err) }}
	if err := surveyWith(context.Background(), c, e, scope, want, opts); err != nil {
		t.Fatal(err)
	}
	return warned
}

func TestSurveyWithoutSpec(t *testing.T) {
	c, e, scope := surveyedOrganization()
	warned := runSurvey(t, c, e, scope, nil)
	l := e.Logging
	mgmt := estate.Where{Account: estate.ManagementKey, Region: svHome}
	archiveOther := estate.Where{Account: svArchiveEmail, Region: svOther}

	// One model per trail: the organization trail once, under its owner
	// and home, with every place that saw it.
	if len(l.Trails) != 2 {
		t.Fatalf("trails %v, want the organization trail and the local one", slices.Sorted(mapKeysOf(l.Trails)))
	}
	org := l.Trails[mgmt.Key("org")]
	if org == nil || !org.StatusRead || !org.Logging || !org.SelectorsRead || !org.S3Writes || org.S3Reads ||
		org.Bucket != svTrailBucket || org.KMSKey != svKey || !org.Organization || len(org.SeenIn) != 6 {
		t.Errorf("organization trail = %+v", org)
	}
	if local := l.Trails[archiveOther.Key("local")]; local == nil || !local.StatusRead || local.MultiRegion ||
		!slices.Equal(local.SeenIn, []estate.Where{archiveOther}) {
		t.Errorf("local trail = %+v", local)
	}
	if got := c.calls["GetTrailStatus"]; got != 2 {
		t.Errorf("GetTrailStatus called %d times, want once per trail, where it is homed: 2", got)
	}
	if len(l.TrailsRead) != 6 {
		t.Errorf("trails read in %v, want every place", l.TrailsRead)
	}

	// Config everywhere but where it failed, which is reported as that
	// part and place alone.
	toolsOther := estate.Where{Account: svToolsEmail, Region: svOther}
	if len(l.Scope) != 5 || slices.Contains(l.Scope, toolsOther) {
		t.Errorf("Config scope %v, want every place but %v", l.Scope, toolsOther)
	}
	if len(l.Recorders) != 5 || len(l.Rules) != 5 {
		t.Errorf("%d recorders, %d rules; want 5 of each", len(l.Recorders), len(l.Rules))
	}
	var nr *inventory.NotReadError
	if len(warned) != 1 || !errors.As(warned[0], &nr) || nr.Read != partConfig || nr.Account != svTools || nr.Region != svOther {
		t.Errorf("warned %v, want one config part not read in %s %s", warned, svTools, svOther)
	}
	tools := estate.Where{Account: svToolsEmail, Region: svHome}
	if a := l.Aggregators[tools.Key("org-agg")]; a == nil || !a.Organization || !a.AllRegions {
		t.Errorf("aggregators %v", l.Aggregators)
	}

	// What they deliver to, in the accounts that own it.
	tb := l.Buckets[svTrailBucket]
	if tb == nil || tb.Where != (estate.Where{Account: svArchiveEmail, Region: svHome}) || !tb.Versioning || !tb.AccessLogsRead || tb.AccessLogsTo != "" {
		t.Errorf("trail bucket = %+v", tb)
	}
	if cb := l.Buckets[svConfigBucket]; cb == nil || cb.Region != svOther || cb.AccessLogsRead {
		t.Errorf("Config bucket = %+v (access logging is read on the trails' buckets only)", cb)
	}
	if _, read := l.Buckets["unrelated"]; read {
		t.Error("a bucket nothing delivers to was read")
	}
	if k := l.Keys[tools.Key("alias/trail")]; k == nil || k.ARN != svKey || k.State != "Enabled" {
		t.Errorf("keys %v", l.Keys)
	}
	if lg := l.LogGroups[mgmt.Key("/org/trail")]; lg == nil || lg.RetentionDays != 365 {
		t.Errorf("log groups %v", l.LogGroups)
	}
	if l.HomeRegion != svHome {
		t.Errorf("home Region %q", l.HomeRegion)
	}
}

// TestSurveyFailuresStayInTheirPlace: a read that fails leaves its part,
// at its place, not read, and the rest of the layer read.
func TestSurveyFailuresStayInTheirPlace(t *testing.T) {
	tests := map[string]struct {
		op, part string
		at       estate.Location
		check    func(t *testing.T, l *estate.Logging)
	}{
		"trails of a place": {op: "DescribeTrails", part: partTrails, at: svAt(svArchive, svOther), check: func(t *testing.T, l *estate.Logging) {
			if len(l.TrailsRead) != 5 || l.Trails[estate.Where{Account: svArchiveEmail, Region: svOther}.Key("local")] != nil {
				t.Errorf("trails read in %v; trails %v", l.TrailsRead, slices.Sorted(mapKeysOf(l.Trails)))
			}
		}},
		"status of a trail": {op: "GetTrailStatus", part: partTrails, at: svAt(svMgmt, svHome), check: func(t *testing.T, l *estate.Logging) {
			if org := l.Trails[estate.Where{Account: estate.ManagementKey, Region: svHome}.Key("org")]; org == nil || org.StatusRead {
				t.Errorf("organization trail %+v, want its status unknown", org)
			}
		}},
		"buckets of an account": {op: "ListBuckets", part: partBuckets, at: svAt(svArchive, svHome), check: func(t *testing.T, l *estate.Logging) {
			if len(l.Buckets) != 0 {
				t.Errorf("buckets %v", l.Buckets)
			}
		}},
		"access logging": {op: "GetBucketLogging", part: partBuckets, at: svAt(svArchive, svHome), check: func(t *testing.T, l *estate.Logging) {
			if b := l.Buckets[svTrailBucket]; b == nil || b.AccessLogsRead {
				t.Errorf("trail bucket %+v, want its access logging unknown", b)
			}
		}},
		"a key": {op: "GetKeyPolicy", part: partKeys, at: svAt(svTools, svHome), check: func(t *testing.T, l *estate.Logging) {
			if len(l.Keys) != 0 {
				t.Errorf("keys %v", l.Keys)
			}
		}},
		"rules of a place": {op: "DescribeConfigRules", part: partConfig, at: svAt(svMgmt, svOther), check: func(t *testing.T, l *estate.Logging) {
			if slices.Contains(l.Scope, estate.Where{Account: estate.ManagementKey, Region: svOther}) {
				t.Errorf("scope %v holds a place whose rules were not read", l.Scope)
			}
		}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			c, e, scope := surveyedOrganization()
			delete(c.fail, "DescribeConfigurationRecorders")
			c.fail[tt.op] = tt.at
			warned := runSurvey(t, c, e, scope, nil)
			var nr *inventory.NotReadError
			if len(warned) != 1 || !errors.As(warned[0], &nr) || nr.Read != tt.part || nr.Account != string(tt.at.Account) {
				t.Fatalf("warned %v, want %s not read in %s", warned, tt.part, tt.at.Account)
			}
			tt.check(t, e.Logging)
		})
	}
}

// TestSurveyWithSpec: what the spec names is read too, as plan reads it:
// a Config place beyond the audit's scope, and the spec's own bucket,
// which the trail delivers to, read once.
func TestSurveyWithSpec(t *testing.T) {
	c, e, scope := surveyedOrganization()
	delete(c.fail, "DescribeConfigurationRecorders")
	scope.Regions = []string{svHome}
	want := estate.NewLogging()
	outside := estate.Where{Account: svArchiveEmail, Region: svOther}
	want.Scope = []estate.Where{outside}
	want.Buckets[svTrailBucket] = &estate.Bucket{Where: estate.Where{Account: svArchiveEmail, Region: svHome}, Name: svTrailBucket}
	runSurvey(t, c, e, scope, want)
	l := e.Logging
	if !slices.Contains(l.Scope, outside) || l.Recorders[outside.Key("default")] == nil {
		t.Errorf("scope %v, recorders %v: the spec's place %v not read", l.Scope, slices.Sorted(mapKeysOf(l.Recorders)), outside)
	}
	if b := l.Buckets[svTrailBucket]; b == nil || !b.AccessLogsRead {
		t.Errorf("the spec's trail bucket = %+v", b)
	}
	if got := c.calls["HeadBucket"]; got != 2 {
		t.Errorf("HeadBucket called %d times, want once per bucket (the spec's and the Config bucket): 2", got)
	}
}

func TestS3ObjectEvents(t *testing.T) {
	field := func(name string, equals ...string) cttypes.AdvancedFieldSelector {
		return cttypes.AdvancedFieldSelector{Field: aws.String(name), Equals: equals}
	}
	basic := func(rw cttypes.ReadWriteType, typ string, values ...string) *cloudtrail.GetEventSelectorsOutput {
		return &cloudtrail.GetEventSelectorsOutput{EventSelectors: []cttypes.EventSelector{{ReadWriteType: rw,
			DataResources: []cttypes.DataResource{{Type: aws.String(typ), Values: values}}}}}
	}
	advanced := func(fs ...cttypes.AdvancedFieldSelector) *cloudtrail.GetEventSelectorsOutput {
		return &cloudtrail.GetEventSelectorsOutput{AdvancedEventSelectors: []cttypes.AdvancedEventSelector{{FieldSelectors: fs}}}
	}
	tests := map[string]struct {
		sel           *cloudtrail.GetEventSelectorsOutput
		writes, reads bool
	}{
		"none":                           {sel: &cloudtrail.GetEventSelectorsOutput{}},
		"basic, every bucket":            {sel: basic(cttypes.ReadWriteTypeAll, "AWS::S3::Object", "arn:aws:s3"), writes: true, reads: true},
		"basic, every bucket, :::":       {sel: basic("", "AWS::S3::Object", "arn:aws:s3:::"), writes: true, reads: true},
		"basic, write only":              {sel: basic(cttypes.ReadWriteTypeWriteOnly, "AWS::S3::Object", "arn:aws:s3"), writes: true},
		"basic, read only":               {sel: basic(cttypes.ReadWriteTypeReadOnly, "AWS::S3::Object", "arn:aws:s3"), reads: true},
		"basic, one bucket":              {sel: basic(cttypes.ReadWriteTypeAll, "AWS::S3::Object", "arn:aws:s3:::payments/")},
		"basic, Lambda":                  {sel: basic(cttypes.ReadWriteTypeAll, "AWS::Lambda::Function", "arn:aws:lambda")},
		"basic, another partition":       {sel: basic(cttypes.ReadWriteTypeAll, "AWS::S3::Object", "arn:aws-us-gov:s3"), writes: true, reads: true},
		"advanced, all S3 object events": {sel: advanced(field("eventCategory", "Data"), field("resources.type", "AWS::S3::Object")), writes: true, reads: true},
		"advanced, writes":               {sel: advanced(field("eventCategory", "Data"), field("resources.type", "AWS::S3::Object"), field("readOnly", "false")), writes: true},
		"advanced, reads":                {sel: advanced(field("eventCategory", "Data"), field("resources.type", "AWS::S3::Object"), field("readOnly", "true")), reads: true},
		"advanced, management only":      {sel: advanced(field("eventCategory", "Management"))},
		"advanced, one event name": {sel: advanced(field("eventCategory", "Data"), field("resources.type", "AWS::S3::Object"),
			field("eventName", "PutObject"))},
		"advanced, every bucket by ARN prefix": {sel: advanced(field("eventCategory", "Data"), field("resources.type", "AWS::S3::Object"),
			cttypes.AdvancedFieldSelector{Field: aws.String("resources.ARN"), StartsWith: []string{"arn:aws:s3"}}), writes: true, reads: true},
		"advanced, one bucket by ARN prefix": {sel: advanced(field("eventCategory", "Data"), field("resources.type", "AWS::S3::Object"),
			cttypes.AdvancedFieldSelector{Field: aws.String("resources.ARN"), StartsWith: []string{"arn:aws:s3:::payments/"}})},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			w, r := s3ObjectEvents(tt.sel)
			if w != tt.writes || r != tt.reads {
				t.Errorf("writes %v, reads %v; want %v, %v", w, r, tt.writes, tt.reads)
			}
		})
	}
	if !logsAllManagementEvents(&cloudtrail.GetEventSelectorsOutput{}) {
		t.Error("a trail whose selectors read back empty logs its management events, as a new trail does")
	}
}
