package audit_test

import (
	"testing"

	"github.com/groundwork-aws/groundwork/internal/audit/audittest"
	"github.com/groundwork-aws/groundwork/internal/estate"
)

// unit adds an OU at path.
func unit(e *estate.Estate, path string) { e.Units[path] = &estate.Unit{Path: path} }

// drop removes the OUs at path and below it.
func drop(e *estate.Estate, path string) {
	for p := range e.Units {
		if p == path || len(p) > len(path) && p[:len(path)+1] == path+"/" {
			delete(e.Units, p)
		}
	}
}

func TestOUTreeChecks(t *testing.T) {
	org := "organization/o-abc123"
	audittest.RunCases(t, audittest.Foundation, map[string]audittest.Case{
		"020 passes": {Check: "GW-ORG-020"},
		"020 no Security OU": {
			Check: "GW-ORG-020",
			Edit:  func(e *estate.Estate) { drop(e, "Security") },
			Want:  []string{org}, Msg: "no Security OU under the root: guidance 000 creates it for the Log Archive",
		},
		"020 a Security OU only deeper in the tree": {
			Check: "GW-ORG-020",
			Edit:  func(e *estate.Estate) { drop(e, "Security"); unit(e, "Infrastructure/Security") },
			Want:  []string{org}, Msg: "Root/Infrastructure/Security sits deeper in the tree",
		},
		"020 passes whatever the case": {
			Check: "GW-ORG-020",
			Edit:  func(e *estate.Estate) { drop(e, "Security"); unit(e, "SECURITY") },
		},
		"020 no organization is GW-ORG-001's": {
			Check: "GW-ORG-020",
			Edit:  func(e *estate.Estate) { e.Organization = nil; e.Units = map[string]*estate.Unit{} },
		},

		"021 passes": {Check: "GW-ORG-021"},
		"021 passes as Shared Services": {
			Check: "GW-ORG-021",
			Edit:  func(e *estate.Estate) { drop(e, "Infrastructure"); unit(e, "Shared Services") },
		},
		"021 no Infrastructure OU": {
			Check: "GW-ORG-021",
			Edit:  func(e *estate.Estate) { drop(e, "Infrastructure") },
			Want:  []string{org}, Msg: "no Infrastructure OU under the root",
		},

		"022 passes": {Check: "GW-ORG-022"},
		"022 passes with one OU per stage": {
			Check: "GW-ORG-022",
			Edit: func(e *estate.Estate) {
				drop(e, "Workloads/NonProd")
				unit(e, "Workloads/Dev")
				unit(e, "Workloads/Test")
			},
		},
		"022 passes with AWS's names": {
			Check: "GW-ORG-022",
			Edit: func(e *estate.Estate) {
				drop(e, "Workloads")
				unit(e, "Workload")
				unit(e, "Workload/Production")
				unit(e, "Workload/SDLC")
			},
		},
		"022 no Workloads OU": {
			Check: "GW-ORG-022",
			Edit:  func(e *estate.Estate) { drop(e, "Workloads") },
			Want:  []string{org}, Msg: "no Workloads OU under the root",
		},
		"022 no stage OUs": {
			Check: "GW-ORG-022",
			Edit:  func(e *estate.Estate) { drop(e, "Workloads/Prod"); drop(e, "Workloads/NonProd") },
			Want:  []string{"ou/Root/Workloads"},
			Msg:   "Root/Workloads has no production OU (Prod) and no non-production OU",
		},
		"022 a production OU only": {
			Check: "GW-ORG-022",
			Edit:  func(e *estate.Estate) { drop(e, "Workloads/NonProd"); unit(e, "Workloads/Products") },
			Want:  []string{"ou/Root/Workloads"}, Msg: "Root/Workloads has no non-production OU",
		},
		"022 stage OUs must be directly below Workloads": {
			Check: "GW-ORG-022",
			Edit: func(e *estate.Estate) {
				drop(e, "Workloads/NonProd")
				unit(e, "Workloads/Apps")
				unit(e, "Workloads/Apps/Dev")
			},
			Want: []string{"ou/Root/Workloads"}, Msg: "no non-production OU",
		},

		"023 passes": {Check: "GW-ORG-023"},
		"023 neither": {
			Check: "GW-ORG-023",
			Edit:  func(e *estate.Estate) { drop(e, "Exceptions"); drop(e, "Sandbox") },
			Want:  []string{org, org}, Msg: "no Exceptions OU under the root",
		},
		"023 no Sandbox OU": {
			Check: "GW-ORG-023",
			Edit:  func(e *estate.Estate) { drop(e, "Sandbox") },
			Want:  []string{org}, Msg: "no Sandbox OU under the root",
		},
	})
}
