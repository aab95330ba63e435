package profiles

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// sample is a config with both kinds of profile.
func sample(t *testing.T) Config {
	t.Helper()
	sso := Target{AccountID: "111111111111", AccountName: "payments-prod", Role: "AdministratorAccess", Session: "primary",
		Console: "https://d-1234567890.awsapps.com/start/#/console?account_id=111111111111&role_name=AdministratorAccess"}
	role := Target{AccountID: "222222222222", AccountName: "payments-dev", Role: "PowerUser",
		RoleARN: "arn:aws:iam::222222222222:role/org-admin/PowerUser", SourceProfile: "primary-identity",
		MFASerial: "arn:aws:iam::333333333333:mfa/ana", RoleSessionName: "ana", DurationSeconds: 3600,
		Console: "https://signin.aws.amazon.com/switchrole?account=222222222222&roleName=org-admin%2FPowerUser"}
	sessions := []Session{{Name: "primary", StartURL: "https://d-1234567890.awsapps.com/start", Region: "us-east-1", Scopes: []string{DefaultScope}}}
	cfg, err := Build(sessions, []Target{sso, role}, mustNames(t, "aws-sso-util"), []string{"us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func render(t *testing.T, cfg Config) []byte {
	t.Helper()
	b, err := Render(cfg, "primary")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestRender(t *testing.T) {
	got := string(render(t, sample(t)))
	want := `# >>> groundwork profiles primary >>>
# Written by ` + "`groundwork profiles`" + `: the next ` + "`groundwork profiles --write`" + `
# replaces everything between these two markers. Keep your own profiles
# outside them.

[sso-session primary]
sso_start_url = https://d-1234567890.awsapps.com/start
sso_region = us-east-1
sso_registration_scopes = sso:account:access

[profile payments-dev.PowerUser]
# console: https://signin.aws.amazon.com/switchrole?account=222222222222&roleName=org-admin%2FPowerUser
role_arn = arn:aws:iam::222222222222:role/org-admin/PowerUser
source_profile = primary-identity
mfa_serial = arn:aws:iam::333333333333:mfa/ana
role_session_name = ana
duration_seconds = 3600
region = us-east-1

[profile payments-prod.AdministratorAccess]
# console: https://d-1234567890.awsapps.com/start/#/console?account_id=111111111111&role_name=AdministratorAccess
sso_session = primary
sso_account_id = 111111111111
sso_role_name = AdministratorAccess
region = us-east-1
# <<< groundwork profiles primary <<<
`
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

func TestRenderRefusesLineBreaks(t *testing.T) {
	cfg := sample(t)
	cfg.Sessions[0].StartURL = "https://x\n[profile evil]"
	if _, err := Render(cfg, "primary"); err == nil || !strings.Contains(err.Error(), "sso_start_url") {
		t.Errorf("a start URL with a line break: %v", err)
	}
}

const userConfig = `[default]
region = eu-west-1

[profile mine]
# my own
region = us-west-2
`

func TestMerge(t *testing.T) {
	block := render(t, sample(t))
	first, err := Merge("config", []byte(userConfig), block, "primary")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(first), userConfig+"\n"+BeginMarker("primary")) || !strings.HasSuffix(string(first), EndMarker("primary")+"\n") {
		t.Errorf("appended:\n%s", first)
	}
	// The user adds a profile after groundwork's block; the next run
	// replaces the block alone.
	edited := string(first) + "\n[profile later]\nregion = ap-south-1\n"
	cfg := sample(t)
	cfg.Profiles = cfg.Profiles[:1]
	smaller := render(t, cfg)
	second, err := Merge("config", []byte(edited), smaller, "primary")
	if err != nil {
		t.Fatal(err)
	}
	want := userConfig + "\n" + string(smaller) + "\n[profile later]\nregion = ap-south-1\n"
	if string(second) != want {
		t.Errorf("replaced:\n%s\nwant:\n%s", second, want)
	}
	// Idempotent: merging the same block again changes nothing.
	third, err := Merge("config", second, smaller, "primary")
	if err != nil || string(third) != string(second) {
		t.Errorf("second merge changed the file (%v):\n%s", err, third)
	}
	// Another organization's block sits beside it.
	other, err := Render(sample(t), "other")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Merge("config", second, other, "other"); err == nil {
		t.Error("another organization's block names the same sessions and profiles: the clash went unseen")
	}
}

func TestMergeKeepsCRLFAndAFileWithoutFinalNewline(t *testing.T) {
	block := render(t, sample(t))
	crlf := strings.ReplaceAll(userConfig, "\n", "\r\n")
	out, err := Merge("config", []byte(crlf), block, "primary")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(string(out), "\n") != strings.Count(string(out), "\r\n") {
		t.Errorf("a CRLF file got bare line feeds:\n%q", out)
	}
	again, err := Merge("config", out, block, "primary")
	if err != nil || string(again) != string(out) {
		t.Errorf("a CRLF file changed on the second merge (%v)", err)
	}
	out, err = Merge("config", []byte("[profile x]\nregion = us-east-1"), block, "primary")
	if err != nil || !strings.HasPrefix(string(out), "[profile x]\nregion = us-east-1\n\n# >>>") {
		t.Errorf("no final newline (%v):\n%s", err, out)
	}
}

func TestMergeRefuses(t *testing.T) {
	block := render(t, sample(t))
	begin, end := BeginMarker("primary"), EndMarker("primary")
	cases := map[string]struct{ file, want string }{
		"begin without end":  {userConfig + begin + "\n[profile a]\n", "config:7: "},
		"end without begin":  {userConfig + end + "\n", "config:7: "},
		"end before begin":   {end + "\n" + begin + "\n", "comes before"},
		"two blocks":         {begin + "\n" + end + "\n" + begin + "\n" + end + "\n", "a second"},
		"profile outside":    {"[profile  payments-prod.AdministratorAccess ]\nregion = x\n", "config:1: [profile payments-prod.AdministratorAccess] is already in the file"},
		"session outside":    {"[sso-session primary]\nsso_region = x\n", "config:1: [sso-session primary]"},
		"clash before block": {"[profile payments-dev.PowerUser]\n" + string(block), "config:1: [profile payments-dev.PowerUser]"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := Merge("config", []byte(c.file), block, "primary")
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("Merge = %v, want an error with %q", err, c.want)
			}
		})
	}
}

func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	block := render(t, sample(t))

	// A new file, in a directory that does not exist yet, readable by its
	// owner only; no backup of a file that was not there.
	fresh := filepath.Join(dir, "new", "config")
	w, err := WriteFile(fresh, block, "primary")
	if err != nil || !w.Changed || w.Backup != "" {
		t.Fatalf("new file: %+v, %v", w, err)
	}
	if st, _ := os.Stat(fresh); runtime.GOOS != "windows" && st.Mode().Perm() != 0o600 {
		t.Errorf("new file mode %v, want 0600", st.Mode().Perm())
	}

	// An existing file behind a symbolic link: the link stays, the file
	// it points to gets the block, the backup holds the file as it was,
	// and the mode is kept.
	real := filepath.Join(dir, "dotfiles", "aws-config")
	os.MkdirAll(filepath.Dir(real), 0o755)
	if err := os.WriteFile(real, []byte(userConfig), 0o640); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "config")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	w, err = WriteFile(link, block, "primary")
	if err != nil || !w.Changed || w.Path != real || w.Backup != real+BackupSuffix {
		t.Fatalf("existing file: %+v, %v", w, err)
	}
	if fi, _ := os.Lstat(link); fi.Mode()&os.ModeSymlink == 0 {
		t.Error("the symbolic link was replaced by a file")
	}
	if b, _ := os.ReadFile(real + BackupSuffix); string(b) != userConfig {
		t.Errorf("backup:\n%s", b)
	}
	if st, _ := os.Stat(real); st.Mode().Perm() != 0o640 {
		t.Errorf("mode %v, want 0640 kept", st.Mode().Perm())
	}
	written, _ := os.ReadFile(real)

	// A second run writes nothing, and leaves the backup alone.
	os.WriteFile(real+BackupSuffix, []byte("earlier"), 0o600)
	w, err = WriteFile(link, block, "primary")
	if err != nil || w.Changed || w.Backup != "" {
		t.Fatalf("second run: %+v, %v", w, err)
	}
	if b, _ := os.ReadFile(real + BackupSuffix); string(b) != "earlier" {
		t.Error("an unchanged run rewrote the backup")
	}
	if b, _ := os.ReadFile(real); string(b) != string(written) {
		t.Error("an unchanged run rewrote the file")
	}

	// A refused merge writes nothing, neither file nor backup.
	clash := filepath.Join(dir, "clash")
	os.WriteFile(clash, []byte("[sso-session primary]\n"), 0o600)
	if _, err := WriteFile(clash, block, "primary"); err == nil {
		t.Error("a clash was written")
	}
	if _, err := os.Stat(clash + BackupSuffix); err == nil {
		t.Error("a refused merge left a backup")
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
}

