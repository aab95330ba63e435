//go:build unix

package main

// Tests of the built binary: what only a process shows, its exit code on
// a signal and what a crash prints. The binary is built once, with
// -tags crashtest so that GROUNDWORK_TEST_CRASH can make it crash.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/cli"
	"github.com/groundwork-aws/groundwork/internal/testenv"
)

var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "groundwork-bin-")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "groundwork")
	build := exec.Command("go", "build", "-tags", "crashtest", "-o", binary, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		os.RemoveAll(dir)
		panic("build groundwork: " + err.Error())
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// process is a running groundwork whose stderr is read line by line.
type process struct {
	cmd    *exec.Cmd
	stdout bytes.Buffer
	lines  chan string // stderr, line by line, closed at its end

	mu     sync.Mutex
	stderr strings.Builder
}

func start(t *testing.T, dir string, env []string, args ...string) *process {
	t.Helper()
	p := &process{cmd: exec.Command(binary, args...), lines: make(chan string, 1024)}
	p.cmd.Dir = dir
	p.cmd.Env = append(env, "TMPDIR="+dir)
	p.cmd.Stdout = &p.stdout
	errPipe, err := p.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		defer close(p.lines)
		sc := bufio.NewScanner(errPipe)
		for sc.Scan() {
			p.mu.Lock()
			p.stderr.WriteString(sc.Text() + "\n")
			p.mu.Unlock()
			select {
			case p.lines <- sc.Text():
			default:
			}
		}
	}()
	return p
}

// waitFor reads stderr until a line contains s.
func (p *process) waitFor(t *testing.T, s string) {
	t.Helper()
	for line := range p.lines {
		if strings.Contains(line, s) {
			return
		}
	}
	t.Fatalf("stderr ended without %q:\n%s", s, p.errText())
}

func (p *process) errText() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stderr.String()
}

// wait returns the exit code and stderr once the process has ended.
func (p *process) wait(t *testing.T) (int, string) {
	t.Helper()
	for range p.lines {
	}
	err := p.cmd.Wait()
	var ee *exec.ExitError
	if err != nil && !errorsAs(err, &ee) {
		t.Fatal(err)
	}
	return p.cmd.ProcessState.ExitCode(), p.errText()
}

func errorsAs(err error, target **exec.ExitError) bool {
	e, ok := err.(*exec.ExitError)
	if ok {
		*target = e
	}
	return ok
}

func isolatedEnv() []string {
	return []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.TempDir(), "AWS_EC2_METADATA_DISABLED=true"}
}

// A bug never shows the user a stack trace: in the verb, in a goroutine
// of its own (as in a read's errgroup), or a fatal runtime error no
// recover can catch, groundwork says "internal error", asks for a report,
// saves the trace to a file and exits ExitInternal.
func TestCrashIsAnInternalError(t *testing.T) {
	for _, mode := range []string{"verb", "goroutine", "fatal"} {
		t.Run(mode, func(t *testing.T) {
			dir := t.TempDir()
			p := start(t, dir, append(isolatedEnv(), "GROUNDWORK_TEST_CRASH="+mode), "validate")
			code, stderr := p.wait(t)
			if code != cli.ExitInternal {
				t.Errorf("exit %d, want %d", code, cli.ExitInternal)
			}
			for _, want := range []string{"internal error: ", "please report it at " + cli.ReportURL, "groundwork-crash-"} {
				if !strings.Contains(stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, stderr)
				}
			}
			for _, trace := range []string{"goroutine ", ".go:", "panic(", "runtime."} {
				if strings.Contains(stderr, trace) {
					t.Errorf("stderr shows a stack trace (%q):\n%s", trace, stderr)
				}
			}
			saved, _ := filepath.Glob(filepath.Join(dir, "groundwork-crash-*.txt"))
			if len(saved) != 1 {
				t.Fatalf("saved crash files %v, want one", saved)
			}
			b, err := os.ReadFile(saved[0])
			if err != nil || !strings.Contains(string(b), "goroutine ") {
				t.Errorf("the saved crash holds no trace (%v):\n%s", err, b)
			}
		})
	}
}

// Ctrl-C and SIGTERM stop a verb that is blocked where no context
// reaches: here the spec is a FIFO that the test has opened and written
// half a spec to, so groundwork sits in the read of its input.
func TestSignalStopsAVerbMidRead(t *testing.T) {
	for sig, want := range map[syscall.Signal]int{syscall.SIGINT: 130, syscall.SIGTERM: 143} {
		t.Run(sig.String(), func(t *testing.T) {
			p, w := startBlockedInRead(t)
			defer w.Close()
			io.WriteString(w, "version: 1\norganization:\n  id: primary\n")
			p.cmd.Process.Signal(sig)
			code, stderr := p.wait(t)
			if code != want {
				t.Errorf("exit %d, want %d\n%s", code, want, stderr)
			}
			if !strings.Contains(stderr, "interrupted by "+map[syscall.Signal]string{syscall.SIGINT: "SIGINT", syscall.SIGTERM: "SIGTERM"}[sig]+"; groundwork stopped") {
				t.Errorf("stderr does not say it was interrupted:\n%s", stderr)
			}
		})
	}
}

