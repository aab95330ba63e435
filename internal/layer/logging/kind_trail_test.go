package logging_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"

	"github.com/groundwork-aws/groundwork/internal/apply"
	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/kinds/kindstest"
	"github.com/groundwork-aws/groundwork/internal/layer/logging"
	"github.com/groundwork-aws/groundwork/internal/layer/orglayer"
	"github.com/groundwork-aws/groundwork/internal/plan"
)

// What loggingSpec asks for, as the accounts of loggingEstates resolve it.
const (
	trailMgmtID   = "111111111111"
	trailSecKey   = "aws-security-tooling-primary@example.com"
	trailName     = "groundwork-org-trail"
	trailGroup    = "/groundwork/cloudtrail"
	trailBucket   = "aws-logs-cloudtrail-222222222222-us-east-1"
	trailKeyARN   = "arn:aws:kms:us-east-1:333333333333:key/k-trail"
	trailGroupARN = "arn:aws:logs:us-east-1:111111111111:log-group:/groundwork/cloudtrail:*"
	trailRoleARN  = "arn:aws:iam::111111111111:role/groundwork-cloudtrail-logs"
)

var (
	trailAt     = estate.Where{Account: estate.ManagementKey, Region: "us-east-1"}
	trailMgmtAt = estate.Location{Account: trailMgmtID, Region: "us-east-1"} // as the clients see it
	trailKeyAt  = estate.Where{Account: trailSecKey, Region: "us-east-1"}
)

// trailEstates returns the desired estate of loggingSpec narrowed to the
// trail and its log group, and an actual estate where the accounts and
// the CloudTrail key exist and the logging layer is otherwise empty.
func trailEstates(t *testing.T) (desired, actual *estate.Estate) {
	t.Helper()
	desired, actual = loggingEstates(t)
	desired.Org = nil // the organization layer is other kinds' business
	l := estate.NewLogging()
	l.Trails, l.LogGroups = desired.Logging.Trails, desired.Logging.LogGroups
	desired.Logging = l
	actual.Logging = estate.NewLogging()
	actual.Logging.Keys[trailKeyAt.Key("alias/groundwork-cloudtrail")] = &estate.Key{Where: trailKeyAt,
		Alias: "alias/groundwork-cloudtrail", ARN: trailKeyARN}
	return desired, actual
}

// trailInPlace is the trail loggingSpec asks for, as the inventory reads it.
func trailInPlace() *estate.Trail {
	return &estate.Trail{Where: trailAt, Name: trailName, ARN: "arn:aws:cloudtrail:us-east-1:111111111111:trail/" + trailName,
		Organization: true, MultiRegion: true, GlobalServiceEvents: true, LogFileValidation: true, KMSKey: trailKeyARN,
		Bucket: trailBucket, LogGroupARN: trailGroupARN, LogsRoleARN: trailRoleARN, Logging: true, HomeRegion: "us-east-1",
		ManagementEventsLogged: true}
}

