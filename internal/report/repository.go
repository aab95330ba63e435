package report

import (
	"os"
	"path/filepath"
)

// RepositoryRoot returns the root of the git repository that holds the
// file at path, absolute, or "" when it is in none: the nearest directory
// above it with a .git entry (a directory, or the file a worktree or
// submodule has). SARIF names the spec relative to that root, as code
// scanning resolves locations against the repository (Meta.SpecRoot).
func RepositoryRoot(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		return ""
	}
	for dir := filepath.Dir(abs); ; {
		if _, err := os.Lstat(filepath.Join(dir, ".git")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}
