package cli

import (
	"bytes"
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// hungEndpoint accepts connections and never answers.
func hungEndpoint(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hang := make(chan struct{})
	t.Cleanup(func() { close(hang); l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() { <-hang; c.Close() }()
		}
	}()
	return "http://" + l.Addr().String()
}

// offlineAWS points the SDK at endpoint with test credentials and no
// configuration files.
func offlineAWS(t *testing.T, endpoint string) {
	t.Helper()
	for k, v := range map[string]string{"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "",
		"AWS_PROFILE": "", "AWS_REGION": "us-east-1", "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
		"AWS_EC2_METADATA_DISABLED": "true", "AWS_ENDPOINT_URL": endpoint} {
		t.Setenv(k, v)
	}
}

func starterSpec(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	mustRun(t, dir, ExitOK, "init", "--org-id", "primary", "--domain", "example.com", "--home-region", "us-east-1")
	return dir
}

// An endpoint that accepts the connection and never answers holds a run
// no longer than --timeout, and the error names the call and the
// endpoint it was waiting for.
func TestTimeoutNamesTheHungEndpoint(t *testing.T) {
	dir := starterSpec(t)
	hung := hungEndpoint(t)
	offlineAWS(t, hung)
	for _, verb := range [][]string{{"plan"}, {"audit"}, {"apply", "--auto-approve"}, {"import"}} {
		code, _, errOut := run(t, dir, "", append(verb, "--timeout", "300ms")...)
		want := "error: --timeout 300ms passed while waiting for STS GetCallerIdentity at " + hung + "; groundwork stopped"
		if code != ExitError || !strings.Contains(errOut, want) {
			t.Errorf("%s: exit %d, want %d and %q:\n%s", verb[0], code, ExitError, want, errOut)
		}
	}
	code, _, errOut := run(t, dir, "", "plan", "--timeout", "-1s")
	if code != ExitError || !strings.Contains(errOut, "--timeout -1s") {
		t.Errorf("a negative --timeout: exit %d\n%s", code, errOut)
	}
}

// A signal (here its cancellation, as NotifyContext makes it) stops a
// run waiting on an endpoint with 128 plus the signal's number.
func TestInterruptExitCode(t *testing.T) {
	dir := starterSpec(t)
	hung := hungEndpoint(t)
	offlineAWS(t, hung)
	for sig, want := range map[os.Signal]int{os.Interrupt: 130, syscall.SIGTERM: 143} {
		ctx, cancel := context.WithCancelCause(context.Background())
		var out, errb bytes.Buffer
		done := make(chan int)
		wd, _ := os.Getwd()
		os.Chdir(dir)
		go func() { done <- Main(ctx, []string{"plan"}, IO{In: strings.NewReader(""), Out: &out, Err: &errb}) }()
		cancel(&Interrupted{Signal: sig})
		code := <-done
		os.Chdir(wd)
		if code != want || !strings.Contains(errb.String(), (&Interrupted{Signal: sig}).Error()+" ") {
			t.Errorf("%v: exit %d, want %d\n%s", sig, code, want, errb.String())
		}
	}
}

// A panic in a verb is an internal error with its own exit code and no
// stack trace; the trace is saved to a file named in the message.
func TestPanicIsAnInternalError(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	crashHook = func() { panic("injected") }
	defer func() { crashHook = nil }()
	code, _, errOut := run(t, t.TempDir(), "", "validate")
	if code != ExitInternal || !strings.Contains(errOut, "internal error: injected") || !strings.Contains(errOut, ReportURL) {
		t.Errorf("exit %d, want %d:\n%s", code, ExitInternal, errOut)
	}
	if strings.Contains(errOut, "goroutine ") || strings.Contains(errOut, ".go:") {
		t.Errorf("the user sees a stack trace:\n%s", errOut)
	}
	saved, _ := filepath.Glob(filepath.Join(tmp, "groundwork-crash-*.txt"))
	if len(saved) != 1 || !strings.Contains(errOut, saved[0]) {
		t.Errorf("saved %v; message:\n%s", saved, errOut)
	}
}