// startBlockedInRead starts groundwork validate on a spec that is a
// FIFO, and returns once groundwork is in the read of it (opening the
// FIFO for writing returns once the other end is open for reading), with
// the FIFO's writing end.
func startBlockedInRead(t *testing.T) (*process, *os.File) {
	t.Helper()
	dir := t.TempDir()
	fifo := filepath.Join(dir, "foundation.yaml")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	p := start(t, dir, isolatedEnv(), "validate")
	w, err := os.OpenFile(fifo, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	return p, w
}

// holdingProxy forwards to moto, holding back every request of one
// operation until released: a write that is in flight for as long as
// the test wants.
type holdingProxy struct {
	op      string
	held    chan struct{} // a request of op arrived
	release chan struct{} // closed: let them through
	once    sync.Once
}

func newHoldingProxy(t *testing.T, target, op string) (*holdingProxy, string) {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	h := &holdingProxy{op: op, held: make(chan struct{}, 64), release: make(chan struct{})}
	rp := httputil.NewSingleHostReverseProxy(u)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.Header.Get("X-Amz-Target"), "."+h.op) {
			h.held <- struct{}{}
			select {
			case <-h.release:
			case <-r.Context().Done():
				return
			}
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(func() { h.let(); srv.Close() })
	return h, srv.URL
}

func (h *holdingProxy) let() { h.once.Do(func() { close(h.release) }) }

// withEndpoint is env with AWS_ENDPOINT_URL replaced.
func withEndpoint(env []string, endpoint string) []string {
	var out []string
	for _, kv := range env {
		if !strings.HasPrefix(kv, "AWS_ENDPOINT_URL=") {
			out = append(out, kv)
		}
	}
	return append(out, "AWS_ENDPOINT_URL="+endpoint)
}

func runBinary(t *testing.T, dir string, env []string, args ...string) (int, string, string) {
	t.Helper()
	p := start(t, dir, env, args...)
	code, stderr := p.wait(t)
	return code, p.stdout.String(), stderr
}

func ouCount(t *testing.T, m *testenv.Server) map[string]int {
	t.Helper()
	var roots struct{ Roots []struct{ Id string } }
	if err := json.Unmarshal(m.AWS(t, "organizations", "list-roots"), &roots); err != nil {
		t.Fatal(err)
	}
	var ous struct{ OrganizationalUnits []struct{ Name string } }
	if err := json.Unmarshal(m.AWS(t, "organizations", "list-organizational-units-for-parent", "--parent-id", roots.Roots[0].Id), &ous); err != nil {
		t.Fatal(err)
	}
	n := map[string]int{}
	for _, ou := range ous.OrganizationalUnits {
		n[ou.Name]++
	}
	return n
}

// forMoto drops from the starter spec what moto cannot do (the delegated
// administrators it refuses, and the access control attributes, for which
// it has no API: the identity section leaves them alone with
// access_control_attributes: {}) and, to keep the test short, the logging
// layer, as the internal/cli end-to-end tests do.
// initForMoto writes the starter spec for one Region into a new
// directory, made to apply on moto, and returns it with moto's
// environment.
func initForMoto(t *testing.T, m *testenv.Server) (dir string, env []string) {
	t.Helper()
	dir, env = t.TempDir(), m.Env()
	if code, _, stderr := runBinary(t, dir, env, "init", "--org-id", "primary", "--domain", "example.com",
		"--home-region", "us-east-1", "--regions", "us-east-1"); code != 0 {
		t.Fatalf("init: exit %d\n%s", code, stderr)
	}
	forMoto(t, filepath.Join(dir, "foundation.yaml"))
	return dir, env
}

func forMoto(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, svc := range []string{"cloudtrail", "config", "securityhub", "sso"} {
		i := strings.Index(s, "    "+svc+".amazonaws.com: ")
		if i < 0 {
			t.Fatalf("starter spec lacks the delegation of %s", svc)
		}
		s = s[:i] + s[i+strings.Index(s[i:], "\n")+1:]
	}
	if !strings.Contains(s, "\nidentity:\n") {
		t.Fatal("starter spec lacks its identity section")
	}
	s = strings.Replace(s, "\nidentity:\n", "\nidentity:\n  access_control_attributes: {}\n", 1)
	start, end := strings.Index(s, "\n# Central logging"), strings.Index(s, "\n# Alternate contacts")
	if start < 0 || end < start {
		t.Fatal("starter spec lacks its logging section")
	}
	if err := os.WriteFile(path, []byte(s[:start]+s[end:]), 0o644); err != nil {
		t.Fatal(err)
	}
}

// Ctrl-C and SIGTERM in the middle of an apply: no new change starts,
// the changes in flight finish (or, past --drain, are cut off and said
// to be), the report says what was done and what was not, the exit code
// is 130 or 143, and a second apply finishes the job without making
// anything twice.
func TestSignalStopsApply(t *testing.T) {
	tests := map[string]struct {
		sig     syscall.Signal
		code    int
		release bool   // let the held writes through after the stop
		drain   string // --drain
		want    []string
	}{
		"SIGINT lets the changes in flight finish": {sig: syscall.SIGINT, code: 130, release: true, drain: "1m",
			want: []string{"not started", "Apply stopped: ", "What was applied stays. Run groundwork apply again", "interrupted by SIGINT; groundwork stopped"}},
		"SIGTERM cuts off what outlives --drain": {sig: syscall.SIGTERM, code: 143, drain: "100ms",
			want: []string{"stopped in flight", "not started", "Apply stopped: ",
				"interrupted by SIGTERM while waiting for Organizations CreateOrganizationalUnit at http://127.0.0.1:"}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			m := testenv.Moto(t)
			dir, env := initForMoto(t, m)
			proxy, endpoint := newHoldingProxy(t, m.Endpoint, "CreateOrganizationalUnit")
			p := start(t, dir, withEndpoint(env, endpoint), "apply", "--auto-approve", "--log-level", "debug", "--drain", tt.drain)
			<-proxy.held // an OU's create is in flight
			p.cmd.Process.Signal(tt.sig)
			p.waitFor(t, "stopping: no new changes")
			if tt.release {
				proxy.let()
			}
			code, stderr := p.wait(t)
			out := p.stdout.String()
			if code != tt.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.code, out, stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(out+stderr, w) {
					t.Errorf("output lacks %q\nstdout:\n%s\nstderr:\n%s", w, out, stderr)
				}
			}
			if tt.release && !strings.Contains(out, " 0 failed") {
				t.Errorf("a change in flight at the stop did not finish:\n%s", out)
			}
			var lease struct{ Parameter struct{ Value string } }
			if err := json.Unmarshal(m.AWS(t, "ssm", "get-parameter", "--name", "/groundwork/apply-lease"), &lease); err != nil ||
				!strings.Contains(lease.Parameter.Value, `"released":true`) {
				t.Errorf("the stopped apply did not release its lease (%v): %s", err, lease.Parameter.Value)
			}
			proxy.let()
			code, out, stderr = runBinary(t, dir, env, "apply", "--auto-approve")
			if code != 0 || !strings.Contains(out, " 0 failed") {
				t.Fatalf("the apply after the stop: exit %d\n%s\n%s", code, out, stderr)
			}
			for name, n := range ouCount(t, m) {
				if n != 1 {
					t.Errorf("%d OUs named %s after the stop and the second apply", n, name)
				}
			}
		})
	}
}

