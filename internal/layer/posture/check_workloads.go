package posture

import (
	"github.com/groundwork-aws/groundwork/internal/audit"
	"github.com/groundwork-aws/groundwork/internal/estate"
)

// The management account check of the posture layer: nothing runs in the
// account that controls the organization (guidance 000 and 004). The
// layer reads workloads only there.

// workloadNames says what each kind of workload is, in a message.
var workloadNames = map[string]string{
	estate.WorkloadEC2Instance:    "EC2 instance",
	estate.WorkloadRDSInstance:    "RDS DB instance",
	estate.WorkloadLambdaFunction: "Lambda function",
	estate.WorkloadECSCluster:     "ECS cluster",
	estate.WorkloadEKSCluster:     "EKS cluster",
}

func init() {
	audit.Register(audit.Check{
		ID:       "GW-WKL-001",
		Title:    "No workloads in the management account",
		Severity: audit.High,
		Guidance: "000 Creating and configuring your management account; 004 Restrict the Management Account",
		Rationale: "SCPs do not apply to the management account, and whoever can change what runs there is close to " +
			"controlling every account of the organization; each workload widens who needs access to it",
		Remediation: "manual: move the resource to a workload account (a new account under the Workloads OU in " +
			"foundation.yaml), then delete it from the management account",
		Reads: []string{readWorkloads},
		Run:   checkManagementWorkloads,
	})
}

func checkManagementWorkloads(e *estate.Estate) []audit.Finding {
	if e.Posture == nil {
		return nil
	}
	var out []audit.Finding
	for _, w := range e.Posture.SortedWorkloads() {
		a := audit.WhereAccount(e, w.Account)
		if a == nil || !e.IsManagement(a) {
			continue // read only in the management account; anything else is not this check's
		}
		what := workloadNames[w.Kind]
		if what == "" {
			what = w.Kind
		}
		state := ""
		if w.State != "" {
			state = " (" + w.State + ")"
		}
		out = append(out, audit.Finding{
			Resource: audit.PlacedResource(e, w.Kind, w.ID, w.Where),
			Message: what + " " + w.ID + state + " runs in the management account in " + w.Region +
				": the account that controls the organization should run nothing",
			Account: a.ID, Region: w.Region,
		})
	}
	return out
}
