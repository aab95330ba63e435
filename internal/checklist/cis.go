package checklist

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/macie2"
	macietypes "github.com/aws/aws-sdk-go-v2/service/macie2/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// The steps of the CIS AWS Foundations Benchmark v3.0.0 that no audit
// check can judge (internal/audit/cis.go says why of each): security
// questions (1.3), MFA Delete on the buckets that need it (2.1.2), data
// discovery and classification (2.1.3) and least-access routes through
// VPC peering (5.5). Where an API tells part of it, the detector reads it
// in every account and operational Region, through a Reader that can
// (DataReader).

// DataReader is the optional ability of a Reader to read the accounts'
// data and networks: S3, Amazon Macie and EC2 of any account (the access
// role for members, as IAM) and Region, and the operational Regions. A
// Reader without it leaves these steps unknown.
type DataReader interface {
	S3(accountID, region string) S3API
	Macie(accountID, region string) MacieAPI
	EC2(accountID, region string) EC2API
	// Regions are the organization's operational Regions.
	Regions() []string
}

// S3API is the part of the S3 client the MFA Delete detector calls.
type S3API interface {
	ListBuckets(context.Context, *s3.ListBucketsInput, ...func(*s3.Options)) (*s3.ListBucketsOutput, error)
	GetBucketVersioning(context.Context, *s3.GetBucketVersioningInput, ...func(*s3.Options)) (*s3.GetBucketVersioningOutput, error)
}

// MacieAPI is the part of the Amazon Macie client the discovery detector
// calls.
type MacieAPI interface {
	GetMacieSession(context.Context, *macie2.GetMacieSessionInput, ...func(*macie2.Options)) (*macie2.GetMacieSessionOutput, error)
	GetAutomatedDiscoveryConfiguration(context.Context, *macie2.GetAutomatedDiscoveryConfigurationInput, ...func(*macie2.Options)) (*macie2.GetAutomatedDiscoveryConfigurationOutput, error)
	ListClassificationJobs(context.Context, *macie2.ListClassificationJobsInput, ...func(*macie2.Options)) (*macie2.ListClassificationJobsOutput, error)
}

// EC2API is the part of the EC2 client the peering detector calls.
type EC2API interface {
	DescribeRouteTables(context.Context, *ec2.DescribeRouteTablesInput, ...func(*ec2.Options)) (*ec2.DescribeRouteTablesOutput, error)
}

var (
	_ S3API    = (*s3.Client)(nil)
	_ MacieAPI = (*macie2.Client)(nil)
	_ EC2API   = (*ec2.Client)(nil)
)

// listed is how many names a detail lists before "and N more".
const listed = 5

func init() {
	register(step{
		ID:          "CL-016",
		Title:       "Security questions registered (CIS 1.3)",
		Guidance:    "003 AWS Identity and Access Management (IAM)",
		ConsolePath: "sign in as the root user > account menu (top right) > Account > Configure security challenge questions",
		Scope:       scopeAccounts,
		Manual: "verify by hand: only the root user sees them and no API reads them; three questions whose answers are " +
			"stored with the root credentials, so that AWS Support can confirm who calls about the account",
	})
	register(step{
		ID:       "CL-017",
		Title:    "MFA Delete on the buckets that hold data to keep (CIS 2.1.2)",
		Guidance: "003 Security on the AWS Cloud",
		ConsolePath: "no console: as the root user with its MFA device, aws s3api put-bucket-versioning --bucket <name> " +
			"--versioning-configuration Status=Enabled,MFADelete=Enabled --mfa '<serial> <code>'",
		Scope:  scopeAccounts,
		Detect: detectMFADelete,
	})
	register(step{
		ID:          "CL-018",
		Title:       "Sensitive data in S3 discovered and classified (CIS 2.1.3)",
		Guidance:    "003 Security on the AWS Cloud",
		ConsolePath: "Amazon Macie (each operational Region) > Get started > Enable Macie, then Settings > Automated sensitive data discovery > Enable",
		Scope:       scopeAccounts,
		Detect:      detectMacie,
	})
	register(step{
		ID:          "CL-019",
		Title:       "Routes through VPC peering give least access (CIS 5.5)",
		Guidance:    "003 Security on the AWS Cloud",
		ConsolePath: "VPC (each operational Region) > Route tables > Routes: narrow each route through a pcx- target to the subnets or hosts the peering is for",
		Scope:       scopeAccounts,
		Detect:      detectPeeringRoutes,
	})
}

// dataReader is the Reader's DataReader; ok is false when it has none.
func dataReader(e *env) (DataReader, bool) {
	d, ok := e.r.(DataReader)
	return d, ok
}

const noDataReader = "this run cannot read the accounts' data services"

