package orglayer

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/audit/audittest"
	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/policy"
)

// bigSCP is a valid SCP of at least n characters once minified.
func bigSCP(n int) string {
	var actions []string
	for i := 0; len(scp(`{"Effect":"Deny","Action":[`+strings.Join(actions, ",")+`],"Resource":"*"}`)) < n; i++ {
		actions = append(actions, fmt.Sprintf(`"ec2:Action%04d"`, i))
	}
	return scp(`{"Effect":"Deny","Action":[` + strings.Join(actions, ",") + `],"Resource":"*"}`)
}

// attachMore attaches n more customer SCPs to each target.
func attachMore(n int, targets ...string) func(e *estate.Estate) {
	return func(e *estate.Estate) {
		for i := range n {
			addPolicy(e.Org, &estate.Policy{ID: fmt.Sprintf("p-more%d", i), Name: fmt.Sprintf("more-%d", i),
				Type: estate.PolicyTypeSCP, Content: scp(denyLeave), Targets: targets})
		}
	}
}

func TestSCPLimitChecks(t *testing.T) {
	audittest.RunCases(t, guarded, map[string]audittest.Case{
		"024 passes": {Check: "GW-ORG-024"},
		"024 counted minified, as AWS counts": {
			Check: "GW-ORG-024",
			Edit: func(e *estate.Estate) {
				var pretty bytes.Buffer
				if err := json.Indent(&pretty, []byte(bigSCP(policy.MaxSCPSize-30)), "", "    "); err != nil {
					t.Fatal(err)
				}
				if pretty.Len() <= policy.MaxSCPSize {
					t.Fatalf("the indented policy is %d characters: not over the limit as written", pretty.Len())
				}
				baseline(e).Content = pretty.String()
			},
		},
		"024 over the limit": {
			Check: "GW-ORG-024",
			Edit:  func(e *estate.Estate) { baseline(e).Content = bigSCP(policy.MaxSCPSize + 1) },
			Want:  []string{"policy/p-baseline (groundwork-baseline)"}, Msg: "SCP groundwork-baseline is 51",
		},
		"024 tag policies have their own limit": {
			Check: "GW-ORG-024",
			Edit:  func(e *estate.Estate) { policyNamed(e, "groundwork-tagging").Content = bigSCP(policy.MaxSCPSize + 100) },
		},
		"024 not read is not judged": {
			Check: "GW-ORG-024",
			Edit:  func(e *estate.Estate) { baseline(e).Content = bigSCP(policy.MaxSCPSize + 1); e.Org = nil },
		},

		"025 passes":                {Check: "GW-ORG-025"},
		"025 five on a target pass": {Check: "GW-ORG-025", Edit: attachMore(3, "Workloads/Prod")},
		"025 six on an OU, the root and an account": {
			Check: "GW-ORG-025",
			Edit:  attachMore(5, "Workloads/Prod", estate.RootTarget, "payments-dev@example.com"),
			Want:  []string{"account/555555555555 (payments-dev)", "ou/Root", "ou/Root/Workloads/Prod"},
			Msg:   "account payments-dev has 6 SCPs attached directly (FullAWSAccess, more-0, more-1, more-2, more-3, more-4), over the 5",
		},
		"025 tag policies do not count": {
			Check: "GW-ORG-025",
			Edit: func(e *estate.Estate) {
				for i := range 6 {
					addPolicy(e.Org, &estate.Policy{Name: fmt.Sprintf("tags-%d", i), Type: estate.PolicyTypeTag,
						Content: "{}", Targets: []string{"Security"}})
				}
			},
		},
	})
}
