package testenv

import (
	"bufio"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

//go:embed aws_cli.py
var awsCLIScript string

// cliTimeout bounds one AWS CLI command, as it bounded one aws process.
const cliTimeout = 2 * time.Minute

// awsCLI runs AWS CLI commands in one long-lived python process of the
// venv (aws_cli.py) instead of one aws process each: an aws process spends
// about half a second of CPU starting before it sends a request, and the
// e2e suite runs hundreds of commands. Each command still gets a new
// botocore session from the environment it is given. Commands run one at
// a time; a command that times out or a process that dies is replaced by
// a new process on the next command.
type awsCLI struct {
	venv string

	mu     sync.Mutex
	cmd    *exec.Cmd
	in     io.WriteCloser
	out    *bufio.Reader
	stderr *lockedBuffer
}

type cliRequest struct {
	Args []string          `json:"args"`
	Env  map[string]string `json:"env"`
}

type cliAnswer struct {
	Code   int    `json:"code"`
	Stdout string `json:"stdout"`
	Stderr string `json:"stderr"`
}

// run runs `aws args... --output json` with env as its whole environment
// and returns its standard output; a non-zero exit is an error carrying
// its standard error.
func (c *awsCLI) run(args []string, env []string) ([]byte, error) {
	req := cliRequest{Args: append(append([]string{}, args...), "--output", "json"), Env: map[string]string{}}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		req.Env[k] = v
	}
	line, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cmd == nil {
		if err := c.start(); err != nil {
			return nil, err
		}
	}
	type result struct {
		answer cliAnswer
		err    error
	}
	done := make(chan result, 1)
	go func() {
		var r result
		if _, err := c.in.Write(append(line, '\n')); err != nil {
			r.err = err
		} else if b, err := c.out.ReadBytes('\n'); err != nil {
			r.err = err
		} else {
			r.err = json.Unmarshal(b, &r.answer)
		}
		done <- r
	}()
	var r result
	select {
	case r = <-done:
	case <-time.After(cliTimeout):
		r.err = fmt.Errorf("no answer within %s", cliTimeout)
	}
	if r.err != nil {
		stderr := strings.TrimSpace(c.stderr.String())
		c.stop()
		return nil, fmt.Errorf("aws CLI process: %w: %s", r.err, stderr)
	}
	if r.answer.Code != 0 {
		return []byte(r.answer.Stdout), fmt.Errorf("exit status %d: %s", r.answer.Code, strings.TrimSpace(r.answer.Stderr))
	}
	return []byte(r.answer.Stdout), nil
}

func (c *awsCLI) start() error {
	cmd := exec.Command(filepath.Join(c.venv, "bin", "python"), "-c", awsCLIScript)
	stopWithParent(cmd)
	in, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	c.stderr = &lockedBuffer{}
	cmd.Stderr = c.stderr
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start the AWS CLI: %w", err)
	}
	c.cmd, c.in, c.out = cmd, in, bufio.NewReader(out)
	return nil
}

// stop ends the process; the next command starts another.
func (c *awsCLI) stop() {
	if c.cmd == nil {
		return
	}
	c.in.Close()
	c.cmd.Process.Kill()
	c.cmd.Wait() //nolint:errcheck // killed on purpose
	c.cmd = nil
}

// lockedBuffer collects a process's standard error, written by exec's
// copying goroutine and read on failure.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.b.Len() < 1<<16 { // a crash's traceback, not a flood
		l.b.Write(p)
	}
	return len(p), nil
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
