package spec_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/spec"
	"github.com/groundwork-aws/groundwork/internal/spec/spectest"
)

// Input past the limits of input.Spec is refused before the YAML parser
// sees it, at the place it passes them.
func TestInputLimits(t *testing.T) {
	for name, tc := range map[string]struct {
		src  string
		want string
	}{
		"deep flow":      {"a: " + strings.Repeat("[", 100_000), "foundation.yaml:1:67: nesting deeper than 64 levels, the most groundwork reads for a spec"},
		"deep block":     {deepBlock(100), "foundation.yaml:65:65: nesting deeper than 64 levels, the most groundwork reads for a spec"},
		"NUL byte":       {spectest.Minimal + "accounts: {a\x00: {}}\n", "foundation.yaml:4:13: the file has a NUL byte: it is binary, not a spec"},
		"invalid UTF-8":  {spectest.Minimal + "# caf\xe9\n", "foundation.yaml:4:6: the file is not UTF-8 (byte 0xe9); save it as UTF-8"},
		"too large":      {spectest.Minimal + "# " + strings.Repeat("x", 2<<20) + "\n", "foundation.yaml:4:" + itoa(2<<20-len(spectest.Minimal)+1) + ": the file is larger than 2 MiB (2097152 bytes), the most groundwork reads for a spec"},
		"BOM then error": {"\xEF\xBB\xBF" + spectest.Minimal + "accounts: {a: {unit: Nowhere}}\n", `foundation.yaml:4:22: accounts.a.unit: OU "Nowhere" is not declared under units`},
	} {
		t.Run(name, func(t *testing.T) {
			ds := spectest.ParseError(t, tc.src)
			if ds.Error() != tc.want {
				t.Errorf("got  %s\nwant %s", ds.Error(), tc.want)
			}
		})
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func deepBlock(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteString(strings.Repeat(" ", i) + "k:\n")
	}
	return b.String()
}

// A UTF-8 byte-order mark, which some editors write, is accepted.
func TestByteOrderMarkAccepted(t *testing.T) {
	f := spectest.MustParse(t, "\xEF\xBB\xBF"+spectest.Minimal)
	if f.Organization.ID != "primary" {
		t.Errorf("organization.id = %q after a byte-order mark", f.Organization.ID)
	}
}

// Load stops reading a file past the size limit.
func TestLoadRefusesAGiantFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "foundation.yaml")
	big := []byte(spectest.Minimal + strings.Repeat("#"+strings.Repeat("x", 1023)+"\n", 5<<10))
	if err := os.WriteFile(path, big, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := spec.Load(path)
	// The first byte past 2 MiB, on lines of 1,025 bytes.
	past := 2<<20 - len(spectest.Minimal)
	want := path + ":" + itoa(4+past/1025) + ":" + itoa(past%1025+1) + ": the file is larger than 2 MiB (2097152 bytes), the most groundwork reads for a spec"
	if err == nil || err.Error() != want {
		t.Errorf("Load = %v\nwant %s", err, want)
	}
}

// A file whose aliases expand past the node limit gets that one message,
// not one per problem in the part that was decoded.
func TestAliasExpansionIsTheOneMessage(t *testing.T) {
	var b strings.Builder
	b.WriteString("version: 1\norganization: {id: primary, email_domain: example.com, home_region: us-east-1}\nunits:\n")
	b.WriteString("  L0: &u0 {units: {a: {}, b: {}, c: {}, d: {}, e: {}, f: {}, g: {}, h: {}, i: {}, j: {}}}\n")
	for i := 1; i <= 6; i++ {
		refs := make([]string, 10)
		for j := range refs {
			refs[j] = fmt.Sprintf("%c: *u%d", 'a'+j, i-1)
		}
		fmt.Fprintf(&b, "  L%d: &u%d {units: {%s}}\n", i, i, strings.Join(refs, ", "))
	}
	ds := spectest.ParseError(t, b.String())
	if len(ds) != 1 || !strings.Contains(ds[0].Message, "the file expands to more than 200000 values; check its aliases") {
		t.Errorf("got %d diagnostics, want the expansion alone:\n%.2000s", len(ds), ds.Error())
	}
}

// A file past the node limit without aliases is told so, without a hint
// at aliases it does not have.
func TestTooManyValuesWithoutAliases(t *testing.T) {
	var b strings.Builder
	b.WriteString("version: 1\ntagging:\n  required: [")
	for i := 0; i < 200_001; i++ {
		fmt.Fprintf(&b, "k%d,", i)
	}
	b.WriteString("x]\n")
	ds := spectest.ParseError(t, b.String())
	if len(ds) != 1 || !strings.HasSuffix(ds[0].Message, "the file holds more than 200000 values, the most groundwork reads for a spec") {
		t.Errorf("got %d diagnostics, want the value count alone:\n%.2000s", len(ds), ds.Error())
	}
}
