package datastores

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/efs"
	efstypes "github.com/aws/aws-sdk-go-v2/service/efs/types"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
	"github.com/aws/smithy-go"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/inventory"
)

// The layer read through fakes of its four reads: one place answers
// AccessDenied to the RDS read, and only that part of that place is left
// unread.

const (
	mgmtID, prodID = "111111111111", "444444444444"
	prodKey        = "payments-prod@example.com"
)

func readEstate() (*estate.Estate, estate.Scope) {
	e := estate.New()
	e.Organization = &estate.Organization{ID: "o-abc", RootID: "r-1", FeatureSet: "ALL", ManagementAccountID: mgmtID}
	e.Accounts[prodKey] = &estate.Account{ID: prodID, Email: prodKey, Status: "ACTIVE"}
	return e, estate.Scope{Accounts: []string{estate.ManagementKey, prodKey}, Regions: []string{"us-east-1", "eu-west-1"}, HomeRegion: "us-east-1"}
}

// fake answers every place with one resource of each kind, split over two
// pages, except where deny names the place: there the RDS read fails.
type fake struct {
	at   estate.Location
	deny estate.Location
	mu   *sync.Mutex
	ops  map[string]int
}

func (f fake) count(op string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.ops[op]++
}

func (f fake) GetEbsEncryptionByDefault(context.Context, *ec2.GetEbsEncryptionByDefaultInput, ...func(*ec2.Options)) (*ec2.GetEbsEncryptionByDefaultOutput, error) {
	f.count("GetEbsEncryptionByDefault")
	return &ec2.GetEbsEncryptionByDefaultOutput{EbsEncryptionByDefault: aws.Bool(f.at.Region == "us-east-1")}, nil
}

func (f fake) DescribeInstances(_ context.Context, in *ec2.DescribeInstancesInput, _ ...func(*ec2.Options)) (*ec2.DescribeInstancesOutput, error) {
	f.count("DescribeInstances")
	if len(in.Filters) != 1 || !slices.Contains(in.Filters[0].Values, "running") || slices.Contains(in.Filters[0].Values, "terminated") {
		return nil, errors.New("instances asked for without the live-state filter")
	}
	if in.NextToken == nil {
		return &ec2.DescribeInstancesOutput{NextToken: aws.String("2"), Reservations: []ec2types.Reservation{{Instances: []ec2types.Instance{{
			InstanceId: aws.String("i-2"), State: &ec2types.InstanceState{Name: ec2types.InstanceStateNameRunning},
			MetadataOptions: &ec2types.InstanceMetadataOptionsResponse{HttpTokens: ec2types.HttpTokensStateOptional, HttpEndpoint: ec2types.InstanceMetadataEndpointStateEnabled},
		}}}}}, nil
	}
	return &ec2.DescribeInstancesOutput{Reservations: []ec2types.Reservation{{Instances: []ec2types.Instance{{
		InstanceId: aws.String("i-1"), IamInstanceProfile: &ec2types.IamInstanceProfile{Arn: aws.String("arn:aws:iam::1:instance-profile/p")},
		MetadataOptions: &ec2types.InstanceMetadataOptionsResponse{HttpTokens: ec2types.HttpTokensStateRequired},
	}}}}}, nil
}

func (f fake) DescribeDBInstances(_ context.Context, in *rds.DescribeDBInstancesInput, _ ...func(*rds.Options)) (*rds.DescribeDBInstancesOutput, error) {
	f.count("DescribeDBInstances")
	if f.at == f.deny {
		return nil, &smithy.GenericAPIError{Code: "AccessDenied", Message: "not authorized to perform: rds:DescribeDBInstances"}
	}
	if in.Marker == nil {
		return &rds.DescribeDBInstancesOutput{Marker: aws.String("2"), DBInstances: []rdstypes.DBInstance{{DBInstanceIdentifier: aws.String("db-1"),
			StorageEncrypted: aws.Bool(true), PubliclyAccessible: aws.Bool(true)}}}, nil
	}
	return &rds.DescribeDBInstancesOutput{DBInstances: []rdstypes.DBInstance{{DBInstanceIdentifier: aws.String("db-2"), AutoMinorVersionUpgrade: aws.Bool(true)}}}, nil
}

