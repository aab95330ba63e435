package logging

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/layer/orglayer"
	"github.com/groundwork-aws/groundwork/internal/plan"
)

// KindTrail manages the organization trail (guidance 000 and 001): one
// multi-Region trail with global service events and log file validation,
// encrypted with the CloudTrail key, delivering to the Log Archive bucket
// and to a CloudWatch Logs group, and logging. A trail stopped by hand is
// drift that apply starts again.
//
// CreateTrail is not idempotent (AWS answers TrailAlreadyExistsException;
// moto 5.2.5 silently replaces the trail with one built from the new
// arguments alone), so apply looks the trail up first and updates one that
// exists. UpdateTrail and StartLogging are idempotent.
//
// Event selectors are left alone: a new trail logs all management events
// by default, and a trail whose selectors were narrowed by hand is noted,
// not changed.
const KindTrail = "trail"

// cloudTrailService is the service principal whose trusted access an
// organization trail needs (CloudTrailAccessNotEnabledException without).
const cloudTrailService = "cloudtrail.amazonaws.com"

// TrailAddress is the address of a trail at w: "trail/<account>/<region>/<name>".
func TrailAddress(w estate.Where, name string) string {
	return kinds.Address(KindTrail, kinds.WhereAddress(w)+"/"+name)
}

func init() {
	kinds.Register(kinds.Registration{Name: KindTrail, Diff: diffTrails, Apply: applyTrail})
}

// trailAttrs are what a reviewer compares and what apply needs; references
// are resolved as far as the actual estate allows.
func trailAttrs(t *estate.Trail, actual *estate.Estate) plan.Attrs {
	return plan.Attrs{
		"account": string(t.Account), "region": t.Region, "name": t.Name,
		"organization":          strconv.FormatBool(t.Organization),
		"multi_region":          strconv.FormatBool(t.MultiRegion),
		"global_service_events": strconv.FormatBool(t.GlobalServiceEvents),
		"log_file_validation":   strconv.FormatBool(t.LogFileValidation),
		"kms_key":               kinds.ResolveActual(t.KMSKey, actual),
		"bucket":                kinds.ResolveActual(t.Bucket, actual),
		"log_group_arn":         kinds.ResolveActual(t.LogGroupARN, actual),
		"logs_role_arn":         kinds.ResolveActual(t.LogsRoleARN, actual),
		"logging":               strconv.FormatBool(t.Logging),
	}
}

// trailValue is what a trail change applies, with references resolved
// as far as the actual estate allows.
type trailValue struct {
	Account             estate.AccountKey `json:"account"`
	Region              string            `json:"region"`
	Name                string            `json:"name"`
	Organization        bool              `json:"organization"`
	MultiRegion         bool              `json:"multi_region"`
	GlobalServiceEvents bool              `json:"global_service_events"`
	LogFileValidation   bool              `json:"log_file_validation"`
	KMSKey              string            `json:"kms_key,omitempty"`
	Bucket              string            `json:"bucket"`
	LogGroupARN         string            `json:"log_group_arn,omitempty"`
	LogsRoleARN         string            `json:"logs_role_arn,omitempty"`
	Logging             bool              `json:"logging"`
}

func newTrailValue(t *estate.Trail, actual *estate.Estate) trailValue {
	return trailValue{Account: t.Account, Region: t.Region, Name: t.Name,
		Organization: t.Organization, MultiRegion: t.MultiRegion,
		GlobalServiceEvents: t.GlobalServiceEvents, LogFileValidation: t.LogFileValidation,
		KMSKey:      kinds.ResolveActual(t.KMSKey, actual),
		Bucket:      kinds.ResolveActual(t.Bucket, actual),
		LogGroupARN: kinds.ResolveActual(t.LogGroupARN, actual),
		LogsRoleARN: kinds.ResolveActual(t.LogsRoleARN, actual),
		Logging:     t.Logging}
}

