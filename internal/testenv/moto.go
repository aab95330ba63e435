package testenv

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// Region is the Region tests and the CLI use by default.
const Region = "us-east-1"

//go:embed moto_server.py
var motoServer string

// Server is a running moto server on loopback.
type Server struct {
	Endpoint string // http://127.0.0.1:PORT
	venv     string
	cli      *awsCLI
	proc     *exec.Cmd

	mu    sync.Mutex
	roles map[string]roleCredentials // by account ID, until the next reset

	// analyzers stands in for IAM Access Analyzer, which moto lacks
	// (accessanalyzer.go).
	analyzers *analyzerFake
}

var (
	once      sync.Once
	shared    *Server
	sharedErr error
)

// Moto returns the test binary's moto server, started on first use, after
// resetting it so the test starts from an empty AWS. Tests that use it must
// not run in parallel with each other.
func Moto(t testing.TB) *Server {
	t.Helper()
	once.Do(func() { shared, sharedErr = start() })
	if sharedErr != nil {
		unavailable(t, sharedErr)
	}
	shared.Reset(t)
	return shared
}

// unavailable ends a test whose moto server could not start: a failure
// under `make test` (which installs the server and sets
// GROUNDWORK_REQUIRE_MOTO) and in CI (CI=true), where a missing server
// must never pass for a skipped test; a skip for a plain `go test` on a
// machine without the venv.
func unavailable(t testing.TB, err error) {
	t.Helper()
	if os.Getenv("CI") == "true" || os.Getenv("GROUNDWORK_REQUIRE_MOTO") != "" {
		t.Fatalf("moto server: %v", err)
	}
	t.Skipf("moto server unavailable (run scripts/venv.sh or make test): %v", err)
}

// MotoWith starts a moto server of the test's own, with env (KEY=VALUE)
// added to the server's environment, and stops it when the test ends.
// It is for servers the shared one cannot be: one started with
// INITIAL_NO_AUTH_ACTION_COUNT=N answers its first N requests without
// credentials and then enforces IAM on every request, signature and
// policies, as AWS does. Skipped or failed without the venv as Moto is.
func MotoWith(t testing.TB, env ...string) *Server {
	t.Helper()
	s, err := start(env...)
	if err != nil {
		unavailable(t, err)
	}
	t.Cleanup(func() {
		s.proc.Process.Kill() //nolint:errcheck // the server may be gone already
	})
	return s
}

// RepoRoot finds the module root by walking up to go.mod.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("go.mod not found above the working directory")
		}
		dir = parent
	}
}

