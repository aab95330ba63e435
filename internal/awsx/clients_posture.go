package awsx

import (
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/rds"
)

// The clients of the posture layer that no other layer uses: the services
// whose resources count as workloads in the management account.

func (c ConfigFor) RDS() *rds.Client { return rds.NewFromConfig(c.Config()) }

func (c ConfigFor) Lambda() *lambda.Client { return lambda.NewFromConfig(c.Config()) }

func (c ConfigFor) ECS() *ecs.Client { return ecs.NewFromConfig(c.Config()) }

func (c ConfigFor) EKS() *eks.Client { return eks.NewFromConfig(c.Config()) }
