package audit

import (
	"testing"

	"github.com/groundwork-aws/groundwork/internal/estate"
)

func TestWorkloadChecks(t *testing.T) {
	put := func(key, region string, ws ...*estate.Workload) func(e *estate.Estate) {
		return func(e *estate.Estate) {
			at := estate.Where{Account: key, Region: region}
			for _, w := range ws {
				w.Where = at
			}
			e.Posture.Workloads[at.String()] = ws
		}
	}
	runCases(t, postured, map[string]checkCase{
		"passes with nothing running": {check: "GW-WKL-001"},
		"one finding per resource": {
			check: "GW-WKL-001",
			edit: func(e *estate.Estate) {
				put(mgmtKey, home,
					&estate.Workload{Kind: estate.WorkloadEC2Instance, ID: "i-0abc", State: "running"},
					&estate.Workload{Kind: estate.WorkloadLambdaFunction, ID: "billing-export"})(e)
				put(mgmtKey, other,
					&estate.Workload{Kind: estate.WorkloadRDSInstance, ID: "reports-db", State: "available"},
					&estate.Workload{Kind: estate.WorkloadECSCluster, ID: "tools"},
					&estate.Workload{Kind: estate.WorkloadEKSCluster, ID: "platform"})(e)
			},
			want: []string{
				"ec2-instance/i-0abc (management eu-west-1)", "ecs-cluster/tools (management us-east-1)",
				"eks-cluster/platform (management us-east-1)", "lambda-function/billing-export (management eu-west-1)",
				"rds-instance/reports-db (management us-east-1)",
			},
			msg: "EC2 instance i-0abc (running) runs in the management account in eu-west-1",
		},
		"member account workloads are not this check's": {
			check: "GW-WKL-001",
			edit:  put(prodKey, home, &estate.Workload{Kind: estate.WorkloadEC2Instance, ID: "i-0prod", State: "running"}),
		},
		"management account named by e-mail key": {
			check: "GW-WKL-001",
			edit:  put("management@example.com", home, &estate.Workload{Kind: estate.WorkloadEKSCluster, ID: "k8s"}),
			want:  []string{"eks-cluster/k8s (management eu-west-1)"}, msg: "EKS cluster k8s runs",
		},
	}, namesAccount)
}

// A finding says where the workload runs, by account ID and Region.
func TestWorkloadFindingPlace(t *testing.T) {
	e := postured()
	at := estate.Where{Account: mgmtKey, Region: other}
	e.Posture.Workloads[at.String()] = []*estate.Workload{{Where: at, Kind: estate.WorkloadLambdaFunction, ID: "f"}}
	fs := runCheck(t, "GW-WKL-001", e)
	if len(fs) != 1 || fs[0].Account != "000000000000" || fs[0].Region != other {
		t.Errorf("findings = %+v, want one in 000000000000 %s", fs, other)
	}
}