func start(env ...string) (*Server, error) {
	root, err := RepoRoot()
	if err != nil {
		return nil, err
	}
	venv := filepath.Join(root, ".venv")
	bin := filepath.Join(venv, "bin", "moto_server")
	if _, err := os.Stat(bin); err != nil {
		return nil, fmt.Errorf("%s not found: %w", bin, err)
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	// The venv's python runs moto's server through motoServer, which takes
	// out costs moto pays for nothing (see moto_server.py).
	cmd := exec.Command(filepath.Join(venv, "bin", "python"), "-c", motoServer, "-H", "127.0.0.1", "-p", fmt.Sprint(port))
	// The server lives as long as the test binary and is killed with it
	// (see stopWithParent), so no server outlives a test run.
	stopWithParent(cmd)
	// AWS's managed policies (AWS_ConfigRole, AWSConfigRoleForOrganizations)
	// exist in every real account; moto loads them only when asked.
	// amis.json is moto's own default list of AMIs: naming it leaves out
	// the ~1,250 latest and ECS-optimized AMIs per Region that moto would
	// otherwise copy, each with a volume and a snapshot, into every account
	// and Region it touches, a third of its time in the e2e suite; no test
	// needs more than one Amazon AMI.
	cmd.Env = append(os.Environ(), "MOTO_ALLOW_NONEXISTENT_REGION=false", "MOTO_IAM_LOAD_MANAGED_POLICIES=true",
		"MOTO_AMIS_PATH="+filepath.Join(root, "internal", "testenv", "amis.json"))
	cmd.Env = append(cmd.Env, env...)
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start moto_server: %w", err)
	}
	go cmd.Wait() //nolint:errcheck // exit status is irrelevant; readiness is checked below
	s := &Server{Endpoint: fmt.Sprintf("http://127.0.0.1:%d", port), venv: venv, cli: &awsCLI{venv: venv}, proc: cmd,
		roles: map[string]roleCredentials{}}
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get(s.Endpoint + "/moto-api/")
		if err == nil {
			resp.Body.Close()
			s.analyzers = startAnalyzerFake(s.Endpoint)
			return s, nil
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			return nil, fmt.Errorf("moto_server did not answer on %s within 60s: %w", s.Endpoint, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// Reset empties every service of the server.
func (s *Server) Reset(t testing.TB) {
	t.Helper()
	resp, err := http.Post(s.Endpoint+"/moto-api/reset", "application/json", nil)
	if err != nil {
		t.Fatalf("reset moto: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("reset moto: HTTP %d", resp.StatusCode)
	}
	s.mu.Lock()
	clear(s.roles)
	s.mu.Unlock()
	s.analyzers.reset()
}

// Env is the environment that points AWS SDKs and the CLI at the server
// with test credentials. It drops any AWS_* variable of the caller so that
// tests never reach a real account.
func (s *Server) Env() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") {
			env = append(env, kv)
		}
	}
	return append(env,
		"AWS_ENDPOINT_URL="+s.Endpoint,
		"AWS_ENDPOINT_URL_ACCESSANALYZER="+s.analyzers.srv.URL,
		"AWS_ACCESS_KEY_ID=testing",
		"AWS_SECRET_ACCESS_KEY=testing",
		"AWS_REGION="+Region,
		"AWS_DEFAULT_REGION="+Region,
		"AWS_CONFIG_FILE=/dev/null",
		"AWS_SHARED_CREDENTIALS_FILE=/dev/null",
		"AWS_EC2_METADATA_DISABLED=true",
	)
}

// Setenv points this process's AWS SDK at the server for the duration of
// the test.
func (s *Server) Setenv(t testing.TB) {
	t.Helper()
	for _, kv := range s.Env() {
		k, v, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "AWS_") {
			t.Setenv(k, v)
		}
	}
}

// AWS runs the AWS CLI from the venv against the server and returns its
// standard output; a failing command fails the test.
func (s *Server) AWS(t testing.TB, args ...string) []byte {
	t.Helper()
	out, err := s.TryAWS(args...)
	if err != nil {
		t.Fatalf("aws %s: %v", strings.Join(args, " "), err)
	}
	return out
}

// TryAWS is AWS returning the error instead of failing the test.
func (s *Server) TryAWS(args ...string) ([]byte, error) {
	return s.cli.run(args, s.Env())
}

// AWSAs runs the AWS CLI as the access role of a member account, the way
// an operator would check a member: sts assume-role, then the command with
// the temporary credentials. The credentials are kept for the account's
// later commands until the server is reset.
func (s *Server) AWSAs(t testing.TB, accountID string, args ...string) []byte {
	t.Helper()
	creds := s.assumeRole(t, accountID)
	env := []string{}
	for _, kv := range s.Env() {
		if !strings.HasPrefix(kv, "AWS_ACCESS_KEY_ID=") && !strings.HasPrefix(kv, "AWS_SECRET_ACCESS_KEY=") {
			env = append(env, kv)
		}
	}
	env = append(env, "AWS_ACCESS_KEY_ID="+creds.AccessKeyId,
		"AWS_SECRET_ACCESS_KEY="+creds.SecretAccessKey, "AWS_SESSION_TOKEN="+creds.SessionToken)
	res, err := s.cli.run(args, env)
	if err != nil {
		t.Fatalf("aws %s (as %s): %v", strings.Join(args, " "), accountID, err)
	}
	return res
}

// roleCredentials are the temporary credentials of sts assume-role.
type roleCredentials struct{ AccessKeyId, SecretAccessKey, SessionToken string }

// assumeRole returns the credentials of the account's access role,
// asking STS through the AWS CLI the first time after a reset.
func (s *Server) assumeRole(t testing.TB, accountID string) roleCredentials {
	t.Helper()
	s.mu.Lock()
	creds, ok := s.roles[accountID]
	s.mu.Unlock()
	if ok {
		return creds
	}
	out := s.AWS(t, "sts", "assume-role", "--role-arn", "arn:aws:iam::"+accountID+":role/OrganizationAccountAccessRole",
		"--role-session-name", "groundwork-test")
	var res struct{ Credentials roleCredentials }
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("assume-role: %v", err)
	}
	s.mu.Lock()
	s.roles[accountID] = res.Credentials
	s.mu.Unlock()
	return res.Credentials
}
