package posture

import (
	"testing"

	"github.com/groundwork-aws/groundwork/internal/audit/audittest"
	"github.com/groundwork-aws/groundwork/internal/estate"
)

func TestWorkloadChecks(t *testing.T) {
	put := func(key, region string, ws ...*estate.Workload) func(e *estate.Estate) {
		return func(e *estate.Estate) {
			at := estate.Where{Account: estate.AccountKey(key), Region: region}
			for _, w := range ws {
				w.Where = at
			}
			e.Posture.Workloads[at.String()] = ws
		}
	}
	audittest.RunCases(t, postured, map[string]audittest.Case{
		"passes with nothing running": {Check: "GW-WKL-001"},
		"one finding per resource": {
			Check: "GW-WKL-001",
			Edit: func(e *estate.Estate) {
				put(audittest.MgmtKey, audittest.Home,
					&estate.Workload{Kind: estate.WorkloadEC2Instance, ID: "i-0abc", State: "running"},
					&estate.Workload{Kind: estate.WorkloadLambdaFunction, ID: "billing-export"})(e)
				put(audittest.MgmtKey, audittest.Other,
					&estate.Workload{Kind: estate.WorkloadRDSInstance, ID: "reports-db", State: "available"},
					&estate.Workload{Kind: estate.WorkloadECSCluster, ID: "tools"},
					&estate.Workload{Kind: estate.WorkloadEKSCluster, ID: "platform"})(e)
			},
			Want: []string{
				"ec2-instance/i-0abc (management eu-west-1)", "ecs-cluster/tools (management us-east-1)",
				"eks-cluster/platform (management us-east-1)", "lambda-function/billing-export (management eu-west-1)",
				"rds-instance/reports-db (management us-east-1)",
			},
			Msg: "EC2 instance i-0abc (running) runs in the management account in eu-west-1",
		},
		"member account workloads are not this check's": {
			Check: "GW-WKL-001",
			Edit:  put(audittest.ProdKey, audittest.Home, &estate.Workload{Kind: estate.WorkloadEC2Instance, ID: "i-0prod", State: "running"}),
		},
		"management account named by e-mail key": {
			Check: "GW-WKL-001",
			Edit:  put("management@example.com", audittest.Home, &estate.Workload{Kind: estate.WorkloadEKSCluster, ID: "k8s"}),
			Want:  []string{"eks-cluster/k8s (management eu-west-1)"}, Msg: "EKS cluster k8s runs",
		},
	}, audittest.NamesAccount)
}

// A finding says where the workload runs, by account ID and Region.
func TestWorkloadFindingPlace(t *testing.T) {
	e := postured()
	at := estate.Where{Account: audittest.MgmtKey, Region: audittest.Other}
	e.Posture.Workloads[at.String()] = []*estate.Workload{{Where: at, Kind: estate.WorkloadLambdaFunction, ID: "f"}}
	fs := audittest.RunCheck(t, "GW-WKL-001", e)
	if len(fs) != 1 || fs[0].Account != "000000000000" || fs[0].Region != audittest.Other {
		t.Errorf("findings = %+v, want one in 000000000000 %s", fs, audittest.Other)
	}
}
