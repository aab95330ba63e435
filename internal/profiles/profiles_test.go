package profiles

import (
	"strings"
	"testing"
)

func target(account, id, role string) Target {
	return Target{AccountID: id, AccountName: account, Role: role, Session: "primary"}
}

func mustNames(t *testing.T, text string) *Names {
	t.Helper()
	n, err := ParseNames(text, "primary")
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestNames(t *testing.T) {
	tgt := Target{AccountID: "111111111111", AccountName: "Log Archive", AccountKey: "aws-log-archive@example.com", Role: "AdministratorAccess", Unit: "Security"}
	cases := map[string]struct {
		template, region string
		defaultRegion    bool
		want             string
	}{
		"aws-sso-util":                     {"aws-sso-util", "us-east-1", true, "Log-Archive.AdministratorAccess"},
		"granted":                          {"granted", "us-east-1", true, "Log-Archive/AdministratorAccess"},
		"other region gets a suffix":       {"aws-sso-util", "eu-west-1", false, "Log-Archive.AdministratorAccess.eu-west-1"},
		"template with region has none":    {"{{.AccountName}}-{{.Region}}-{{.RoleName}}", "eu-west-1", false, "Log-Archive-eu-west-1-AdministratorAccess"},
		"functions":                        {"{{.Org}}-{{lower (replace \" \" \"_\" .AccountName)}}-{{trimSuffix \"Access\" .RoleName}}", "us-east-1", true, "primary-log_archive-Administrator"},
		"account ID and unit":              {"{{.AccountID}}:{{.Unit}}:{{upper .RoleName}}", "us-east-1", true, "111111111111-Security-ADMINISTRATORACCESS"},
		"granted users' template verbatim": {"{{ .AccountName }}/{{ .RoleName }}", "us-east-1", true, "Log-Archive/AdministratorAccess"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := mustNames(t, c.template).Name(tgt, c.region, c.defaultRegion)
			if err != nil {
				t.Fatal(err)
			}
			if got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}

func TestParseNamesRefusesBadTemplates(t *testing.T) {
	for name, text := range map[string]string{
		"unknown field":  "{{.Account}}.{{.RoleName}}",
		"does not parse": "{{.AccountName",
		"constant":       "admin",
		"empty":          "{{\"\"}}",
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := ParseNames(text, "primary"); err == nil || !strings.Contains(err.Error(), "--names") {
				t.Errorf("ParseNames(%q) = %v, want an error naming --names", text, err)
			}
		})
	}
}

func TestNameRefusesDefaultAndEmpty(t *testing.T) {
	n := mustNames(t, "{{.RoleName}}")
	if _, err := n.Name(target("a", "1", "default"), "us-east-1", true); err == nil || !strings.Contains(err.Error(), "default profile") {
		t.Errorf("a profile named default: %v", err)
	}
	if _, err := n.Name(target("a", "1", " "), "us-east-1", true); err == nil {
		t.Error("an empty name was accepted")
	}
}

func TestBuild(t *testing.T) {
	sessions := []Session{{Name: "primary", StartURL: "https://d-1.awsapps.com/start", Region: "us-east-1", Scopes: []string{DefaultScope}}}
	targets := []Target{target("prod", "222222222222", "ReadOnly"), target("dev", "111111111111", "Admin"), target("dev", "111111111111", "Admin")}
	cfg, err := Build(append(sessions, sessions...), targets, mustNames(t, "aws-sso-util"), []string{"us-east-1", "eu-west-1"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range cfg.Profiles {
		got = append(got, p.Name+"@"+p.Region)
	}
	want := "dev.Admin@us-east-1 dev.Admin.eu-west-1@eu-west-1 prod.ReadOnly@us-east-1 prod.ReadOnly.eu-west-1@eu-west-1"
	if strings.Join(got, " ") != want {
		t.Errorf("profiles: %s\nwant      %s", strings.Join(got, " "), want)
	}
	if len(cfg.Sessions) != 1 {
		t.Errorf("sessions: %+v", cfg.Sessions)
	}
}

func TestBuildRefusesNameClashes(t *testing.T) {
	targets := []Target{target("dev", "111111111111", "Admin"), target("dev", "333333333333", "Admin"), target("x", "4", "default")}
	_, err := Build(nil, targets, mustNames(t, "granted"), []string{"us-east-1"})
	if err == nil {
		t.Fatal("two accounts named dev got one profile name")
	}
	for _, want := range []string{`profile "dev/Admin" names both`, "111111111111", "333333333333", "{{.AccountID}}"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if _, err := Build(nil, targets[:2], mustNames(t, "{{.AccountID}}/{{.RoleName}}"), []string{"us-east-1"}); err != nil {
		t.Errorf("the account ID tells them apart: %v", err)
	}
}

func TestBuildRefusesSessionsThatDiffer(t *testing.T) {
	a := Session{Name: "primary", StartURL: "https://a", Region: "us-east-1"}
	b := Session{Name: "primary", StartURL: "https://b", Region: "us-east-1"}
	if _, err := Build([]Session{a, b}, nil, mustNames(t, "granted"), []string{"us-east-1"}); err == nil {
		t.Error("two different sso-sessions of one name were accepted")
	}
}
