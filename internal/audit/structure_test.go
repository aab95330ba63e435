package audit_test

import (
	"reflect"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/audit/audittest"
	"github.com/groundwork-aws/groundwork/internal/estate"
)

func TestStructureChecks(t *testing.T) {
	type want struct{ resource, account, message string }
	tests := map[string]struct {
		check string
		edit  func(e *estate.Estate)
		want  []want
	}{
		"008 passes": {check: "GW-ORG-008"},
		"008 passes by name": {
			check: "GW-ORG-008",
			edit: func(e *estate.Estate) {
				audittest.Account(e, "log-archive").Role, audittest.Account(e, "security-tooling").Role = estate.RoleNone, estate.RoleNone
			},
		},
		"008 management account named as the log archive": {
			check: "GW-ORG-008",
			edit:  func(e *estate.Estate) { audittest.Account(e, "management").Name = "Log Archive" },
			want: []want{{"account/000000000000 (Log Archive)", "000000000000",
				"the management account is the Log Archive account by its name: the foundation accounts must be member accounts, " +
					"apart from the account that controls the organization"}},
		},
		"008 one account for both": {
			check: "GW-ORG-008",
			edit: func(e *estate.Estate) {
				delete(e.Accounts, "security-tooling@example.com")
				a := audittest.Account(e, "log-archive")
				a.Role, a.Name = estate.RoleNone, "log_archive and security tooling"
			},
			want: []want{{"account/111111111111 (log_archive and security tooling)", "111111111111",
				"one account is both the Log Archive and Security Tooling account by its name: logs and the security tooling " +
					"that reads them need separate accounts"}},
		},
		"008 a role names one function, whatever the name says": {
			check: "GW-ORG-008",
			edit:  func(e *estate.Estate) { audittest.Account(e, "log-archive").Name = "log-archive-not-security-tooling" },
		},
		"008 ignores closing accounts": {
			check: "GW-ORG-008",
			edit: func(e *estate.Estate) {
				a := audittest.Account(e, "payments-dev")
				a.Name, a.Status = "log-archive-security-tooling", "SUSPENDED"
			},
		},

		"009 passes": {check: "GW-ORG-009"},
		"009 passes with agreeing signals": {
			check: "GW-ORG-009",
			edit: func(e *estate.Estate) {
				audittest.Account(e, "payments-prod").Tags = map[string]string{"Environment": "Prod"}
				audittest.Account(e, "payments-dev").Tags = map[string]string{"Environment": "Dev"}
			},
		},
		"009 a workload named for a stage word keeps its stage": {
			check: "GW-ORG-009",
			edit:  func(e *estate.Estate) { audittest.Account(e, "payments-dev").Name = "live-chat-dev" },
		},
		"009 tag says development, spec and OU production": {
			check: "GW-ORG-009",
			edit: func(e *estate.Estate) {
				audittest.Account(e, "payments-prod").Tags = map[string]string{"Environment": "Dev"}
			},
			want: []want{{"account/444444444444 (payments-prod)", "444444444444",
				`the account serves production by its spec environment "prod", OU Root/Workloads/Prod, name "payments-prod" ` +
					`and non-production by its Environment tag "Dev"`}},
		},
		"009 tag names two stages": {
			check: "GW-ORG-009",
			edit: func(e *estate.Estate) {
				a := audittest.Account(e, "payments-dev")
				a.Environment, a.Name, a.Unit = "", "payments", "Workloads"
				a.Tags = map[string]string{"Environment": "dev/prod"}
			},
			want: []want{{"account/555555555555 (payments)", "555555555555",
				`the account serves production and non-production at once: its Environment tag "dev/prod" names both`}},
		},
		"009 unmanaged account named for production in NonProd": {
			check: "GW-ORG-009",
			edit: func(e *estate.Estate) {
				a := audittest.AddAccount(e, "777777777777", "billing-prod-acme", "Workloads/NonProd", estate.RoleNone, "")
				a.Tags = map[string]string{"Owner": "billing"}
			},
			want: []want{{"account/777777777777 (billing-prod-acme)", "777777777777",
				`the account serves production by its name "billing-prod-acme" and non-production by its OU Root/Workloads/NonProd`}},
		},
		"009 leaves sandbox and foundation accounts alone": {
			check: "GW-ORG-009",
			edit: func(e *estate.Estate) {
				audittest.Account(e, "sandbox-ana").Tags = map[string]string{"Environment": "Prod"}
				audittest.Account(e, "security-tooling").Tags = map[string]string{"Environment": "Prod"}
				audittest.Account(e, "security-tooling").Unit = "Workloads/NonProd"
			},
		},

		"016 passes": {check: "GW-ORG-016"},
		"016 passes with a non-stage tag": {
			check: "GW-ORG-016",
			edit: func(e *estate.Estate) {
				audittest.Account(e, "management").Tags = map[string]string{"Environment": "Shared"}
			},
		},
		"016 tagged with a stage": {
			check: "GW-ORG-016",
			edit: func(e *estate.Estate) {
				audittest.Account(e, "management").Tags = map[string]string{"Environment": "Prod"}
			},
			want: []want{{"account/000000000000 (management)", "000000000000",
				`the management account is treated as a workload account: its Environment tag is "Prod"`}},
		},
		"016 in the Workloads OU and tagged": {
			check: "GW-ORG-016",
			edit: func(e *estate.Estate) {
				a := audittest.Account(e, "management")
				a.Unit, a.Tags = "Workloads/Prod", map[string]string{"Environment": "production"}
			},
			want: []want{{"account/000000000000 (management)", "000000000000",
				`the management account is treated as a workload account: its Environment tag is "production" and it sits in Root/Workloads/Prod`}},
		},
		"016 in the Sandbox OU": {
			check: "GW-ORG-016",
			edit:  func(e *estate.Estate) { audittest.Account(e, "management").Unit = "Sandbox" },
			want: []want{{"account/000000000000 (management)", "000000000000",
				"the management account is treated as a workload account: it sits in Root/Sandbox"}},
		},
		"016 a member in Workloads is not the management account": {
			check: "GW-ORG-016",
			edit:  func(e *estate.Estate) { e.Organization.ManagementAccountID = "999999999999" },
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			e := audittest.Foundation()
			if tt.edit != nil {
				tt.edit(e)
			}
			var got []want
			for _, f := range audittest.RunCheck(t, tt.check, e) {
				if f.Region != "" {
					t.Errorf("finding %s has Region %q: structure findings are account-wide", f.Resource, f.Region)
				}
				got = append(got, want{f.Resource, f.Account, f.Message})
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("findings =\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}