func TestTrailDependsOnWhatItNeeds(t *testing.T) {
	desired, actual := loggingEstates(t)
	k, _ := kinds.Lookup(logging.KindTrail)
	// The kind's own diff names everything; kinds.Plan then drops what no
	// change is planned for.
	changes, _ := k.Diff(desired, actual)
	if len(changes) != 1 || changes[0].Action != plan.Create {
		t.Fatalf("changes %+v, want one create", changes)
	}
	ch := changes[0]
	if want := logging.TrailAddress(trailAt, trailName); ch.Address != want || want != "trail/management/us-east-1/"+trailName {
		t.Errorf("address %s, want %s", ch.Address, want)
	}
	want := []string{kinds.OrganizationAddress, logging.BucketAddress(trailBucket),
		logging.KeyAddress(trailKeyAt, "alias/groundwork-cloudtrail"), logging.LogGroupAddress(trailAt, trailGroup),
		logging.RoleAddress(estate.ManagementKey, "groundwork-cloudtrail-logs"), orglayer.TrustedAccessAddress("cloudtrail.amazonaws.com")}
	if !slices.Equal(ch.DependsOn, want) {
		t.Errorf("depends on\n%v\nwant\n%v", ch.DependsOn, want)
	}
	for attr, v := range map[string]string{"organization": "true", "multi_region": "true", "global_service_events": "true",
		"log_file_validation": "true", "logging": "true", "bucket": trailBucket, "log_group_arn": trailGroupARN,
		"logs_role_arn": trailRoleARN} {
		if ch.After[attr] != v {
			t.Errorf("after[%s] = %q, want %q", attr, ch.After[attr], v)
		}
	}
	// The key does not exist yet: its ARN stays a reference apply resolves.
	if got := ch.After["kms_key"]; got != estate.KeyARNRef(trailKeyAt, "alias/groundwork-cloudtrail") {
		t.Errorf("kms_key %q, want the key reference", got)
	}

	t.Run("in the delegated administrator", func(t *testing.T) {
		desired, actual := loggingEstates(t)
		d := *desired.Logging.Trails[trailAt.Key(trailName)]
		d.Where = trailKeyAt
		desired.Logging.Trails = map[string]*estate.Trail{trailKeyAt.Key(trailName): &d}
		changes, _ := k.Diff(desired, actual)
		deps := changes[0].DependsOn
		for _, dep := range []string{kinds.AccountAddress(trailSecKey), orglayer.DelegatedAdminAddress("cloudtrail.amazonaws.com")} {
			if !slices.Contains(deps, dep) {
				t.Errorf("depends on %v, lacks %s", deps, dep)
			}
		}
	})

	t.Run("in a plan", func(t *testing.T) {
		p := kinds.Plan(desired, actual)
		if err := p.Validate(); err != nil {
			t.Fatal(err)
		}
		trails := kindstest.ChangesOfKind(p, logging.KindTrail)
		if len(trails) != 1 {
			t.Fatalf("%d trail changes", len(trails))
		}
		for _, dep := range []string{logging.LogGroupAddress(trailAt, trailGroup), logging.RoleAddress(estate.ManagementKey, "groundwork-cloudtrail-logs")} {
			if !slices.Contains(trails[0].DependsOn, dep) {
				t.Errorf("planned trail depends on %v, lacks %s", trails[0].DependsOn, dep)
			}
		}
	})
}

func TestPlanTrail(t *testing.T) {
	tests := map[string]struct {
		actual     func(tr *estate.Trail) *estate.Trail // nil: no trail
		action     plan.Action                          // NoOp: no change
		before     map[string]string
		wantReason bool
	}{
		"missing":  {action: plan.Create},
		"in place": {actual: func(tr *estate.Trail) *estate.Trail { return tr }},
		"stopped by hand": {actual: func(tr *estate.Trail) *estate.Trail { tr.Logging = false; return tr },
			action: plan.Update, before: map[string]string{"logging": "false"}, wantReason: true},
		"validation off": {actual: func(tr *estate.Trail) *estate.Trail { tr.LogFileValidation = false; return tr },
			action: plan.Update, before: map[string]string{"log_file_validation": "false"}},
		"another key": {actual: func(tr *estate.Trail) *estate.Trail { tr.KMSKey = "arn:aws:kms:us-east-1:1:key/other"; return tr },
			action: plan.Update, before: map[string]string{"kms_key": "arn:aws:kms:us-east-1:1:key/other"}},
		"single account": {actual: func(tr *estate.Trail) *estate.Trail { tr.Organization = false; return tr },
			action: plan.Update, before: map[string]string{"organization": "false"}},
		"single Region": {actual: func(tr *estate.Trail) *estate.Trail { tr.MultiRegion = false; return tr },
			action: plan.Update, before: map[string]string{"multi_region": "false"}},
		"no CloudWatch Logs": {actual: func(tr *estate.Trail) *estate.Trail { tr.LogGroupARN, tr.LogsRoleARN = "", ""; return tr },
			action: plan.Update, before: map[string]string{"log_group_arn": ""}},
		"another bucket": {actual: func(tr *estate.Trail) *estate.Trail { tr.Bucket = "legacy-trail-bucket"; return tr },
			action: plan.Update, before: map[string]string{"bucket": "legacy-trail-bucket"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			desired, actual := trailEstates(t)
			if tc.actual != nil {
				actual.Logging.Trails[trailAt.Key(trailName)] = tc.actual(trailInPlace())
			}
			chs := kindstest.ChangesOfKind(kinds.Plan(desired, actual), logging.KindTrail)
			if tc.action == plan.NoOp {
				if len(chs) != 0 {
					t.Fatalf("changes %+v, want none", chs)
				}
				return
			}
			if len(chs) != 1 || chs[0].Action != tc.action {
				t.Fatalf("changes %+v, want one %s", chs, tc.action)
			}
			for k, v := range tc.before {
				if chs[0].Before[k] != v {
					t.Errorf("before[%s] = %q, want %q", k, chs[0].Before[k], v)
				}
			}
			if tc.wantReason != (chs[0].Reason != "") {
				t.Errorf("reason %q", chs[0].Reason)
			}
		})
	}
}

