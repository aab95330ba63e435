package billing

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	cur "github.com/aws/aws-sdk-go-v2/service/costandusagereportservice"
	"github.com/aws/aws-sdk-go-v2/service/costandusagereportservice/types"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/layer/logging"
	"github.com/groundwork-aws/groundwork/internal/plan"
)

// KindCostReport manages the Cost and Usage Report of guidance 000
// ("Setup Cost and Usage Reports"): hourly, with resource IDs, in Parquet
// with the Amazon Athena integration, delivered under a prefix of the
// report bucket. PutReportDefinition creates it and
// ModifyReportDefinition replaces it, so the change is idempotent; a
// report made since the plan read the account is modified instead.
// Reports the spec does not name are left alone. moto 5.2 has no Cost and
// Usage Report API: the kinds tests cover it with a fake.
const KindCostReport = "cost-report"

// KindCostReportBucket manages the bucket the report is delivered to, in
// the management account (AWS delivers a report only to a bucket of the
// account that defines it): the policy that lets the billing reports
// service check it and write, default encryption (SSE-S3) and the public
// access block. The policy put replaces any other on the bucket. Its
// lifecycle is left as it is. It is a bucket like the log buckets and
// applies the same way (see logging.KindBucket); its own kind keeps it in the
// billing layer.
const KindCostReportBucket = "cost-report-bucket"

// CostReportAddress is the address of a report definition.
func CostReportAddress(name string) string { return kinds.Address(KindCostReport, name) }

// CostReportBucketAddress is the address of the report bucket.
func CostReportBucketAddress(name string) string {
	return kinds.Address(KindCostReportBucket, name)
}

func init() {
	kinds.Register(kinds.Registration{Name: KindCostReport, Diff: diffCostReports, Apply: applyCostReport})
	kinds.Register(kinds.Registration{Name: KindCostReportBucket, Diff: diffCostReportBucket, Apply: logging.ApplyBucket})
}

// costReportValue is the report definition a cost report change puts,
// its bucket resolved as far as the plan knows it; Apply resolves the rest.
type costReportValue struct {
	Report estate.CostReport `json:"report"`
}

func costReportAttrs(r *estate.CostReport, actual *estate.Estate) plan.Attrs {
	return plan.Attrs{"account": estate.ManagementKey, "name": r.Name,
		"time_unit": r.TimeUnit, "format": r.Format, "compression": r.Compression,
		"schema":         strings.Join(r.Schema, ","),
		"artifacts":      strings.Join(r.Artifacts, ","),
		"bucket":         kinds.ResolveActual(r.Bucket, actual),
		"prefix":         r.Prefix,
		"bucket_region":  r.BucketRegion,
		"versioning":     r.Versioning,
		"refresh_closed": strconv.FormatBool(r.RefreshClosed),
	}
}

func diffCostReports(desired, actual *estate.Estate) ([]plan.Change, []string) {
	if desired.Billing == nil || desired.Billing.Reports == nil {
		return nil, nil
	}
	var have map[string]*estate.CostReport
	if actual.Billing != nil {
		have = actual.Billing.Reports
	}
	var changes []plan.Change
	var notes []string
	for _, name := range slices.Sorted(maps.Keys(desired.Billing.Reports)) {
		d := desired.Billing.Reports[name]
		after := costReportAttrs(d, actual)
		want := *d
		want.Bucket = after["bucket"]
		ch := plan.SetValue(plan.Change{Address: CostReportAddress(name), Kind: KindCostReport, Group: kinds.UnitOf(desired, estate.ManagementKey),
			After: after, DependsOn: billingDeps(CostReportBucketAddress(after["bucket"]))}, costReportValue{Report: want})
		if actual.Billing != nil && have == nil {
			notes = append(notes, fmt.Sprintf("cost and usage report %s: the report definitions were not read, so it is not planned", name))
			continue
		}
		a, exists := have[name]
		if !exists {
			ch.Action = plan.Create
			changes = append(changes, ch)
			continue
		}
		before := costReportAttrs(a, actual)
		if drift := kinds.DifferingAttrs(before, after, kinds.SortedAttrKeys(after, "")); len(drift) > 0 {
			ch.Action, ch.Before = plan.Update, before
			ch.Reason = "differs from the spec: " + strings.Join(drift, ", ")
			changes = append(changes, ch)
		}
	}
	return changes, notes
}