func diffTrails(desired, actual *estate.Estate) ([]plan.Change, []string) {
	if desired.Logging == nil {
		return nil, nil
	}
	have := map[string]*estate.Trail{}
	if actual.Logging != nil {
		have = actual.Logging.Trails
	}
	var changes []plan.Change
	var notes []string
	for _, key := range slices.Sorted(maps.Keys(desired.Logging.Trails)) {
		d := desired.Logging.Trails[key]
		after := trailAttrs(d, actual)
		ch := plan.SetValue(plan.Change{Address: TrailAddress(d.Where, d.Name), Kind: KindTrail, Group: kinds.UnitOf(desired, d.Account),
			After: after, DependsOn: trailDeps(desired, d, after)}, newTrailValue(d, actual))
		a, exists := have[key]
		if !exists {
			ch.Action = plan.Create
			changes = append(changes, ch)
			continue
		}
		if d.ManagementEventsLogged && !a.ManagementEventsLogged {
			notes = append(notes, fmt.Sprintf("trail %s in %s has event selectors that do not log all management events; groundwork leaves event selectors alone", a.Name, a.Where))
		}
		before := trailAttrs(a, actual)
		if !maps.Equal(before, after) {
			ch.Action, ch.Before = plan.Update, before
			if before["logging"] == "false" && after["logging"] == "true" {
				ch.Reason = "the trail is not logging; apply starts it"
			}
			changes = append(changes, ch)
		}
	}
	return changes, notes
}

// trailDeps are the changes a trail waits for: its account, what it
// delivers to and encrypts with, and the organization's trust in
// CloudTrail (and the delegation, for a trail outside the management
// account). Kinds.Plan drops those not in the plan.
func trailDeps(desired *estate.Estate, t *estate.Trail, after plan.Attrs) []string {
	deps := append(kinds.AccountDeps(t.Account), BucketAddress(after["bucket"]))
	deps = append(deps, keyDeps(desired, t.KMSKey)...)
	for _, g := range desired.Logging.LogGroups {
		if g.Account == t.Account && g.Region == t.Region && logGroupOf(t.LogGroupARN) == g.Name {
			deps = append(deps, LogGroupAddress(g.Where, g.Name))
		}
	}
	if t.LogsRoleARN != "" {
		deps = append(deps, RoleAddress(t.Account, roleName(t.LogsRoleARN)))
	}
	if t.Organization {
		deps = append(deps, orglayer.TrustedAccessAddress(cloudTrailService))
		if t.Account != estate.ManagementKey {
			deps = append(deps, orglayer.DelegatedAdminAddress(cloudTrailService))
		}
	}
	return deps
}

// logGroupOf is the log group name in a log group ARN, with or without
// the ":*" CloudTrail wants: arn:aws:logs:REGION:ACCOUNT:log-group:NAME:*.
func logGroupOf(arn string) string {
	_, name, ok := strings.Cut(arn, ":log-group:")
	if !ok {
		return ""
	}
	return strings.TrimSuffix(name, ":*")
}

func applyTrail(ctx context.Context, env *kinds.Env, ch plan.Change) error {
	cl, err := clientsOf(env)
	if err != nil {
		return err
	}
	v, err := plan.ValueOf[trailValue](ch)
	if err != nil {
		return err
	}
	w, err := env.At(estate.Where{Account: v.Account, Region: v.Region})
	if err != nil {
		return fmt.Errorf("trail %s: %w", v.Name, err)
	}
	// r is v with every reference resolved.
	r := v
	for _, ref := range []*string{&r.KMSKey, &r.Bucket, &r.LogGroupARN, &r.LogsRoleARN} {
		if *ref, err = env.Resolve(*ref); err != nil {
			return fmt.Errorf("trail %s: %w", v.Name, err)
		}
	}
	api := cl.CloudTrail(w)
	exists, err := trailExists(ctx, api, string(w.Account), v.Name)
	if err != nil {
		return err
	}
	if !exists {
		// A lost response, or TrailAlreadyExistsException for a trail made
		// since the look-up (by this create or another run), is looked
		// for again; an adopted trail is updated to the spec.
		look := func(ctx context.Context) (bool, error) {
			exists, err = trailExists(ctx, api, string(w.Account), v.Name)
			return exists, err
		}
		if err := env.CreateOnce(ctx, fmt.Sprintf("trail %s in %s", v.Name, w),
			func(ctx context.Context) error { return createTrail(ctx, api, r) }, look, "TrailAlreadyExistsException"); err != nil {
			return fmt.Errorf("create trail %s in %s: %w", v.Name, w, err)
		}
	}
	if exists {
		if err := updateTrail(ctx, api, r); err != nil {
			return fmt.Errorf("update trail %s in %s: %w", v.Name, w, err)
		}
	}
	if v.Logging {
		// Starting a trail that logs already succeeds.
		if _, err := api.StartLogging(ctx, &cloudtrail.StartLoggingInput{Name: aws.String(v.Name)}); err != nil {
			return fmt.Errorf("start logging of trail %s in %s: %w", v.Name, w, err)
		}
	}
	return nil
}