func TestPlanTrailNotesNarrowedEventSelectors(t *testing.T) {
	desired, actual := trailEstates(t)
	tr := trailInPlace()
	tr.ManagementEventsLogged = false
	actual.Logging.Trails[trailAt.Key(trailName)] = tr
	p := kinds.Plan(desired, actual)
	if chs := kindstest.ChangesOfKind(p, logging.KindTrail); len(chs) != 0 {
		t.Errorf("changes %+v: event selectors are not groundwork's", chs)
	}
	if n := len(slices.DeleteFunc(slices.Clone(p.Notes), func(n string) bool { return !strings.Contains(n, "event selectors") })); n != 1 {
		t.Errorf("notes %q, want one on the event selectors", p.Notes)
	}
}

func TestPlanLogGroup(t *testing.T) {
	tests := map[string]struct {
		retention int // 0: no group
		action    plan.Action
	}{
		"missing":         {action: plan.Create},
		"in place":        {retention: 365},
		"retention drift": {retention: 30, action: plan.Update},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			desired, actual := trailEstates(t)
			if tc.retention > 0 {
				actual.Logging.LogGroups[trailAt.Key(trailGroup)] = &estate.LogGroup{Where: trailAt, Name: trailGroup,
					ARN: "arn:aws:logs:us-east-1:111111111111:log-group:/groundwork/cloudtrail:*", RetentionDays: tc.retention}
			}
			chs := kindstest.ChangesOfKind(kinds.Plan(desired, actual), logging.KindLogGroup)
			if tc.action == plan.NoOp {
				if len(chs) != 0 {
					t.Fatalf("changes %+v, want none", chs)
				}
				return
			}
			if len(chs) != 1 || chs[0].Action != tc.action {
				t.Fatalf("changes %+v, want one %s", chs, tc.action)
			}
			ch := chs[0]
			if ch.Address != "log-group/management/us-east-1//groundwork/cloudtrail" || ch.After["retention_days"] != "365" {
				t.Errorf("change %+v", ch)
			}
			if tc.action == plan.Update && ch.Before["retention_days"] != "30" {
				t.Errorf("before %v", ch.Before)
			}
			if !slices.Equal(ch.DependsOn, nil) {
				t.Errorf("depends on %v: the organization exists", ch.DependsOn)
			}
		})
	}
}

// trailEnv is an Env on the fake that resolves references from actual.
func trailEnv(t *testing.T, f *fakeTrailCloud, actual *estate.Estate) *kinds.Env {
	env := &kinds.Env{Log: t.Logf}
	kinds.SetClients[logging.Clients](env, fakeTrailServices{f})
	env.SeedActual(actual)
	return env
}

// readTrailActual is actual with the fake's trails and log groups, as the
// inventory would read them.
func readTrailActual(f *fakeTrailCloud, actual *estate.Estate) *estate.Estate {
	l := f.logging(map[string]string{trailMgmtID: estate.ManagementKey})
	l.Keys = actual.Logging.Keys
	e := *actual
	e.Logging = l
	return &e
}

