package report

import (
	"os"
	"path/filepath"
	"testing"
)

// installTools is how a developer gets the tools the report tests drive.
const installTools = "bash scripts/tools.sh (or make tools)"

// repoRoot is the directory holding go.mod, found by walking up from the
// package directory go test runs in.
func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's directory")
		}
		dir = parent
	}
}

// requireTool returns path when it exists. Otherwise it fails the test in
// CI, where scripts/tools.sh has run and a missing tool is a broken setup,
// and skips it elsewhere, saying how to install the tool.
func requireTool(t *testing.T, path, what string) string {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s missing at %s in CI: %v (install with %s)", what, path, err, installTools)
		}
		t.Skipf("%s missing at %s; install with %s", what, path, installTools)
	}
	return path
}

// artifactsDir is where tests leave files for people to look at:
// $GROUNDWORK_ARTIFACTS, or .artifacts in the repository (git-ignored).
func artifactsDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("GROUNDWORK_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join(repoRoot(t), ".artifacts")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}
