package cli

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
)

var updateBadInput = flag.Bool("update-badinput", false, "rewrite testdata/badinput/*/want.txt from what groundwork prints")

// zeroCalls is what --stats prints when nothing was sent to AWS.
const zeroCalls = "API calls: 0 (0 reads, 0 writes)\n"

// TestBadInput runs groundwork on every case of testdata/badinput and
// on the generated giant ones. A case is a directory of input files (the
// spec, policy files, a suppressions file or a saved plan), args (the
// command line, one line; validate when absent) and want.txt, the exact
// standard error. Every case must exit 1 and print want.txt, make no AWS
// call (--stats says 0, and an endpoint that records every request gets
// none), and write nothing: the directory is the same afterwards. Every
// problem with a file names file:line:column.
func TestBadInput(t *testing.T) {
	var hits atomic.Int64
	endpoint := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		http.Error(w, "bad input must never reach AWS", http.StatusTeapot)
	}))
	defer endpoint.Close()
	awsNowhere(t, endpoint.URL)

	dirs, err := filepath.Glob(filepath.Join("testdata", "badinput", "*"))
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs)+len(giantInputs) < 100 {
		t.Fatalf("%d bad-input cases; the corpus keeps at least 100", len(dirs)+len(giantInputs))
	}
	for _, caseDir := range dirs {
		name := filepath.Base(caseDir)
		t.Run(name, func(t *testing.T) {
			argsText, err := os.ReadFile(filepath.Join(caseDir, "args"))
			if err != nil && !os.IsNotExist(err) {
				t.Fatal(err)
			}
			args := strings.Fields(string(argsText))
			if len(args) == 0 {
				args = []string{"validate"}
			}
			dir := t.TempDir()
			copyInputs(t, caseDir, dir)
			got := runBadInput(t, dir, args, &hits)
			wantPath := filepath.Join(caseDir, "want.txt")
			if *updateBadInput {
				if err := os.WriteFile(wantPath, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(wantPath)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("stderr:\n%s\nwant:\n%s", got, want)
			}
			if !strings.HasPrefix(name, "flag-") {
				checkPositions(t, got)
			}
		})
	}
	for name, g := range giantInputs {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			g.write(t, dir)
			if got := runBadInput(t, dir, strings.Fields(g.args), &hits); got != g.want {
				t.Errorf("stderr:\n%s\nwant:\n%s", got, g.want)
			}
		})
	}
}

// awsNowhere points every AWS client at endpoint with made-up credentials and
// no shared config, so that nothing can reach a real account.
func awsNowhere(t *testing.T, endpoint string) {
	home := t.TempDir()
	for k, v := range map[string]string{
		"AWS_ENDPOINT_URL":            endpoint,
		"AWS_ACCESS_KEY_ID":           "AKIDBADINPUT",
		"AWS_SECRET_ACCESS_KEY":       "bad-input",
		"AWS_SESSION_TOKEN":           "",
		"AWS_PROFILE":                 "",
		"AWS_REGION":                  "us-east-1",
		"AWS_CONFIG_FILE":             filepath.Join(home, "config"),
		"AWS_SHARED_CREDENTIALS_FILE": filepath.Join(home, "credentials"),
		"AWS_EC2_METADATA_DISABLED":   "true",
	} {
		t.Setenv(k, v)
	}
}

// runBadInput runs groundwork in dir with --stats and returns its
// standard error without the zero call count, failing the test unless it
// exits 1, makes no call and leaves dir as it was.
func runBadInput(t *testing.T, dir string, args []string, hits *atomic.Int64) string {
	t.Helper()
	before := snapshot(t, dir)
	calls := hits.Load()
	code, out, errOut := run(t, dir, "", append(args, "--stats")...)
	if code != ExitError {
		t.Errorf("exit %d, want %d\nstdout:\n%s", code, ExitError, out)
	}
	if n := hits.Load() - calls; n > 0 {
		t.Errorf("%d request(s) reached the AWS endpoint", n)
	}
	got, ok := strings.CutSuffix(errOut, zeroCalls)
	if !ok {
		t.Errorf("stderr does not end in %q:\n%s", zeroCalls, errOut)
	}
	if after := snapshot(t, dir); after != before {
		t.Errorf("the directory changed:\nbefore:\n%s\nafter:\n%s", before, after)
	}
	return got
}

