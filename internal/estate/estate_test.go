package estate

import (
	"slices"
	"testing"
)

func TestPaths(t *testing.T) {
	for path, want := range map[string][4]string{
		"":               {"", "", "", "Root"},
		"Security":       {"Security", "", "Security", "Root/Security"},
		"Workloads/Prod": {"Prod", "Workloads", "Workloads", "Root/Workloads/Prod"},
		"A/B/C":          {"C", "A/B", "A", "Root/A/B/C"},
	} {
		got := [4]string{PathName(path), ParentPath(path), TopLevel(path), DisplayPath(path)}
		if got != want {
			t.Errorf("%q: got %v, want %v", path, got, want)
		}
	}
}

func TestClass(t *testing.T) {
	for name, tc := range map[string]struct {
		a    Account
		want string
	}{
		"spec environment":       {Account{Environment: "prod", Unit: "Workloads/NonProd"}, EnvProduction},
		"tag before OU":          {Account{Tags: map[string]string{"Environment": "Dev"}, Unit: "Workloads/Prod"}, EnvNonProduction},
		"OU name":                {Account{Unit: "Workloads/Prod"}, EnvProduction},
		"non-prod OU":            {Account{Unit: "Workloads/NonProd"}, EnvNonProduction},
		"hyphenated tag":         {Account{Tags: map[string]string{"Environment": "Pre-Prod"}}, EnvNonProduction},
		"unknown":                {Account{Unit: "Infrastructure"}, ""},
		"unknown spec env falls": {Account{Environment: "blue", Unit: "Workloads/Prod"}, EnvProduction},
		"name before OU":         {Account{Name: "payments-dev", Unit: "Workloads/Prod"}, EnvNonProduction},
		"name alone":             {Account{Name: "payments-prod-acme", Unit: "Workloads"}, EnvProduction},
		"name alone, non-prod":   {Account{Name: "payments_uat", Unit: "Workloads"}, EnvNonProduction},
		"name is a last resort":  {Account{Name: "payments-dev", Tags: map[string]string{"Environment": "Prod"}}, EnvProduction},
		"product is not prod":    {Account{Name: "product-catalog", Unit: "Workloads"}, ""},
	} {
		t.Run(name, func(t *testing.T) {
			if got := tc.a.Class(); got != tc.want {
				t.Errorf("Class() = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestNameClass(t *testing.T) {
	for name, want := range map[string]string{
		"payments-prod-acme":      EnvProduction,
		"payments-production":     EnvProduction,
		"Payments PRD":            EnvProduction,
		"billing_prod":            EnvProduction,
		"payments.dev":            EnvNonProduction,
		"payments-nonprod":        EnvNonProduction,
		"payments-non-prod":       EnvNonProduction,
		"payments_non_prod":       EnvNonProduction,
		"payments-pre-prod":       EnvNonProduction,
		"Payments Pre Production": EnvNonProduction,
		"data-staging-acme":       EnvNonProduction,
		"data-test":               EnvNonProduction,
		"data-uat":                EnvNonProduction,
		"sandbox-ana":             EnvNonProduction,
		"test-harness-prod":       EnvProduction, // the last stage word wins
		"payments-live":           EnvProduction,
		"live-chat":               "", // a product called live
		"product-catalog":         "",
		"products":                "",
		"devops-tools":            "",
		"proddata":                "",
		"development-portal":      EnvNonProduction,
		"log-archive":             "",
		"":                        "",
	} {
		if got := NameClass(name); got != want {
			t.Errorf("NameClass(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestStageWords(t *testing.T) {
	tests := map[string][]string{
		"payments-prod-acme": {"payments", "prod", "acme"},
		"Dev/Prod":           {"dev", "prod"},
		"pre-prod":           {"preprod"},
		"Non-Production":     {"nonproduction"},
		"non_prod data":      {"nonprod", "data"},
		"":                   nil,
	}
	for in, want := range tests {
		if got := StageWords(in); !slices.Equal(got, want) {
			t.Errorf("StageWords(%q) = %q, want %q", in, got, want)
		}
	}
}

func sample() *Estate {
	e := New()
	e.Organization = &Organization{ID: "o-1", RootID: "r-1", FeatureSet: "ALL", ManagementAccountID: "111111111111"}
	e.Units["Security"] = &Unit{ID: "ou-1", Path: "Security"}
	e.Accounts["a@example.com"] = &Account{ID: "222222222222", Name: "a", Email: "a@example.com", Unit: "Security", Status: "ACTIVE", Tags: map[string]string{"Owner": "x"}}
	e.Accounts["m@example.com"] = &Account{ID: "111111111111", Name: "m", Email: "m@example.com", Status: "ACTIVE"}
	return e
}

func TestFingerprintChangesWithTheEstate(t *testing.T) {
	base := sample().Fingerprint()
	if again := sample().Fingerprint(); again != base {
		t.Fatalf("fingerprint is not stable: %s vs %s", base, again)
	}
	for name, mutate := range map[string]func(*Estate){
		"moved account":  func(e *Estate) { e.Accounts["a@example.com"].Unit = "" },
		"tag changed":    func(e *Estate) { e.Accounts["a@example.com"].Tags["Owner"] = "y" },
		"new unit":       func(e *Estate) { e.Units["Sandbox"] = &Unit{ID: "ou-2", Path: "Sandbox"} },
		"feature set":    func(e *Estate) { e.Organization.FeatureSet = "CONSOLIDATED_BILLING" },
		"account status": func(e *Estate) { e.Accounts["a@example.com"].Status = "SUSPENDED" },
	} {
		t.Run(name, func(t *testing.T) {
			e := sample()
			mutate(e)
			if e.Fingerprint() == base {
				t.Errorf("fingerprint did not change")
			}
		})
	}
}

func TestAnnotate(t *testing.T) {
	actual := sample()
	desired := New()
	desired.HomeRegion, desired.Regions = "eu-west-1", []string{"eu-west-1"}
	desired.Units["Security"] = &Unit{Path: "Security", Guardrails: true}
	desired.Accounts["a@example.com"] = &Account{Key: "log-archive", Role: RoleLogArchive, Environment: "prod", Email: "A@example.com"}
	Annotate(actual, desired)
	a := actual.Accounts["a@example.com"]
	if a.Role != RoleLogArchive || a.Key != "log-archive" || a.Environment != "prod" {
		t.Errorf("account not annotated: %+v", a)
	}
	if actual.Accounts["m@example.com"].Role != RoleManagement {
		t.Errorf("management account not marked")
	}
	if !actual.Units["Security"].Guardrails || actual.HomeRegion != "eu-west-1" {
		t.Errorf("units or Regions not annotated")
	}
	// Without a spec, only the management account is marked.
	bare := sample()
	Annotate(bare, nil)
	if bare.Accounts["m@example.com"].Role != RoleManagement || bare.Accounts["a@example.com"].Role != RoleNone {
		t.Errorf("annotate without spec")
	}
}

func TestAccountActive(t *testing.T) {
	for status, want := range map[string]bool{
		"":                   true,
		AccountActive:        true,
		"PENDING_ACTIVATION": false,
		"SUSPENDED":          false,
		"PENDING_CLOSURE":    false,
		"CLOSED":             false,
	} {
		if got := (&Account{Status: status}).Active(); got != want {
			t.Errorf("Account{Status: %q}.Active() = %v, want %v", status, got, want)
		}
	}
}

// The identity layer's audit limits come from the spec: Annotate copies
// them onto the layer the inventory read.
func TestAnnotateIdentityLimits(t *testing.T) {
	limits := IdentityLimits{AdminAccounts: 2, SessionHours: 4, ManagementUsers: 3}
	desired, actual := New(), New()
	desired.Identity = &Identity{Limits: limits}
	actual.Identity = &Identity{}
	Annotate(actual, desired)
	if actual.Identity.Limits != limits {
		t.Errorf("limits = %+v, want %+v", actual.Identity.Limits, limits)
	}
	if got := (IdentityLimits{SessionHours: 4}).Or(); got != (IdentityLimits{DefaultAdminAccounts, 4, DefaultManagementUsers}) {
		t.Errorf("Or() = %+v", got)
	}
}

func TestResolveLeavesIAMPolicyVariables(t *testing.T) {
	in := `{"Resource": "arn:aws:iam::${account-id:management}:user/${aws:username}", "Tag": "${aws:PrincipalTag/team}", "Org": "${org-id}"}`
	out, ok := Resolve(in, func(kind, arg string) (string, bool) {
		switch kind {
		case RefAccountID:
			return "111111111111", arg == ManagementKey
		case RefOrgID:
			return "o-abc", true
		}
		t.Errorf("lookup asked for %s:%s, which is IAM's", kind, arg)
		return "", false
	})
	want := `{"Resource": "arn:aws:iam::111111111111:user/${aws:username}", "Tag": "${aws:PrincipalTag/team}", "Org": "o-abc"}`
	if !ok || out != want {
		t.Errorf("Resolve = %s, %v; want %s", out, ok, want)
	}
	if HasRefs("${aws:username}") {
		t.Error("an IAM policy variable counts as a reference")
	}
}
