package billing

import (
	"context"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/costandusagereportservice"
	"github.com/aws/aws-sdk-go-v2/service/costexplorer"
	cetypes "github.com/aws/aws-sdk-go-v2/service/costexplorer/types"
	"golang.org/x/sync/errgroup"

	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/layer/logging"
)

// Page sizes: DescribeReportDefinitions serves 5 reports a page;
// ListCostAllocationTags filters on at most 100 keys and serves 1000.
const (
	reportsPageSize   = 5
	costTagsFilterMax = 100
)

// collectCostReports reads, when the desired layer wants a report, every
// report definition of the management account and the report bucket.
// moto lacks the Cost and Usage Report API: the definitions are then
// unreadable.
func collectCostReports(ctx context.Context, g *errgroup.Group, r *billingRead) {
	if r.want.Reports == nil {
		return
	}
	g.Go(func() error {
		pages := costandusagereportservice.NewDescribeReportDefinitionsPaginator(r.clients.CostReports(),
			&costandusagereportservice.DescribeReportDefinitionsInput{MaxResults: aws.Int32(reportsPageSize)})
		reports := map[string]*estate.CostReport{}
		for pages.HasMorePages() {
			page, err := pages.NextPage(ctx)
			if awsx.Unimplemented(err) {
				consequence := "the report cannot be planned, and its check is skipped"
				if r.survey {
					consequence = "GW-BIL-005 is not evaluated"
				}
				r.gap(true, readReports, "the Cost and Usage Report definitions", "DescribeReportDefinitions", consequence, err)
				return nil
			}
			if err != nil {
				return fmt.Errorf("read cost and usage reports of %s: %w", r.mgmtID, err)
			}
			for _, d := range page.ReportDefinitions {
				rep := &estate.CostReport{Name: aws.ToString(d.ReportName), TimeUnit: string(d.TimeUnit), Format: string(d.Format),
					Compression: string(d.Compression), Bucket: aws.ToString(d.S3Bucket), Prefix: aws.ToString(d.S3Prefix),
					BucketRegion: string(d.S3Region), Versioning: string(d.ReportVersioning), RefreshClosed: aws.ToBool(d.RefreshClosedReports)}
				for _, s := range d.AdditionalSchemaElements {
					rep.Schema = append(rep.Schema, string(s))
				}
				for _, a := range d.AdditionalArtifacts {
					rep.Artifacts = append(rep.Artifacts, string(a))
				}
				slices.Sort(rep.Schema)
				slices.Sort(rep.Artifacts)
				reports[rep.Name] = rep
			}
		}
		r.locked(func(out *estate.Billing) { out.Reports = reports })
		return nil
	})
	want := r.want.ReportBucket
	if want == nil {
		return
	}
	name, ok := estate.Resolve(want.Name, r.e.Lookup)
	if !ok {
		return
	}
	g.Go(func() error {
		b, err := logging.ReadBucket(ctx, r.clients.S3(want.Region), want, name)
		if err != nil {
			return fmt.Errorf("read bucket %s: %w", name, err)
		}
		r.locked(func(out *estate.Billing) { out.ReportBucket = b })
		return nil
	})
}

// collectCostAllocationTags reads, when the desired layer wants them, the
// status of the tagging dictionary's keys as user-defined cost allocation
// tags: one call per 100 keys. A key Cost Explorer does not list has not
// been seen on a resource. moto lacks the operation: the status is then
// unreadable.
func collectCostAllocationTags(ctx context.Context, g *errgroup.Group, r *billingRead) {
	if r.want.CostAllocationTags == nil {
		return
	}
	keys := make([]string, 0, len(r.want.CostAllocationTags))
	for k := range r.want.CostAllocationTags {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	g.Go(func() error {
		status := map[string]string{}
		for batch := range slices.Chunk(keys, costTagsFilterMax) {
			pages := costexplorer.NewListCostAllocationTagsPaginator(r.clients.CostAllocationTags(), &costexplorer.ListCostAllocationTagsInput{
				TagKeys: batch, Type: cetypes.CostAllocationTagTypeUserDefined})
			for pages.HasMorePages() {
				page, err := pages.NextPage(ctx)
				if awsx.Unimplemented(err) {
					r.gap(true, readTags, "the cost allocation tags", "ListCostAllocationTags",
						"their activation cannot be planned, and their check is skipped", err)
					return nil
				}
				if err != nil {
					return fmt.Errorf("read cost allocation tags of %s: %w", r.mgmtID, err)
				}
				for _, t := range page.CostAllocationTags {
					status[aws.ToString(t.TagKey)] = string(t.Status)
				}
			}
		}
		for _, k := range keys {
			if _, ok := status[k]; !ok {
				status[k] = estate.CostTagUnseen
			}
		}
		r.locked(func(out *estate.Billing) { out.CostAllocationTags = status })
		return nil
	})
}