// copyInputs copies a case's input files, all but args and want.txt.
func copyInputs(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(from, path)
		if rel == "args" || rel == "want.txt" {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Dir(filepath.Join(to, rel)), 0o755); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(to, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// snapshot lists every file under dir with its size and a digest of its
// contents.
func snapshot(t *testing.T, dir string) string {
	t.Helper()
	var lines []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		if d.IsDir() {
			lines = append(lines, rel+"/")
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		lines = append(lines, fmt.Sprintf("%s %d %s", rel, info.Size(), info.ModTime().UTC().Format("15:04:05.000000000")))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// positioned is a problem with a file: file:line:column: message.
var positioned = regexp.MustCompile(`^(error: )?[^\s:]+:\d+:\d+: `)

// checkPositions checks that every problem printed names
// file:line:column; the summary lines after them do not.
func checkPositions(t *testing.T, stderr string) {
	t.Helper()
	sc := bufio.NewScanner(strings.NewReader(stderr))
	for sc.Scan() {
		line := sc.Text()
		if strings.HasSuffix(line, "nothing was sent to AWS") && !strings.HasPrefix(line, "error: ") {
			continue
		}
		if !positioned.MatchString(line) {
			t.Errorf("a problem without file:line:column: %q", line)
		}
	}
}

// giantInput is a case too large to keep in the repository: write makes
// its files.
type giantInput struct {
	write func(t *testing.T, dir string)
	args  string
	want  string
}

// fill writes name in dir: head, then line repeated until the file has at
// least size bytes.
func fill(t *testing.T, dir, name, head, line string, size int) {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	b.WriteString(head)
	for b.Len() < size {
		b.WriteString(line)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// giantInputs are one file of each kind just past its size limit. Each is
// refused at its first byte past the limit, without being read further.
var giantInputs = map[string]giantInput{
	"giant-spec": {
		write: func(t *testing.T, dir string) {
			fill(t, dir, "foundation.yaml", "version: 1\n", "# "+strings.Repeat("x", 1021)+"\n", 3<<20)
		},
		args: "validate",
		want: "foundation.yaml:2049:1014: the file is larger than 2 MiB (2097152 bytes), the most groundwork reads for a spec\n" +
			"1 problem(s) in the spec; nothing was sent to AWS\n",
	},
	"giant-suppressions": {
		write: func(t *testing.T, dir string) {
			fill(t, dir, "suppressions.yaml", "version: 1\nsuppressions:\n", "  - {check: GW-HRD-004, reason: r, expires: 2027-03-31}\n", 3<<20)
		},
		args: "audit --suppressions suppressions.yaml",
		want: "suppressions.yaml:37451:40: the file is larger than 2 MiB (2097152 bytes), the most groundwork reads for a suppressions file\n" +
			"1 problem(s) in the suppressions file suppressions.yaml; nothing was sent to AWS\n",
	},
	"giant-policy": {
		write: func(t *testing.T, dir string) {
			fill(t, dir, "foundation.yaml", badInputBase+"policies:\n  scps:\n    mine: {file: policies/mine.json}\n", "", 0)
			fill(t, dir, "policies/mine.json", "{\"Version\": \"2012-10-17\", \"Statement\": [\n", "  {\"Effect\": \"Deny\", \"Action\": \"s3:*\", \"Resource\": \"*\"},\n", 2<<20)
		},
		args: "validate",
		want: "policies/mine.json:18397:21: the file is larger than 1 MiB (1048576 bytes), the most groundwork reads for a policy file\n" +
			"1 problem(s) in the spec; nothing was sent to AWS\n",
	},
	"giant-plan": {
		write: func(t *testing.T, dir string) {
			fill(t, dir, "plan.json", "{\"format_version\": 2, \"changes\": [\n", "  {\"address\": \"unit/x\", \"kind\": \"unit\", \"action\": \"no-op\"},\n", 33<<20)
		},
		args: "apply --auto-approve plan.json",
		want: "error: plan.json:559241:58: the file is larger than 32 MiB (33554432 bytes), the most groundwork reads for a saved plan\n",
	},
}

// badInputBase is a valid spec, for the giant cases that need one.
const badInputBase = `version: 1
organization:
  id: primary
  email_domain: example.com
  home_region: us-east-1
units:
  Security: {}
accounts:
  log-archive: {unit: Security, role: log-archive}
  security-tooling: {unit: Security, role: security-tooling}
`