// trailPlan is kinds.Plan narrowed to the trail and log group changes,
// so that the apply tests run only the kinds their fakes serve.
func trailPlan(desired, actual *estate.Estate) *plan.Plan {
	p := kinds.Plan(desired, actual)
	p.Changes = slices.DeleteFunc(p.Changes, func(ch plan.Change) bool {
		return ch.Kind != logging.KindTrail && ch.Kind != logging.KindLogGroup
	})
	for i := range p.Changes {
		p.Changes[i].DependsOn = slices.DeleteFunc(p.Changes[i].DependsOn, func(dep string) bool {
			return !slices.ContainsFunc(p.Changes, func(ch plan.Change) bool { return ch.Address == dep })
		})
	}
	return p
}

func applyTrailPlan(t *testing.T, env *kinds.Env, p *plan.Plan) {
	t.Helper()
	rep, err := apply.Run(context.Background(), env, p, apply.Options{})
	if err != nil {
		t.Fatalf("apply: %v\n%+v", err, rep)
	}
}

func TestApplyTrail(t *testing.T) {
	desired, actual := trailEstates(t)
	f := newFakeTrailCloud()
	f.buckets = map[string]bool{trailBucket: true}
	env := trailEnv(t, f, actual)
	p := trailPlan(desired, actual)
	applyTrailPlan(t, env, p)

	got, logging, ok := f.trail(trailMgmtAt, trailName)
	if !ok {
		t.Fatal("no trail made")
	}
	if !logging {
		t.Error("the trail is not logging: StartLogging not called")
	}
	if !aws.ToBool(got.IsOrganizationTrail) || !aws.ToBool(got.IsMultiRegionTrail) || !aws.ToBool(got.IncludeGlobalServiceEvents) ||
		!aws.ToBool(got.LogFileValidationEnabled) {
		t.Errorf("trail settings %+v", got)
	}
	for name, pair := range map[string][2]string{
		"key": {aws.ToString(got.KmsKeyId), trailKeyARN}, "bucket": {aws.ToString(got.S3BucketName), trailBucket},
		"log group": {aws.ToString(got.CloudWatchLogsLogGroupArn), trailGroupARN},
		"role":      {aws.ToString(got.CloudWatchLogsRoleArn), trailRoleARN},
	} {
		if pair[0] != pair[1] {
			t.Errorf("%s %q, want %q", name, pair[0], pair[1])
		}
	}
	if days, ok := f.retention(trailMgmtAt, trailGroup); !ok || days != 365 {
		t.Errorf("log group retention %d (exists %v), want 365", days, ok)
	}

	// What apply made is what the spec asks for.
	if chs := trailPlan(desired, readTrailActual(f, actual)).Changes; len(chs) != 0 {
		t.Errorf("changes after apply: %+v", chs)
	}

	// Running the same plan again, as after a kill, creates nothing twice.
	applyTrailPlan(t, env, p)
	if n := f.count("CreateTrail"); n != 1 {
		t.Errorf("CreateTrail called %d times, want 1", n)
	}
	if n := f.count("UpdateTrail"); n != 1 {
		t.Errorf("UpdateTrail called %d times, want 1 (the second run adopts the trail)", n)
	}
	if n := f.count("CreateLogGroup"); n != 2 {
		t.Errorf("CreateLogGroup called %d times, want 2 (the second answered ResourceAlreadyExists)", n)
	}
}

func TestApplyTrailAdoptsExisting(t *testing.T) {
	// A trail of the same name made by hand: single-account, unvalidated,
	// unencrypted and stopped.
	handMade := cttypes.Trail{Name: aws.String(trailName), S3BucketName: aws.String("legacy-bucket"),
		IsOrganizationTrail: aws.Bool(false), IsMultiRegionTrail: aws.Bool(false), IncludeGlobalServiceEvents: aws.Bool(true),
		LogFileValidationEnabled: aws.Bool(false)}
	tests := map[string]struct {
		seen bool // the plan was made after the trail appeared
	}{
		"planned as an update":                   {seen: true},
		"made between plan and apply (a create)": {seen: false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			desired, actual := trailEstates(t)
			f := newFakeTrailCloud()
			f.addTrail(trailMgmtAt, handMade, false)
			if tc.seen {
				actual = readTrailActual(f, actual)
			}
			p := trailPlan(desired, actual)
			want := map[bool]plan.Action{true: plan.Update, false: plan.Create}[tc.seen]
			if chs := kindstest.ChangesOfKind(p, logging.KindTrail); len(chs) != 1 || chs[0].Action != want {
				t.Fatalf("trail changes %+v, want one %s", chs, want)
			}
			applyTrailPlan(t, trailEnv(t, f, actual), p)
			if n := f.count("CreateTrail"); n != 0 {
				t.Errorf("CreateTrail called %d times on an existing trail", n)
			}
			if n := f.count("StartLogging"); n != 1 {
				t.Errorf("StartLogging called %d times, want 1", n)
			}
			if chs := trailPlan(desired, readTrailActual(f, actual)).Changes; len(chs) != 0 {
				t.Errorf("changes after apply: %+v", chs)
			}
		})
	}
}

