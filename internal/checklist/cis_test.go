package checklist

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/macie2"
	macietypes "github.com/aws/aws-sdk-go-v2/service/macie2/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
)

// dataFake is the plain fake with the DataReader the CIS data steps need:
// its answers are func fields, by account and Region; newDataFake answers
// as an organization where every step is done.
type dataFake struct {
	*fake
	regions    []string
	buckets    func(account string) ([]s3types.Bucket, error)
	versioning func(account, region, bucket string) (*s3.GetBucketVersioningOutput, error)
	session    func(account, region string) (*macie2.GetMacieSessionOutput, error)
	automated  func(account, region string) (*macie2.GetAutomatedDiscoveryConfigurationOutput, error)
	jobs       func(account, region string) (*macie2.ListClassificationJobsOutput, error)
	routes     func(account, region string) (*ec2.DescribeRouteTablesOutput, error)
}

var _ DataReader = (*dataFake)(nil)

func newDataFake() *dataFake {
	return &dataFake{
		fake:    newFake(),
		regions: []string{"us-east-1", "eu-west-1"},
		buckets: func(string) ([]s3types.Bucket, error) {
			return []s3types.Bucket{{Name: aws.String("logs"), BucketRegion: aws.String("eu-west-1")}}, nil
		},
		versioning: func(_, region, _ string) (*s3.GetBucketVersioningOutput, error) {
			if region != "eu-west-1" {
				return nil, errors.New("read through the wrong Region")
			}
			return &s3.GetBucketVersioningOutput{Status: s3types.BucketVersioningStatusEnabled, MFADelete: s3types.MFADeleteStatusEnabled}, nil
		},
		session: func(string, string) (*macie2.GetMacieSessionOutput, error) {
			return &macie2.GetMacieSessionOutput{Status: macietypes.MacieStatusEnabled}, nil
		},
		automated: func(string, string) (*macie2.GetAutomatedDiscoveryConfigurationOutput, error) {
			return &macie2.GetAutomatedDiscoveryConfigurationOutput{Status: macietypes.AutomatedDiscoveryStatusEnabled}, nil
		},
		jobs: func(string, string) (*macie2.ListClassificationJobsOutput, error) {
			return &macie2.ListClassificationJobsOutput{}, nil
		},
		routes: func(string, string) (*ec2.DescribeRouteTablesOutput, error) {
			return &ec2.DescribeRouteTablesOutput{RouteTables: []ec2types.RouteTable{{RouteTableId: aws.String("rtb-1"),
				Routes: []ec2types.Route{{DestinationCidrBlock: aws.String("10.0.0.0/16"), GatewayId: aws.String("local")}}}}}, nil
		},
	}
}

func (f *dataFake) Regions() []string                     { return f.regions }
func (f *dataFake) S3(account, region string) S3API       { return fakeS3{f, account, region} }
func (f *dataFake) Macie(account, region string) MacieAPI { return fakeMacie{f, account, region} }
func (f *dataFake) EC2(account, region string) EC2API     { return fakeEC2{f, account, region} }

type fakeS3 struct {
	f               *dataFake
	account, region string
}

func (c fakeS3) ListBuckets(context.Context, *s3.ListBucketsInput, ...func(*s3.Options)) (*s3.ListBucketsOutput, error) {
	bs, err := c.f.buckets(c.account)
	if err != nil {
		return nil, err
	}
	return &s3.ListBucketsOutput{Buckets: bs}, nil
}

func (c fakeS3) GetBucketVersioning(_ context.Context, in *s3.GetBucketVersioningInput, _ ...func(*s3.Options)) (*s3.GetBucketVersioningOutput, error) {
	return c.f.versioning(c.account, c.region, aws.ToString(in.Bucket))
}

type fakeMacie struct {
	f               *dataFake
	account, region string
}

func (c fakeMacie) GetMacieSession(context.Context, *macie2.GetMacieSessionInput, ...func(*macie2.Options)) (*macie2.GetMacieSessionOutput, error) {
	return c.f.session(c.account, c.region)
}

func (c fakeMacie) GetAutomatedDiscoveryConfiguration(context.Context, *macie2.GetAutomatedDiscoveryConfigurationInput, ...func(*macie2.Options)) (*macie2.GetAutomatedDiscoveryConfigurationOutput, error) {
	return c.f.automated(c.account, c.region)
}

func (c fakeMacie) ListClassificationJobs(context.Context, *macie2.ListClassificationJobsInput, ...func(*macie2.Options)) (*macie2.ListClassificationJobsOutput, error) {
	return c.f.jobs(c.account, c.region)
}

type fakeEC2 struct {
	f               *dataFake
	account, region string
}

func (c fakeEC2) DescribeRouteTables(context.Context, *ec2.DescribeRouteTablesInput, ...func(*ec2.Options)) (*ec2.DescribeRouteTablesOutput, error) {
	return c.f.routes(c.account, c.region)
}

func runDataDetector(t *testing.T, id string, cases map[string]func(f *dataFake) (Status, string)) {
	t.Helper()
	for name, setup := range cases {
		t.Run(name, func(t *testing.T) {
			f := newDataFake()
			state, detail := setup(f)
			it := find(t, Run(context.Background(), f, accounts), id, memberID)
			if it.State != state || !strings.Contains(it.Detail, detail) {
				t.Errorf("%s = %s %q, want %s containing %q", id, it.State, it.Detail, state, detail)
			}
		})
	}
}