// TestTheAWSCLIReadsTheConfig is the independent check: the AWS CLI, given
// the merged file as AWS_CONFIG_FILE, lists every profile (the user's and
// groundwork's) and reads each key as written. The venv's CLI is version 1,
// which has no `aws configure list-profiles`; version 2's prints botocore's
// Session.available_profiles, which the test asks botocore for directly.
func TestTheAWSCLIReadsTheConfig(t *testing.T) {
	aws := awsCLI(t)
	path := filepath.Join(t.TempDir(), "config")
	os.WriteFile(path, []byte(userConfig), 0o600)
	if _, err := WriteFile(path, render(t, sample(t)), "primary"); err != nil {
		t.Fatal(err)
	}
	env := []string{"AWS_CONFIG_FILE=" + path, "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH")}
	run := func(name string, args ...string) string {
		cmd := exec.Command(name, args...)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s %s: %v\n%s", filepath.Base(name), strings.Join(args, " "), err, out)
		}
		return strings.TrimSpace(string(out))
	}
	python := filepath.Join(filepath.Dir(aws), "python")
	listed := strings.Fields(run(python, "-c", "import botocore.session\nfor p in botocore.session.Session().available_profiles: print(p)"))
	slices.Sort(listed)
	if want := []string{"default", "mine", "payments-dev.PowerUser", "payments-prod.AdministratorAccess"}; !slices.Equal(listed, want) {
		t.Errorf("available profiles: %v, want %v", listed, want)
	}
	// What botocore reads of each profile, and the AWS CLI itself for one
	// key of each kind (each aws run costs most of a second).
	var read map[string]map[string]string
	if err := json.Unmarshal([]byte(run(python, "-c", "import json, botocore.session\nprint(json.dumps(botocore.session.Session().full_config['profiles']))")), &read); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ profile, key, want string }{
		{"payments-prod.AdministratorAccess", "sso_session", "primary"},
		{"payments-prod.AdministratorAccess", "sso_account_id", "111111111111"},
		{"payments-prod.AdministratorAccess", "sso_role_name", "AdministratorAccess"},
		{"payments-prod.AdministratorAccess", "region", "us-east-1"},
		{"payments-dev.PowerUser", "role_arn", "arn:aws:iam::222222222222:role/org-admin/PowerUser"},
		{"payments-dev.PowerUser", "mfa_serial", "arn:aws:iam::333333333333:mfa/ana"},
		{"payments-dev.PowerUser", "source_profile", "primary-identity"},
		{"payments-dev.PowerUser", "role_session_name", "ana"},
		{"payments-dev.PowerUser", "duration_seconds", "3600"},
		{"mine", "region", "us-west-2"},
	} {
		if got := read[c.profile][c.key]; got != c.want {
			t.Errorf("botocore reads %s of profile %s as %q, want %q", c.key, c.profile, got, c.want)
		}
	}
	if n := len(read["payments-prod.AdministratorAccess"]); n != 4 {
		t.Errorf("profile payments-prod.AdministratorAccess has %d keys, want 4: %v", n, read["payments-prod.AdministratorAccess"])
	}
	for _, c := range []struct{ profile, key, want string }{
		{"payments-prod.AdministratorAccess", "sso_account_id", "111111111111"},
		{"payments-dev.PowerUser", "role_arn", "arn:aws:iam::222222222222:role/org-admin/PowerUser"},
	} {
		if got := run(aws, "configure", "get", c.key, "--profile", c.profile); got != c.want {
			t.Errorf("aws configure get %s --profile %s = %q, want %q", c.key, c.profile, got, c.want)
		}
	}
	session := run(python, "-c", "import botocore.session\ns = botocore.session.Session().full_config['sso_sessions']['primary']\nprint(s['sso_start_url'], s['sso_region'], s['sso_registration_scopes'])")
	if session != "https://d-1234567890.awsapps.com/start us-east-1 sso:account:access" {
		t.Errorf("sso-session primary as botocore reads it: %q", session)
	}
}

// awsCLI is the AWS CLI of the repository's venv (make venv).
func awsCLI(t *testing.T) string {
	t.Helper()
	dir, _ := filepath.Abs(".")
	for {
		p := filepath.Join(dir, ".venv", "bin", "aws")
		if _, err := os.Stat(p); err == nil {
			return p
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no .venv/bin/aws above the package: run make venv")
		}
		dir = parent
	}
}