// more lists names, at most listed of them, and how many were left out.
func more(names []string) string {
	if len(names) <= listed {
		return strings.Join(names, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(names[:listed], ", "), len(names)-listed)
}

// detectMFADelete lists the account's buckets whose versioning has no MFA
// Delete: which of them hold data that needs it is the owner's call.
func detectMFADelete(ctx context.Context, e *env, a Account) (Status, string) {
	d, ok := dataReader(e)
	if !ok {
		return Unknown, noDataReader
	}
	regions := d.Regions()
	if len(regions) == 0 {
		return Unknown, "no Region to read S3 through"
	}
	list, err := d.S3(a.ID, regions[0]).ListBuckets(ctx, &s3.ListBucketsInput{})
	if err != nil {
		return Unknown, "list the buckets: " + err.Error()
	}
	var without []string
	for _, b := range list.Buckets {
		region := aws.ToString(b.BucketRegion)
		if region == "" {
			region = regions[0]
		}
		v, err := d.S3(a.ID, region).GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: b.Name})
		if err != nil {
			return Unknown, fmt.Sprintf("read the versioning of %s: %v", aws.ToString(b.Name), err)
		}
		if v.MFADelete != s3types.MFADeleteStatusEnabled {
			without = append(without, aws.ToString(b.Name))
		}
	}
	switch {
	case len(list.Buckets) == 0:
		return Done, "the account has no buckets"
	case len(without) == 0:
		return Done, fmt.Sprintf("every bucket (%d) has MFA Delete", len(list.Buckets))
	}
	slices.Sort(without)
	return Manual, fmt.Sprintf("decide which need it: %d of %d buckets have no MFA Delete: %s", len(without), len(list.Buckets), more(without))
}

// macieOff reports whether GetMacieSession's error says Macie is not
// enabled: AWS answers AccessDeniedException "Macie is not enabled".
func macieOff(err error) bool {
	return err != nil && strings.Contains(strings.ToLower(err.Error()), "macie is not enabled")
}

// detectMacie reads, in every operational Region, whether Amazon Macie
// discovers sensitive data in the account: enabled, with automated
// discovery on or a classification job.
func detectMacie(ctx context.Context, e *env, a Account) (Status, string) {
	d, ok := dataReader(e)
	if !ok {
		return Unknown, noDataReader
	}
	var off, idle []string
	for _, region := range d.Regions() {
		api := d.Macie(a.ID, region)
		s, err := api.GetMacieSession(ctx, &macie2.GetMacieSessionInput{})
		switch {
		case macieOff(err):
			off = append(off, region)
			continue
		case err != nil:
			return Unknown, fmt.Sprintf("read Macie in %s: %v", region, err)
		case s.Status != macietypes.MacieStatusEnabled:
			off = append(off, region)
			continue
		}
		auto, err := api.GetAutomatedDiscoveryConfiguration(ctx, &macie2.GetAutomatedDiscoveryConfigurationInput{})
		if err == nil && auto.Status == macietypes.AutomatedDiscoveryStatusEnabled {
			continue
		}
		jobs, err := api.ListClassificationJobs(ctx, &macie2.ListClassificationJobsInput{MaxResults: aws.Int32(1)})
		if err != nil {
			return Unknown, fmt.Sprintf("list Macie's classification jobs in %s: %v", region, err)
		}
		if len(jobs.Items) == 0 {
			idle = append(idle, region)
		}
	}
	switch {
	case len(off) > 0:
		return Todo, "Amazon Macie is not enabled in " + strings.Join(off, ", ") + " (or use another tool that classifies S3 data, and check this by hand)"
	case len(idle) > 0:
		return Todo, "Amazon Macie is enabled but neither automated discovery nor a classification job runs in " + strings.Join(idle, ", ")
	}
	return Done, "Amazon Macie discovers sensitive data in every operational Region; act on its findings"
}

// detectPeeringRoutes lists the routes through VPC peering connections:
// none means nothing to narrow; otherwise someone who knows what each
// peering is for judges them.
func detectPeeringRoutes(ctx context.Context, e *env, a Account) (Status, string) {
	d, ok := dataReader(e)
	if !ok {
		return Unknown, noDataReader
	}
	var routes []string
	for _, region := range d.Regions() {
		p := ec2.NewDescribeRouteTablesPaginator(d.EC2(a.ID, region), &ec2.DescribeRouteTablesInput{})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return Unknown, fmt.Sprintf("read the route tables in %s: %v", region, err)
			}
			for _, t := range page.RouteTables {
				for _, r := range t.Routes {
					if r.VpcPeeringConnectionId == nil {
						continue
					}
					dest := aws.ToString(r.DestinationCidrBlock)
					if dest == "" {
						dest = aws.ToString(r.DestinationIpv6CidrBlock)
					}
					routes = append(routes, fmt.Sprintf("%s %s %s via %s", region, aws.ToString(t.RouteTableId), dest, aws.ToString(r.VpcPeeringConnectionId)))
				}
			}
		}
	}
	if len(routes) == 0 {
		return Done, "no route goes through a VPC peering connection"
	}
	slices.Sort(routes)
	return Manual, fmt.Sprintf("judge each against what its peering is for: %d routes through VPC peering: %s", len(routes), more(routes))
}
