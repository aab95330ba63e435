//go:build unix

package cli

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"strings"
	"syscall"
)

// supervisedEnv marks the child process of Supervise.
const supervisedEnv = "GROUNDWORK_SUPERVISED"

// crashOutputLimit bounds what the parent keeps of a child's crash output:
// a goroutine dump of a large apply is long, and only its start is read.
const crashOutputLimit = 8 << 20

// Supervise runs groundwork again as a child process with the same
// arguments and returns the child's exit code, with true; it returns
// false in the child itself, and when it cannot start one (groundwork
// then runs unsupervised).
//
// Why: a panic in a goroutine other than the verb's own (the reads fan
// out over errgroups, the SDK starts its own) and a fatal runtime error
// (concurrent map writes) end the process before any recover can run,
// with a stack trace on stderr. The child writes its own output to the
// parent's stderr passed as file descriptor 3 (Stderr); only the Go
// runtime writes to the child's descriptor 2, a pipe the parent reads. A
// crash found there becomes "internal error: ..., please report it", the
// trace saved to a file; anything else there is passed on unchanged.
// SIGINT and SIGTERM sent to the parent are passed to the child, which
// stops as the README says and exits 130 or 143; the parent exits with
// the child's code.
func Supervise() (int, bool) {
	if os.Getenv(supervisedEnv) != "" {
		return 0, false
	}
	exe, err := os.Executable()
	if err != nil {
		return 0, false
	}
	r, w, err := os.Pipe()
	if err != nil {
		return 0, false
	}
	// Linux sends the parent-death signal when the thread that started
	// the child ends, not the process: keep this goroutine on one thread
	// for the life of the process.
	runtime.LockOSThread()
	cmd := exec.Command(exe, os.Args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, w
	cmd.ExtraFiles = []*os.File{os.Stderr}
	cmd.Env = append(os.Environ(), supervisedEnv+"=1")
	cmd.SysProcAttr = childAttr()
	sigs := make(chan os.Signal, 8)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM, syscall.SIGQUIT)
	defer signal.Stop(sigs)
	if err := cmd.Start(); err != nil {
		w.Close()
		r.Close()
		return 0, false
	}
	w.Close()
	output := make(chan []byte, 1)
	go func() {
		var b bytes.Buffer
		io.Copy(&b, io.LimitReader(r, crashOutputLimit))
		io.Copy(io.Discard, r)
		output <- b.Bytes()
	}()
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	var werr error
	for done := false; !done; {
		select {
		case s := <-sigs:
			cmd.Process.Signal(s)
		case werr = <-waited:
			done = true
		}
	}
	out := <-output
	r.Close()
	if crashed(out) {
		first := string(out[:bytes.IndexByte(append(out, '\n'), '\n')])
		reportInternal(os.Stderr, strings.TrimPrefix(first, "panic: "), out)
		return ExitInternal, true
	}
	os.Stderr.Write(out)
	var ee *exec.ExitError
	if errors.As(werr, &ee) {
		if st, ok := ee.Sys().(syscall.WaitStatus); ok && st.Signaled() {
			return 128 + int(st.Signal()), true
		}
		return ee.ExitCode(), true
	}
	if werr != nil {
		return ExitError, true
	}
	return 0, true
}

// crashed reports whether a child's descriptor 2 holds the Go runtime's
// account of a crash.
func crashed(out []byte) bool {
	for _, p := range [][]byte{[]byte("panic: "), []byte("fatal error: "), []byte("SIGQUIT: ")} {
		if bytes.HasPrefix(out, p) || bytes.Contains(out, append([]byte("\n"), p...)) {
			return true
		}
	}
	return false
}

// Stderr is where groundwork writes its own standard error: in a child of
// Supervise the parent's stderr, passed as descriptor 3; os.Stderr
// otherwise. In the child it also becomes os.Stderr, so that whatever
// writes there reaches the user.
func Stderr() *os.File {
	if os.Getenv(supervisedEnv) == "" {
		return os.Stderr
	}
	f := os.NewFile(3, "stderr")
	if f == nil {
		return os.Stderr
	}
	if _, err := f.Stat(); err != nil {
		return os.Stderr
	}
	os.Stderr = f
	return f
}