// trailExists looks for the trail named name that accountID owns in the
// client's Region. The name list is matched again here because moto 5.2.5
// ignores it and returns every trail, and because member accounts also
// see organization trails that another account owns.
func trailExists(ctx context.Context, api CloudTrailAPI, accountID, name string) (bool, error) {
	out, err := api.DescribeTrails(ctx, &cloudtrail.DescribeTrailsInput{TrailNameList: []string{name}, IncludeShadowTrails: aws.Bool(false)})
	var missing *types.TrailNotFoundException
	if errors.As(err, &missing) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("read trail %s in %s: %w", name, accountID, err)
	}
	for _, t := range out.TrailList {
		if aws.ToString(t.Name) == name && ownedBy(aws.ToString(t.TrailARN), accountID) {
			return true, nil
		}
	}
	return false, nil
}

// ownedBy reports whether a trail ARN (arn:aws:cloudtrail:REGION:ACCOUNT:trail/NAME)
// is in the account; an ARN that does not say is taken as the account's.
func ownedBy(arn, accountID string) bool {
	parts := strings.SplitN(arn, ":", 6)
	return len(parts) < 6 || parts[4] == "" || parts[4] == accountID
}

// createTrail creates the trail r describes, its references resolved.
func createTrail(ctx context.Context, api CloudTrailAPI, r trailValue) error {
	in := &cloudtrail.CreateTrailInput{
		Name:                       aws.String(r.Name),
		S3BucketName:               aws.String(r.Bucket),
		IsOrganizationTrail:        aws.Bool(r.Organization),
		IsMultiRegionTrail:         aws.Bool(r.MultiRegion),
		IncludeGlobalServiceEvents: aws.Bool(r.GlobalServiceEvents),
		EnableLogFileValidation:    aws.Bool(r.LogFileValidation),
	}
	// Empty optional values are left out: CreateTrail refuses an empty
	// key ID or log group ARN.
	if r.KMSKey != "" {
		in.KmsKeyId = aws.String(r.KMSKey)
	}
	if r.LogGroupARN != "" {
		in.CloudWatchLogsLogGroupArn = aws.String(r.LogGroupARN)
		in.CloudWatchLogsRoleArn = aws.String(r.LogsRoleARN)
	}
	_, err := api.CreateTrail(ctx, in)
	return err
}

// updateTrail sets every attribute groundwork manages. Empty values are
// sent as empty strings, which is how UpdateTrail turns encryption or
// CloudWatch Logs delivery off.
func updateTrail(ctx context.Context, api CloudTrailAPI, r trailValue) error {
	_, err := api.UpdateTrail(ctx, &cloudtrail.UpdateTrailInput{
		Name:                       aws.String(r.Name),
		S3BucketName:               aws.String(r.Bucket),
		IsOrganizationTrail:        aws.Bool(r.Organization),
		IsMultiRegionTrail:         aws.Bool(r.MultiRegion),
		IncludeGlobalServiceEvents: aws.Bool(r.GlobalServiceEvents),
		EnableLogFileValidation:    aws.Bool(r.LogFileValidation),
		KmsKeyId:                   aws.String(r.KMSKey),
		CloudWatchLogsLogGroupArn:  aws.String(r.LogGroupARN),
		CloudWatchLogsRoleArn:      aws.String(r.LogsRoleARN),
	})
	return err
}
