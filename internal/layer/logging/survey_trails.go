package logging

import (
	"cmp"
	"context"
	"regexp"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"

	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/estate"
)

// trails reads the trails a place sees: the account's own, those of its
// multi-Region trails homed elsewhere, and the shadows of organization
// trails, which is how a member account sees that it is logged. Each
// trail is recorded once, under its owner and home Region, with every
// place that saw it (Trail.SeenIn). Whether it is logging, and what its
// event selectors record, is read only where it is homed and owned: once
// per trail across the survey.
//
// What moto 5.2.5 answers, checked against its source: DescribeTrails
// with includeShadowTrails lists the account's trails of every Region (a
// member never sees another account's organization trail), and every
// trail says HasCustomEventSelectors false whatever was put, so the
// selectors are read on every trail homed at the place, as AWS allows.
func (s *surveyRead) trails(ctx context.Context, p place) {
	api := s.clients.CloudTrail(p.at)
	out, err := api.DescribeTrails(ctx, &cloudtrail.DescribeTrailsInput{IncludeShadowTrails: aws.Bool(true)})
	if err != nil {
		s.notRead(partTrails, p.at, describe("describe the trails", p.at, err))
		return
	}
	s.locked(func(l *estate.Logging) { l.TrailsRead = append(l.TrailsRead, p.where) })
	for _, tr := range out.TrailList {
		t := describedTrail(tr)
		if t.HomeRegion == "" {
			t.HomeRegion = p.at.Region
		}
		owner := cmp.Or(t.Owner(), string(p.at.Account))
		t.Where = s.where(owner, t.HomeRegion)
		if t.HomeRegion == p.at.Region && owner == string(p.at.Account) {
			if gone := s.trailState(ctx, api, p.at, t); gone {
				continue
			}
		}
		s.locked(func(l *estate.Logging) { mergeTrail(l, t, p.where) })
	}
}

// describedTrail is a trail as DescribeTrails describes it; what it does
// not say (status, selectors) is unknown.
func describedTrail(tr types.Trail) *estate.Trail {
	return &estate.Trail{Name: aws.ToString(tr.Name), ARN: aws.ToString(tr.TrailARN),
		Organization: aws.ToBool(tr.IsOrganizationTrail), MultiRegion: aws.ToBool(tr.IsMultiRegionTrail),
		GlobalServiceEvents: aws.ToBool(tr.IncludeGlobalServiceEvents), LogFileValidation: aws.ToBool(tr.LogFileValidationEnabled),
		KMSKey: aws.ToString(tr.KmsKeyId), Bucket: aws.ToString(tr.S3BucketName),
		LogGroupARN: aws.ToString(tr.CloudWatchLogsLogGroupArn), LogsRoleARN: aws.ToString(tr.CloudWatchLogsRoleArn),
		HomeRegion: aws.ToString(tr.HomeRegion), ManagementEventsLogged: true}
}

// trailState reads, where t is homed and owned, whether it is logging and
// what its event selectors record. gone reports a trail deleted since the
// list. A read that fails leaves that much unknown and is reported.
func (s *surveyRead) trailState(ctx context.Context, api trailReadAPI, at estate.Location, t *estate.Trail) (gone bool) {
	name := aws.String(cmp.Or(t.ARN, t.Name))
	st, err := api.GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: name})
	switch {
	case awsx.ErrorCodeIs(err, "TrailNotFoundException"):
		return true
	case err != nil:
		s.notRead(partTrails, at, describe("read the status of trail "+t.Name, at, err))
		return false
	}
	t.Logging, t.StatusRead = aws.ToBool(st.IsLogging), true
	sel, err := api.GetEventSelectors(ctx, &cloudtrail.GetEventSelectorsInput{TrailName: name})
	switch {
	case awsx.ErrorCodeIs(err, "TrailNotFoundException"):
		return true
	case err != nil:
		s.notRead(partTrails, at, describe("read the event selectors of trail "+t.Name, at, err))
		return false
	}
	t.ManagementEventsLogged = logsAllManagementEvents(sel)
	t.S3Writes, t.S3Reads = s3ObjectEvents(sel)
	t.SelectorsRead = true
	return false
}