func TestApplyTrailStartsStoppedTrail(t *testing.T) {
	desired, actual := trailEstates(t)
	f := newFakeTrailCloud()
	f.buckets = map[string]bool{trailBucket: true}
	env := trailEnv(t, f, actual)
	applyTrailPlan(t, env, trailPlan(desired, actual))
	// Someone stops the trail.
	f.mu.Lock()
	f.trails[trailMgmtAt.Key(trailName)].logging = false
	f.mu.Unlock()

	stopped := readTrailActual(f, actual)
	p := trailPlan(desired, stopped)
	chs := kindstest.ChangesOfKind(p, logging.KindTrail)
	if len(chs) != 1 || chs[0].Action != plan.Update || chs[0].Before["logging"] != "false" {
		t.Fatalf("changes %+v, want an update that starts logging", chs)
	}
	applyTrailPlan(t, trailEnv(t, f, stopped), p)
	if _, logging, _ := f.trail(trailMgmtAt, trailName); !logging {
		t.Error("the trail is still stopped")
	}
	if n := f.count("StartLogging"); n != 2 {
		t.Errorf("StartLogging called %d times, want 2", n)
	}
}

func TestApplyTrailErrors(t *testing.T) {
	t.Run("trusted access off", func(t *testing.T) {
		desired, actual := trailEstates(t)
		f := newFakeTrailCloud()
		f.noTrusted = true
		ch := kindstest.ChangesOfKind(trailPlan(desired, actual), logging.KindTrail)[0]
		err := kindstest.ApplyChange(t, trailEnv(t, f, actual), ch)
		var off *cttypes.CloudTrailAccessNotEnabledException
		if !errors.As(err, &off) {
			t.Fatalf("error %v, want CloudTrailAccessNotEnabledException", err)
		}
	})
	t.Run("key not made yet", func(t *testing.T) {
		desired, actual := trailEstates(t)
		actual.Logging.Keys = map[string]*estate.Key{}
		f := newFakeTrailCloud()
		ch := kindstest.ChangesOfKind(trailPlan(desired, actual), logging.KindTrail)[0]
		if err := kindstest.ApplyChange(t, trailEnv(t, f, actual), ch); err == nil {
			t.Fatal("applied with an unresolved key reference")
		}
		if n := f.count("DescribeTrails") + f.count("CreateTrail"); n != 0 {
			t.Errorf("%d CloudTrail calls before the references resolved", n)
		}
	})
}

func TestApplyLogGroupRetention(t *testing.T) {
	desired, actual := trailEstates(t)
	f := newFakeTrailCloud()
	logs := fakeTrailServices{f}.Logs(trailMgmtAt)
	if _, err := logs.CreateLogGroup(context.Background(), &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(trailGroup)}); err != nil {
		t.Fatal(err)
	}
	actual = readTrailActual(f, actual) // the group exists, never expiring
	chs := kindstest.ChangesOfKind(trailPlan(desired, actual), logging.KindLogGroup)
	if len(chs) != 1 || chs[0].Action != plan.Update {
		t.Fatalf("changes %+v, want one update", chs)
	}
	if err := kindstest.ApplyChange(t, trailEnv(t, f, actual), chs[0]); err != nil {
		t.Fatal(err)
	}
	if days, _ := f.retention(trailMgmtAt, trailGroup); days != 365 {
		t.Errorf("retention %d, want 365", days)
	}
	if n := f.count("CreateLogGroup"); n != 1 {
		t.Errorf("CreateLogGroup called %d times, want only the setup's", n)
	}
}