func TestMFADeleteStep(t *testing.T) {
	runDataDetector(t, "CL-017", map[string]func(f *dataFake) (Status, string){
		"every bucket has it": func(*dataFake) (Status, string) { return Done, "every bucket (1) has MFA Delete" },
		"no buckets": func(f *dataFake) (Status, string) {
			f.buckets = func(string) ([]s3types.Bucket, error) { return nil, nil }
			return Done, "the account has no buckets"
		},
		"some lack it": func(f *dataFake) (Status, string) {
			f.buckets = func(string) ([]s3types.Bucket, error) {
				var bs []s3types.Bucket
				for i := range 7 {
					bs = append(bs, s3types.Bucket{Name: aws.String(fmt.Sprintf("b%d", i)), BucketRegion: aws.String("eu-west-1")})
				}
				return bs, nil
			}
			f.versioning = func(_, _, b string) (*s3.GetBucketVersioningOutput, error) {
				if b == "b0" {
					return &s3.GetBucketVersioningOutput{MFADelete: s3types.MFADeleteStatusEnabled}, nil
				}
				return &s3.GetBucketVersioningOutput{}, nil
			}
			return Manual, "6 of 7 buckets have no MFA Delete: b1, b2, b3, b4, b5 and 1 more"
		},
		"read fails": func(f *dataFake) (Status, string) {
			f.buckets = func(string) ([]s3types.Bucket, error) { return nil, errDenied }
			return Unknown, "list the buckets: "
		},
	})
}

func TestMacieStep(t *testing.T) {
	notEnabled := &smithy.GenericAPIError{Code: "AccessDeniedException", Message: "Macie is not enabled."}
	runDataDetector(t, "CL-018", map[string]func(f *dataFake) (Status, string){
		"automated discovery everywhere": func(*dataFake) (Status, string) { return Done, "every operational Region" },
		"a classification job instead": func(f *dataFake) (Status, string) {
			f.automated = func(string, string) (*macie2.GetAutomatedDiscoveryConfigurationOutput, error) {
				return &macie2.GetAutomatedDiscoveryConfigurationOutput{Status: macietypes.AutomatedDiscoveryStatusDisabled}, nil
			}
			f.jobs = func(string, string) (*macie2.ListClassificationJobsOutput, error) {
				return &macie2.ListClassificationJobsOutput{Items: []macietypes.JobSummary{{JobId: aws.String("j")}}}, nil
			}
			return Done, "discovers"
		},
		"off in one Region": func(f *dataFake) (Status, string) {
			f.session = func(_, region string) (*macie2.GetMacieSessionOutput, error) {
				if region == "eu-west-1" {
					return nil, notEnabled
				}
				return &macie2.GetMacieSessionOutput{Status: macietypes.MacieStatusEnabled}, nil
			}
			return Todo, "not enabled in eu-west-1"
		},
		"on but idle": func(f *dataFake) (Status, string) {
			f.automated = func(string, string) (*macie2.GetAutomatedDiscoveryConfigurationOutput, error) { return nil, errDenied }
			return Todo, "neither automated discovery nor a classification job runs in us-east-1, eu-west-1"
		},
		"refused": func(f *dataFake) (Status, string) {
			f.session = func(string, string) (*macie2.GetMacieSessionOutput, error) { return nil, errDenied }
			return Unknown, "read Macie in us-east-1"
		},
	})
}

func TestPeeringStep(t *testing.T) {
	runDataDetector(t, "CL-019", map[string]func(f *dataFake) (Status, string){
		"no peering routes": func(*dataFake) (Status, string) { return Done, "no route goes through a VPC peering connection" },
		"a peering route": func(f *dataFake) (Status, string) {
			f.routes = func(_, region string) (*ec2.DescribeRouteTablesOutput, error) {
				if region != "eu-west-1" {
					return &ec2.DescribeRouteTablesOutput{}, nil
				}
				return &ec2.DescribeRouteTablesOutput{RouteTables: []ec2types.RouteTable{{RouteTableId: aws.String("rtb-9"),
					Routes: []ec2types.Route{{DestinationCidrBlock: aws.String("10.1.0.0/16"), VpcPeeringConnectionId: aws.String("pcx-1")}}}}}, nil
			}
			return Manual, "1 routes through VPC peering: eu-west-1 rtb-9 10.1.0.0/16 via pcx-1"
		},
		"refused": func(f *dataFake) (Status, string) {
			f.routes = func(string, string) (*ec2.DescribeRouteTablesOutput, error) { return nil, errDenied }
			return Unknown, "read the route tables in us-east-1"
		},
	})
}

// A plain Reader, without the DataReader ability, leaves the steps unknown
// and says why.
func TestCISStepsNeverFail(t *testing.T) {
	items := Run(context.Background(), newFake(), accounts)
	for _, id := range []string{"CL-017", "CL-018", "CL-019"} {
		if it := find(t, items, id, memberID); it.State != Unknown || it.Detail != noDataReader {
			t.Errorf("%s = %s %q, want unknown: %s", id, it.State, it.Detail, noDataReader)
		}
	}
}