func applyCostReport(ctx context.Context, env *kinds.Env, ch plan.Change) error {
	v, err := plan.ValueOf[costReportValue](ch)
	if err != nil {
		return err
	}
	cl, err := clientsOf(env)
	if err != nil {
		return err
	}
	r := v.Report
	name := r.Name
	bucket, err := env.Resolve(r.Bucket)
	if err != nil {
		return fmt.Errorf("cost and usage report %s: %w", name, err)
	}
	def := &types.ReportDefinition{
		ReportName: aws.String(name), TimeUnit: types.TimeUnit(r.TimeUnit),
		Format: types.ReportFormat(r.Format), Compression: types.CompressionFormat(r.Compression),
		S3Bucket: aws.String(bucket), S3Prefix: aws.String(r.Prefix), S3Region: types.AWSRegion(r.BucketRegion),
		ReportVersioning:     types.ReportVersioning(r.Versioning),
		RefreshClosedReports: aws.Bool(r.RefreshClosed),
	}
	for _, s := range r.Schema {
		def.AdditionalSchemaElements = append(def.AdditionalSchemaElements, types.SchemaElement(s))
	}
	for _, s := range r.Artifacts {
		def.AdditionalArtifacts = append(def.AdditionalArtifacts, types.AdditionalArtifact(s))
	}
	api := cl.CostReports()
	if ch.Action != plan.Update {
		_, err := api.PutReportDefinition(ctx, &cur.PutReportDefinitionInput{ReportDefinition: def})
		var dup *types.DuplicateReportNameException
		switch {
		case err == nil:
			env.Logf("created cost and usage report %s; AWS delivers the first report within 24 hours", name)
			return nil
		case !errors.As(err, &dup):
			return fmt.Errorf("create cost and usage report %s: %w", name, err)
		}
	}
	if _, err := api.ModifyReportDefinition(ctx, &cur.ModifyReportDefinitionInput{ReportName: aws.String(name), ReportDefinition: def}); err != nil {
		return fmt.Errorf("modify cost and usage report %s: %w", name, err)
	}
	return nil
}

// diffCostReportBucket plans the report bucket the way diffBuckets plans
// a log bucket, with the same attributes, so that logging.ApplyBucket applies it.
func diffCostReportBucket(desired, actual *estate.Estate) ([]plan.Change, []string) {
	if desired.Billing == nil || desired.Billing.ReportBucket == nil {
		return nil, nil
	}
	d := desired.Billing.ReportBucket
	after := logging.BucketAttrs(d, actual)
	deps := logging.ReferenceDeps(d.Account, d.Name, d.Policy)
	slices.Sort(deps)
	ch := plan.Change{Address: CostReportBucketAddress(after["name"]), Kind: KindCostReportBucket,
		Group: kinds.UnitOf(desired, d.Account), After: after, DependsOn: deps}
	var a *estate.Bucket
	if actual.Billing != nil {
		a = actual.Billing.ReportBucket
	}
	if a == nil || !a.Exists {
		ch.Action = plan.Create
		return []plan.Change{logging.SetBucketValue(ch, d, actual, nil)}, nil
	}
	before := logging.BucketAttrs(a, actual)
	// The spec says nothing about how long reports are kept: whatever
	// lifecycle the bucket has stays.
	keep := *d
	keep.ExpireDays = a.ExpireDays
	after["expire_days"] = before["expire_days"]
	drift := logging.BucketDrift(before, after)
	if len(drift) == 0 {
		return nil, nil
	}
	ch.Action, ch.Before = plan.Update, before
	ch.Reason = "differs from the spec: " + strings.Join(drift, ", ")
	return []plan.Change{logging.SetBucketValue(ch, &keep, actual, drift)}, nil
}
