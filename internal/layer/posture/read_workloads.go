package posture

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/rds"

	"github.com/groundwork-aws/groundwork/internal/estate"
)

// The read APIs of the services whose resources are workloads.
type (
	instanceReadAPI interface {
		DescribeInstances(context.Context, *ec2.DescribeInstancesInput, ...func(*ec2.Options)) (*ec2.DescribeInstancesOutput, error)
	}
	dbInstanceReadAPI interface {
		DescribeDBInstances(context.Context, *rds.DescribeDBInstancesInput, ...func(*rds.Options)) (*rds.DescribeDBInstancesOutput, error)
	}
	functionReadAPI interface {
		ListFunctions(context.Context, *lambda.ListFunctionsInput, ...func(*lambda.Options)) (*lambda.ListFunctionsOutput, error)
	}
	ecsClusterReadAPI interface {
		ListClusters(context.Context, *ecs.ListClustersInput, ...func(*ecs.Options)) (*ecs.ListClustersOutput, error)
	}
	eksClusterReadAPI interface {
		ListClusters(context.Context, *eks.ListClustersInput, ...func(*eks.Options)) (*eks.ListClustersOutput, error)
	}
)

var (
	_ instanceReadAPI   = (*ec2.Client)(nil)
	_ dbInstanceReadAPI = (*rds.Client)(nil)
	_ functionReadAPI   = (*lambda.Client)(nil)
	_ ecsClusterReadAPI = (*ecs.Client)(nil)
	_ eksClusterReadAPI = (*eks.Client)(nil)
)

// workloadRead lists one kind of workload at a place, calling found for
// each; kind is the estate's name for it.
type workloadRead struct {
	kind string
	list func(ctx context.Context, c readClients, at estate.Location, found func(id, state string)) error
}

// workloadReads are the kinds of workload looked for in the management
// account, one read each per Region.
var workloadReads = []workloadRead{
	{estate.WorkloadEC2Instance, listInstances},
	{estate.WorkloadRDSInstance, listDBInstances},
	{estate.WorkloadLambdaFunction, listFunctions},
	{estate.WorkloadECSCluster, listECSClusters},
	{estate.WorkloadEKSCluster, listEKSClusters},
}

// workloads reads one kind of workload at a place into the layer. The
// place's entry lists what every kind found; a kind that could not be
// read adds nothing.
func (r *postureRead) workloads(ctx context.Context, p placeRef, read workloadRead) error {
	var found []*estate.Workload
	err := read.list(ctx, r.clients, p.at, func(id, state string) {
		found = append(found, &estate.Workload{Where: p.where(), Kind: read.kind, ID: id, State: state})
	})
	what := fmt.Sprintf("the %ss of %s", read.kind, p.at)
	if r.unknown(err, readWorkloads, p.at, what) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("list %s: %w", what, err)
	}
	r.locked(func(l *estate.Posture) {
		key := p.placeKey()
		l.Workloads[key] = append(l.Workloads[key], found...)
	})
	return nil
}

// liveInstanceStates are the EC2 instance states of an instance that
// still exists: a terminated one is gone within the hour.
var liveInstanceStates = []string{"pending", "running", "shutting-down", "stopping", "stopped"}

func listInstances(ctx context.Context, c readClients, at estate.Location, found func(id, state string)) error {
	pages := ec2.NewDescribeInstancesPaginator(c.EC2(at), &ec2.DescribeInstancesInput{
		Filters: []ec2types.Filter{{Name: aws.String("instance-state-name"), Values: liveInstanceStates}},
	})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return err
		}
		for _, res := range page.Reservations {
			for _, in := range res.Instances {
				state := ""
				if in.State != nil {
					state = string(in.State.Name)
				}
				if state == string(ec2types.InstanceStateNameTerminated) {
					continue // in case the filter is ignored
				}
				found(aws.ToString(in.InstanceId), state)
			}
		}
	}
	return nil
}

func listDBInstances(ctx context.Context, c readClients, at estate.Location, found func(id, state string)) error {
	pages := rds.NewDescribeDBInstancesPaginator(c.RDS(at), &rds.DescribeDBInstancesInput{})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return err
		}
		for _, db := range page.DBInstances {
			found(aws.ToString(db.DBInstanceIdentifier), aws.ToString(db.DBInstanceStatus))
		}
	}
	return nil
}

func listFunctions(ctx context.Context, c readClients, at estate.Location, found func(id, state string)) error {
	pages := lambda.NewListFunctionsPaginator(c.Lambda(at), &lambda.ListFunctionsInput{})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return err
		}
		for _, f := range page.Functions {
			found(aws.ToString(f.FunctionName), string(f.State))
		}
	}
	return nil
}

func listECSClusters(ctx context.Context, c readClients, at estate.Location, found func(id, state string)) error {
	pages := ecs.NewListClustersPaginator(c.ECS(at), &ecs.ListClustersInput{})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return err
		}
		for _, arn := range page.ClusterArns {
			found(arnName(arn), "")
		}
	}
	return nil
}

func listEKSClusters(ctx context.Context, c readClients, at estate.Location, found func(id, state string)) error {
	pages := eks.NewListClustersPaginator(c.EKS(at), &eks.ListClustersInput{})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return err
		}
		for _, name := range page.Clusters {
			found(name, "")
		}
	}
	return nil
}

// arnName is the resource name at the end of an ARN such as
// "arn:aws:ecs:us-east-1:123456789012:cluster/web": "web".
func arnName(arn string) string {
	for i := len(arn) - 1; i >= 0; i-- {
		if arn[i] == '/' || arn[i] == ':' {
			return arn[i+1:]
		}
	}
	return arn
}