// Two applies at once against one organization: while the first holds
// the lease (one of its writes held in flight by a proxy), the second is
// refused before it reads or writes anything, naming this machine and the
// first's process; once the first is done the second runs.
func TestTwoAppliesAtOnce(t *testing.T) {
	m := testenv.Moto(t)
	dir, env := initForMoto(t, m)
	proxy, endpoint := newHoldingProxy(t, m.Endpoint, "CreateOrganizationalUnit")
	first := start(t, dir, withEndpoint(env, endpoint), "apply", "--auto-approve")
	<-proxy.held // the first apply holds the lease and is writing

	host, _ := os.Hostname()
	code, out, stderr := runBinary(t, dir, env, "apply", "--auto-approve", "--stats")
	if code != 1 || !strings.Contains(stderr, "another groundwork apply is running against this organization") ||
		!strings.Contains(stderr, " on "+host+" (pid ") || !strings.Contains(stderr, " 0 writes)") {
		t.Errorf("the second apply: exit %d, want 1, refused before any write\n%s\n%s", code, out, stderr)
	}

	proxy.let()
	if code, stderr := first.wait(t); code != 0 || !strings.Contains(first.stdout.String(), " 0 failed") {
		t.Fatalf("the first apply: exit %d\n%s\n%s", code, first.stdout.String(), stderr)
	}
	code, out, stderr = runBinary(t, dir, env, "apply", "--auto-approve")
	if code != 0 || !strings.Contains(out, "No changes") {
		t.Errorf("the second apply, run again: exit %d\n%s\n%s", code, out, stderr)
	}
	for name, n := range ouCount(t, m) {
		if n != 1 {
			t.Errorf("%d OUs named %s", n, name)
		}
	}
}
