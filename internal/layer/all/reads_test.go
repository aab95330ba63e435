package all_test

import (
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/audit"
	"github.com/groundwork-aws/groundwork/internal/layer"
)

// funcPackage is the import path of the package that defines f.
func funcPackage(f any) string {
	name := runtime.FuncForPC(reflect.ValueOf(f).Pointer()).Name() // ".../internal/layer/hardening.checkRoot"
	slash := strings.LastIndex(name, "/")
	dot := strings.Index(name[slash+1:], ".")
	return name[:slash+1+dot]
}

// Every check of a layer names what it reads, its own layer first among
// them, and names only layers that exist: without that, a layer the audit
// could not read would leave its checks passing instead of not evaluated.
func TestChecksNameTheLayersTheyRead(t *testing.T) {
	layerOf := map[string]string{} // package path -> layer name
	var names []string
	for _, l := range layer.All() {
		names = append(names, l.Name)
		if l.Forget != nil {
			layerOf[funcPackage(l.Forget)] = l.Name
		}
	}
	auditPkg := funcPackage(audit.Run)
	for _, c := range audit.Checks() {
		pkg := funcPackage(c.Run)
		for _, r := range c.Reads {
			name, _, _ := strings.Cut(r, "/")
			if !slices.Contains(names, name) && r != audit.ReadPlan {
				t.Errorf("%s reads %q, which names no layer (%v) and is not %q", c.ID, r, names, audit.ReadPlan)
			}
		}
		if pkg == auditPkg {
			continue // the core checks read the organization, which every audit reads
		}
		own, ok := layerOf[pkg]
		if !ok {
			t.Errorf("%s is defined in %s, which is no layer's package", c.ID, pkg)
			continue
		}
		if !slices.ContainsFunc(c.Reads, func(r string) bool { return r == own || strings.HasPrefix(r, own+"/") }) {
			t.Errorf("%s of the %s layer reads %v, not its own layer", c.ID, own, c.Reads)
		}
	}
}