func (f fake) DescribeFileSystems(_ context.Context, in *efs.DescribeFileSystemsInput, _ ...func(*efs.Options)) (*efs.DescribeFileSystemsOutput, error) {
	f.count("DescribeFileSystems")
	if in.Marker == nil {
		return &efs.DescribeFileSystemsOutput{NextMarker: aws.String("2"), FileSystems: []efstypes.FileSystemDescription{{FileSystemId: aws.String("fs-1"), Encrypted: aws.Bool(true)}}}, nil
	}
	return &efs.DescribeFileSystemsOutput{FileSystems: []efstypes.FileSystemDescription{{FileSystemId: aws.String("fs-2"), Name: aws.String("plain")}}}, nil
}

type fakeClients struct {
	deny estate.Location
	mu   *sync.Mutex
	ops  map[string]int
}

func (c fakeClients) at(w estate.Location) fake {
	return fake{at: w, deny: c.deny, mu: c.mu, ops: c.ops}
}
func (c fakeClients) EC2(w estate.Location) ec2ReadAPI { return c.at(w) }
func (c fakeClients) RDS(w estate.Location) rdsReadAPI { return c.at(w) }
func (c fakeClients) EFS(w estate.Location) efsReadAPI { return c.at(w) }

func TestReadPerPlace(t *testing.T) {
	e, scope := readEstate()
	deny := estate.Location{Account: prodID, Region: "eu-west-1"}
	clients := fakeClients{deny: deny, mu: &sync.Mutex{}, ops: map[string]int{}}
	var warned []inventory.Unread
	var mu sync.Mutex
	opts := inventory.Options{Warn: func(err error) { mu.Lock(); warned = append(warned, inventory.UnreadOf(err)); mu.Unlock() }}
	if err := readWith(context.Background(), clients, e, scope, opts); err != nil {
		t.Fatal(err)
	}
	res := e.Datastores
	if res == nil {
		t.Fatal("layer not set")
	}
	if len(warned) != 1 || warned[0].Read != readRDS || warned[0].Account != prodID || warned[0].Region != "eu-west-1" || warned[0].Code != "AccessDenied" {
		t.Fatalf("unread = %+v, want the RDS read of %s eu-west-1 only", warned, prodID)
	}
	denied := estate.PlaceKey(prodKey, "eu-west-1")
	if _, ok := res.DBInstances[denied]; ok {
		t.Errorf("DB instances recorded where the read failed: %+v", res.DBInstances[denied])
	}
	for _, key := range []estate.AccountKey{estate.ManagementKey, prodKey} {
		for _, region := range scope.Regions {
			p := estate.PlaceKey(key, region)
			if d := res.EBSDefaults[p]; d == nil || d.Encrypted != (region == "us-east-1") || d.Where.String() != p {
				t.Errorf("%s: EBS default %+v", p, d)
			}
			if ids := instanceIDs(res.Instances[p]); !slices.Equal(ids, []string{"i-1", "i-2"}) {
				t.Errorf("%s: instances %v, want both pages sorted", p, ids)
			}
			if fs := res.FileSystems[p]; len(fs) != 2 || !fs[0].Encrypted || fs[1].Encrypted || fs[1].Name != "plain" {
				t.Errorf("%s: file systems %+v", p, fs)
			}
			if p == denied {
				continue
			}
			if dbs := res.DBInstances[p]; len(dbs) != 2 || !dbs[0].StorageEncrypted || !dbs[0].PubliclyAccessible || !dbs[1].AutoMinorVersionUpgrade {
				t.Errorf("%s: DB instances %+v", p, dbs)
			}
		}
	}
	// One read per part per place, a second page where there is one.
	want := map[string]int{"GetEbsEncryptionByDefault": 4, "DescribeInstances": 8, "DescribeFileSystems": 8, "DescribeDBInstances": 7}
	for op, n := range want {
		if clients.ops[op] != n {
			t.Errorf("%s called %d times, want %d", op, clients.ops[op], n)
		}
	}
}

func TestReadFailsWithoutWarn(t *testing.T) {
	e, scope := readEstate()
	clients := fakeClients{deny: estate.Location{Account: prodID, Region: "eu-west-1"}, mu: &sync.Mutex{}, ops: map[string]int{}}
	err := readWith(context.Background(), clients, e, scope, inventory.Options{})
	if err == nil || e.Datastores != nil {
		t.Fatalf("err = %v, layer %+v; want the failure and no layer", err, e.Datastores)
	}
}

func instanceIDs(is []*estate.Instance) []string {
	var out []string
	for _, i := range is {
		out = append(out, i.ID)
		if i.Where.Account == "" {
			return nil
		}
	}
	return out
}
