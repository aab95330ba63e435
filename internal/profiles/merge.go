package profiles

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/groundwork-aws/groundwork/internal/input"
)

// configLimits bound the AWS config file WriteFile reads: a profile takes
// about 150 bytes, so 16 MiB holds some 100,000 of them.
var configLimits = input.Limits{Kind: "an AWS config file", Size: 16 << 20}

// Merge returns existing with block, which Render made for org, in place
// of org's block between its markers, or appended after a blank line when
// existing has none. No other line changes. It refuses a file whose
// markers are broken (one without the other, twice) and a block with a
// profile or sso-session that a section outside the block already names:
// the AWS CLI refuses a config file that names a section twice.
func Merge(path string, existing, block []byte, org string) ([]byte, error) {
	crlf := bytes.Contains(existing, []byte("\r\n"))
	lines := splitLines(existing)
	begin, end := -1, -1
	var problems []string
	for i, l := range lines {
		switch strings.TrimRight(l, " \t\r\n") {
		case BeginMarker(org):
			if begin >= 0 {
				problems = append(problems, fmt.Sprintf("%s:%d: a second %q; remove one of the two blocks", path, i+1, BeginMarker(org)))
			}
			begin = i
		case EndMarker(org):
			if end >= 0 {
				problems = append(problems, fmt.Sprintf("%s:%d: a second %q; remove one of the two blocks", path, i+1, EndMarker(org)))
			}
			end = i
		}
	}
	switch {
	case begin >= 0 && end < 0:
		problems = append(problems, fmt.Sprintf("%s:%d: %q has no %q after it; restore it, or remove the block", path, begin+1, BeginMarker(org), EndMarker(org)))
	case end >= 0 && begin < 0:
		problems = append(problems, fmt.Sprintf("%s:%d: %q has no %q before it; restore it, or remove the block", path, end+1, EndMarker(org), BeginMarker(org)))
	case begin > end:
		problems = append(problems, fmt.Sprintf("%s:%d: %q comes before %q", path, end+1, EndMarker(org), BeginMarker(org)))
	}
	if len(problems) > 0 {
		return nil, errors.New(strings.Join(problems, "\n"))
	}
	ours := map[string]bool{}
	for _, l := range splitLines(block) {
		if s, ok := section(l); ok {
			ours[s] = true
		}
	}
	for i, l := range lines {
		if begin >= 0 && i >= begin && i <= end {
			continue
		}
		if s, ok := section(l); ok && ours[s] {
			problems = append(problems, fmt.Sprintf("%s:%d: [%s] is already in the file outside groundwork's block; "+
				"rename or remove it, or name groundwork's profiles otherwise (--names, --session)", path, i+1, s))
		}
	}
	if len(problems) > 0 {
		return nil, errors.New(strings.Join(problems, "\n"))
	}
	if crlf {
		block = bytes.ReplaceAll(block, []byte("\n"), []byte("\r\n"))
	}
	var out bytes.Buffer
	if begin >= 0 {
		for _, l := range lines[:begin] {
			out.WriteString(l)
		}
		out.Write(block)
		for _, l := range lines[end+1:] {
			out.WriteString(l)
		}
		return out.Bytes(), nil
	}
	out.Write(existing)
	nl := "\n"
	if crlf {
		nl = "\r\n"
	}
	if len(existing) > 0 {
		if !bytes.HasSuffix(existing, []byte("\n")) {
			out.WriteString(nl)
		}
		out.WriteString(nl)
	}
	out.Write(block)
	return out.Bytes(), nil
}

// splitLines splits src after each "\n", keeping it.
func splitLines(src []byte) []string {
	var out []string
	for len(src) > 0 {
		i := bytes.IndexByte(src, '\n')
		if i < 0 {
			out = append(out, string(src))
			break
		}
		out = append(out, string(src[:i+1]))
		src = src[i+1:]
	}
	return out
}

// section returns the section a header line opens, as the AWS CLI names
// it: "profile NAME" for [profile NAME] (any white space between),
// "profile default" for [default], "sso-session NAME", or the header's
// text for another section.
func section(line string) (string, bool) {
	l := strings.TrimSpace(line)
	if !strings.HasPrefix(l, "[") || !strings.HasSuffix(l, "]") {
		return "", false
	}
	fields := strings.Fields(l[1 : len(l)-1])
	switch {
	case len(fields) == 1 && fields[0] == "default":
		return "profile default", true
	case len(fields) == 2:
		return fields[0] + " " + fields[1], true
	}
	return strings.Join(fields, " "), true
}

// Written says what WriteFile did.
type Written struct {
	// Path is the file written: the config file, or the file its symbolic
	// link points to.
	Path string
	// Changed is false when the file already held the block: nothing was
	// written.
	Changed bool
	// Backup is the copy of the file as it was before, "" when there was
	// no file or nothing changed.
	Backup string
}

// BackupSuffix is added to the config file's name for the copy WriteFile
// keeps of it before a change: the file as it was before the last run
// that changed it.
const BackupSuffix = ".groundwork.bak"

// WriteFile merges block (Render's, for org) into the AWS config file at
// path (see Merge). It writes only when the file changes: first a copy of
// the file as it was (path + BackupSuffix), then the new file, through a
// temporary file renamed over it, so that a crash leaves the old file or
// the new one, never half of one. A symbolic link (a config file kept
// with one's dotfiles) is followed and kept. A new file is made readable
// by its owner only, as the AWS CLI makes it; an existing one keeps its
// mode.
func WriteFile(path string, block []byte, org string) (Written, error) {
	if real, err := filepath.EvalSymlinks(path); err == nil {
		path = real
	}
	w := Written{Path: path}
	existing, err := input.ReadFile(path, configLimits)
	mode := fs.FileMode(0o600)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return w, fmt.Errorf("read the AWS config: %w", err)
	default:
		if st, err := os.Stat(path); err == nil {
			mode = st.Mode().Perm()
		}
	}
	merged, err := Merge(path, existing, block, org)
	if err != nil {
		return w, err
	}
	if existing != nil && bytes.Equal(merged, existing) {
		return w, nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return w, fmt.Errorf("write the AWS config: %w", err)
	}
	if existing != nil {
		w.Backup = path + BackupSuffix
		if err := writeAtomic(w.Backup, existing, mode); err != nil {
			return w, fmt.Errorf("back up the AWS config: %w", err)
		}
	}
	if err := writeAtomic(path, merged, mode); err != nil {
		return w, fmt.Errorf("write the AWS config: %w", err)
	}
	w.Changed = true
	return w, nil
}

// writeAtomic writes data to path through a temporary file in the same
// directory, synced, then renamed over path.
func writeAtomic(path string, data []byte, mode fs.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
