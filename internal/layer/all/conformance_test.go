package all_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/kinds/kindstest"
	_ "github.com/groundwork-aws/groundwork/internal/layer/all"
)

// module is the import path of the repository root, three folders up.
const module = "github.com/groundwork-aws/groundwork/"

// Every registered kind passes the kinds conformance suite: the package
// that registers it has a conformance_test.go calling kindstest.RunPackage
// for itself, and RunPackage fails when one of the package's kinds has no
// case. A new layer with kinds and no conformance test fails here.
func TestEveryKindHasAConformanceTest(t *testing.T) {
	byPkg := map[string][]string{}
	for _, r := range kinds.All() {
		pkg := kindstest.PackageOf(r)
		byPkg[pkg] = append(byPkg[pkg], r.Name)
	}
	if len(byPkg) == 0 {
		t.Fatal("no kind is registered")
	}
	for pkg, names := range byPkg {
		rel, ok := strings.CutPrefix(pkg, module)
		if !ok {
			t.Errorf("kinds %v are registered outside the module, by %s", names, pkg)
			continue
		}
		file := filepath.Join("..", "..", "..", filepath.FromSlash(rel), "conformance_test.go")
		if !runsPackage(t, file, pkg) {
			t.Errorf("kinds %v of %s: %s does not call kindstest.RunPackage(t, %q, ...)", names, pkg, file, pkg)
		}
	}
}

// runsPackage reports whether the Go file calls kindstest.RunPackage
// with pkg as its package argument.
func runsPackage(t *testing.T, file, pkg string) bool {
	f, err := parser.ParseFile(token.NewFileSet(), file, nil, 0)
	if err != nil {
		t.Logf("read %s: %v", file, err)
		return false
	}
	found := false
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || len(call.Args) < 2 {
			return true
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok || sel.Sel.Name != "RunPackage" {
			return true
		}
		if x, ok := sel.X.(*ast.Ident); !ok || x.Name != "kindstest" {
			return true
		}
		if lit, ok := call.Args[1].(*ast.BasicLit); ok && lit.Kind == token.STRING {
			if s, err := strconv.Unquote(lit.Value); err == nil && s == pkg {
				found = true
			}
		}
		return true
	})
	return found
}
