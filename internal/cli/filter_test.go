package cli

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/filterpattern"
)

// The filter verbs need no AWS: these tests run without moto.

// filterRecordsDir holds real-shaped CloudTrail records, one a file.
func filterRecordsDir(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "filterpattern", "testdata"))
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

func filterRecord(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(filterRecordsDir(t), name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// filterCompact makes a record one line, as in JSON lines and log files.
func filterCompact(t *testing.T, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := json.Compact(&b, data); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// filterCloudTrailFile writes records as CloudTrail delivers them to S3: one
// gzip-compressed {"Records": [...]} file.
func filterCloudTrailFile(t *testing.T, dir string, names ...string) string {
	t.Helper()
	var records []json.RawMessage
	for _, n := range names {
		records = append(records, filterCompact(t, filterRecord(t, n)))
	}
	body, err := json.Marshal(map[string]any{"Records": records})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "111122223333_CloudTrail_us-east-1_20240514T0910Z_Ab12Cd34Ef56Gh78.json.gz")
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	if _, err := zw.Write(body); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, gz.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestFilterTestLibraryOnRecords(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(filterRecordsDir(t), "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no records: %v", err)
	}
	code, out, errOut := run(t, t.TempDir(), "", append([]string{"filter", "test", "--library", "RootUserActivity"}, files...)...)
	if code != ExitOK {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	want := filepath.Join(filterRecordsDir(t), "root-console-login.json") + ":1  ConsoleLogin  2024-05-14T07:41:09Z\n" +
		"1 of " + strconv.Itoa(len(files)) + " events match\n"
	if out != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", out, want)
	}
}

func TestFilterTestCloudTrailLogFile(t *testing.T) {
	dir := t.TempDir()
	path := filterCloudTrailFile(t, dir, "describe-instances", "access-denied-s3-getobject", "console-login-mfa",
		"unauthorized-ec2-runinstances", "access-denied-s3-headbucket")
	tests := map[string]struct {
		args []string
		want string
	}{
		"guidance 001": {
			[]string{"--library", "AccessDenied"},
			path + ":2  GetObject  2024-05-14T09:12:31Z\n" +
				path + ":4  RunInstances  2024-05-14T09:12:31Z\n" +
				path + ":5  HeadBucket  2024-05-14T09:12:31Z\n" +
				"3 of 5 events match\n",
		},
		"CIS 4.1 leaves HeadBucket out": {
			[]string{"--library", "UnauthorizedAPICalls"},
			path + ":2  GetObject  2024-05-14T09:12:31Z\n" +
				path + ":4  RunInstances  2024-05-14T09:12:31Z\n" +
				"2 of 5 events match\n",
		},
		"pattern argument": {
			[]string{`{ $.eventSource = "s3.amazonaws.com" && $.eventName != HeadBucket }`},
			path + ":2  GetObject  2024-05-14T09:12:31Z\n" +
				"1 of 5 events match\n",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			args := append(append([]string{"filter", "test"}, tc.args...), path)
			code, out, errOut := run(t, dir, "", args...)
			if code != ExitOK || out != tc.want {
				t.Errorf("exit %d, stdout:\n%s\nwant:\n%s\nstderr:\n%s", code, out, tc.want, errOut)
			}
		})
	}
}

func TestFilterTestJSONLinesOnStdin(t *testing.T) {
	lines := strings.Join([]string{
		string(filterCompact(t, filterRecord(t, "create-vpc"))),
		"",
		"2024-05-14T09:12:31Z INFO not a JSON event",
		string(filterCompact(t, filterRecord(t, "attach-internet-gateway"))),
		string(filterCompact(t, filterRecord(t, "create-route"))),
	}, "\n") + "\n"
	code, out, errOut := run(t, t.TempDir(), lines, "filter", "test", "{ $.eventName = Create* }", "-")
	if code != ExitOK {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	want := "stdin:1  CreateVpc  2024-05-14T09:12:31Z\nstdin:5  CreateRoute  2024-05-14T09:12:31Z\n2 of 4 events match\n"
	if out != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", out, want)
	}
	if wantErr := "warning: stdin: 1 event(s) are not JSON (the first at 3); they do not match\n"; errOut != wantErr {
		t.Errorf("stderr:\n%s\nwant:\n%s", errOut, wantErr)
	}
}

func TestFilterTestArrayAndSingleEvent(t *testing.T) {
	dir := t.TempDir()
	array := "[" + string(filterRecord(t, "stop-logging")) + "," + string(filterRecord(t, "delete-trail")) + "]"
	if err := os.WriteFile(filepath.Join(dir, "array.json"), []byte(array), 0o644); err != nil {
		t.Fatal(err)
	}
	single := filepath.Join(filterRecordsDir(t), "delete-trail.json") // pretty-printed over many lines
	code, out, errOut := run(t, dir, "", "filter", "test", "--library", "CloudTrailChanges", filepath.Join(dir, "array.json"), single)
	want := filepath.Join(dir, "array.json") + ":1  StopLogging  2024-05-14T09:12:31Z\n" +
		filepath.Join(dir, "array.json") + ":2  DeleteTrail  2024-05-14T09:12:31Z\n" +
		single + ":1  DeleteTrail  2024-05-14T09:12:31Z\n" +
		"3 of 3 events match\n"
	if code != ExitOK || out != want {
		t.Errorf("exit %d, stdout:\n%s\nwant:\n%s\nstderr:\n%s", code, out, want, errOut)
	}
}

func TestFilterTestNoMatch(t *testing.T) {
	code, out, _ := run(t, t.TempDir(), "", "filter", "test", "--library", "OrganizationsChanges", filepath.Join(filterRecordsDir(t), "describe-instances.json"))
	if code != ExitError || out != "0 of 1 events match\n" {
		t.Errorf("exit %d, stdout %q: want exit 1 and 0 of 1", code, out)
	}
}

func TestFilterTestJSONOutput(t *testing.T) {
	code, out, errOut := run(t, t.TempDir(), "", "filter", "test", "-o", "json", "--library", "ConsoleSignInWithoutMFA",
		filepath.Join(filterRecordsDir(t), "console-login-no-mfa.json"), filepath.Join(filterRecordsDir(t), "console-login-sso.json"))
	if code != ExitOK {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	var got filterResult
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	e, _ := filterpattern.Lookup("ConsoleSignInWithoutMFA")
	if got.Pattern != e.Pattern || got.Library != "ConsoleSignInWithoutMFA" || got.Events != 2 || got.Matched != 1 ||
		len(got.Matches) != 1 || !strings.HasSuffix(got.Matches[0].File, "console-login-no-mfa.json") ||
		got.Matches[0].N != 1 || got.Matches[0].EventName != "ConsoleLogin" || got.Matches[0].EventTime != "2024-05-14T07:41:09Z" {
		t.Errorf("got %+v", got)
	}
}

func TestFilterTestMalformedPattern(t *testing.T) {
	code, out, errOut := run(t, t.TempDir(), "", "filter", "test", `{ ($.eventName = "ConsoleLogin" }`, "-")
	want := `error: filter pattern: position 32: expected ")" to close the "(" at position 2, found "}"
  { ($.eventName = "ConsoleLogin" }
                                  ^
`
	if code != ExitError || out != "" || errOut != want {
		t.Errorf("exit %d, stdout %q, stderr:\n%s\nwant:\n%s", code, out, errOut, want)
	}
}

func TestFilterTestErrors(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing.json")
	tests := map[string]struct {
		args []string
		want string // in stderr
	}{
		"unknown library":     {[]string{"--library", "Nope", "x.json"}, `--library "Nope": no such pattern; groundwork filter list shows them: RootUserActivity, `},
		"no file":             {[]string{`{ $.a = 1 }`}, "give a pattern and at least one event file"},
		"missing file":        {[]string{`{ $.a = 1 }`, missing}, "read events: open " + missing},
		"bad output":          {[]string{"-o", "yaml", `{ $.a = 1 }`, "-"}, `--output "yaml": want text or json`},
		"plain text query":    {[]string{`ERROR`, "-"}, `groundwork reads only JSON filter patterns`},
		"pattern and library": {[]string{"--library", "ConsoleSignIn", `{ $.a = 1 }`, "-"}, "give a PATTERN or --library NAME, not both"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			code, out, errOut := run(t, t.TempDir(), "", append([]string{"filter", "test"}, tc.args...)...)
			if code != ExitError || !strings.Contains(errOut, tc.want) {
				t.Errorf("exit %d, stdout %q, stderr %q: want exit 1 and %q", code, out, errOut, tc.want)
			}
		})
	}
}

func TestFilterTestGzipError(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "broken.json.gz")
	if err := os.WriteFile(path, []byte("this is not a gzip stream, only text that ends in .gz"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := run(t, dir, "", "filter", "test", "--library", "ConsoleSignIn", path)
	if code != ExitError || !strings.Contains(errOut, "read "+path+": gzip: invalid header") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

func TestFilterList(t *testing.T) {
	code, out, errOut := run(t, t.TempDir(), "", "filter", "list")
	if code != ExitOK {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	for _, e := range filterpattern.Library() {
		want := e.Name + " (" + strings.Join(e.Guidance, "; ") + ")\n  " + e.Description + "\n  " + e.Pattern + "\n"
		if !strings.Contains(out, want) {
			t.Errorf("filter list lacks\n%s", want)
		}
	}
	code, out, _ = run(t, t.TempDir(), "", "filter", "list", "-o", "json")
	var got []filterpattern.Entry
	if err := json.Unmarshal([]byte(out), &got); code != ExitOK || err != nil {
		t.Fatalf("exit %d, %v\n%s", code, err, out)
	}
	if len(got) != len(filterpattern.Library()) || got[0].Name != "RootUserActivity" || got[0].Guidance[0] != "000" {
		t.Errorf("filter list -o json = %+v", got)
	}
}