// mergeTrail records t, seen from the place seen, in l: a trail seen from
// several places is one trail, described by the sighting at its home (the
// only one with its status and selectors) when there is one.
func mergeTrail(l *estate.Logging, t *estate.Trail, seen estate.Where) {
	key := t.Key(t.Name)
	have, ok := l.Trails[key]
	if !ok || (t.StatusRead && !have.StatusRead) || (t.SelectorsRead && !have.SelectorsRead) {
		if ok {
			t.SeenIn = have.SeenIn
		}
		l.Trails[key], have = t, t
	}
	have.SeenIn = append(have.SeenIn, seen)
}

// allBuckets matches the data resource values that stand for every S3
// bucket: "arn:aws:s3" (the documented form) or "arn:aws:s3:::", in any
// partition.
var allBuckets = regexp.MustCompile(`^arn:[a-z-]+:s3(:::)?$`)

// s3ObjectEvents reports whether the selectors record S3 object-level
// write and read events (data events) for every bucket, as CIS AWS
// Foundations v3.0.0 3.8 and 3.9 ask: a basic selector with a data
// resource of type AWS::S3::Object for all buckets, or an advanced
// selector of eventCategory Data and resources.type AWS::S3::Object,
// either narrowed to reads or writes at most. An advanced selector that
// narrows further (by bucket, event name, source) covers only part.
func s3ObjectEvents(out *cloudtrail.GetEventSelectorsOutput) (writes, reads bool) {
	for _, s := range out.EventSelectors {
		all := slices.ContainsFunc(s.DataResources, func(d types.DataResource) bool {
			return aws.ToString(d.Type) == "AWS::S3::Object" && slices.ContainsFunc(d.Values, allBuckets.MatchString)
		})
		if !all {
			continue
		}
		w, r := readWrite(s.ReadWriteType)
		writes, reads = writes || w, reads || r
	}
	for _, s := range out.AdvancedEventSelectors {
		w, r := advancedS3ObjectEvents(s.FieldSelectors)
		writes, reads = writes || w, reads || r
	}
	return writes, reads
}

// readWrite is what a basic selector's ReadWriteType records; All when
// unset.
func readWrite(t types.ReadWriteType) (writes, reads bool) {
	switch t {
	case types.ReadWriteTypeWriteOnly:
		return true, false
	case types.ReadWriteTypeReadOnly:
		return false, true
	}
	return true, true
}

// advancedS3ObjectEvents is what one advanced selector records of S3
// object-level events on every bucket.
func advancedS3ObjectEvents(fields []types.AdvancedFieldSelector) (writes, reads bool) {
	data, objects := false, false
	writes, reads = true, true
	for _, f := range fields {
		only := func(v string) bool {
			return len(f.Equals) == 1 && f.Equals[0] == v && len(f.NotEquals)+len(f.StartsWith)+len(f.NotStartsWith)+
				len(f.EndsWith)+len(f.NotEndsWith) == 0
		}
		switch aws.ToString(f.Field) {
		case "eventCategory":
			data = only("Data")
		case "resources.type":
			objects = only("AWS::S3::Object")
		case "readOnly":
			switch {
			case only("true"):
				writes = false
			case only("false"):
				reads = false
			default:
				return false, false
			}
		case "resources.ARN":
			// Every bucket, said as a prefix of every object ARN.
			if len(f.StartsWith) == 0 || len(f.Equals)+len(f.NotEquals)+len(f.NotStartsWith)+len(f.EndsWith)+len(f.NotEndsWith) > 0 ||
				!slices.ContainsFunc(f.StartsWith, func(v string) bool { return allBuckets.MatchString(v) || allBuckets.MatchString(v+":::") }) {
				return false, false
			}
		default:
			return false, false // narrowed to some events or sources
		}
	}
	if !data || !objects {
		return false, false
	}
	return writes, reads
}
