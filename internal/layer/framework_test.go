package layer

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/estate"
)

// The framework names no layer: no package outside internal/layer/<name>
// and estate (which keeps one typed field per layer, the table of
// contents) imports a layer package, reads a layer's field of the estate
// or uses a layer's estate type. A layer added to Estate is held to it
// without a change here.
func TestFrameworkNamesNoLayer(t *testing.T) {
	fields, types := layerNames()
	root := filepath.Join("..", "..")
	var framework []string
	for _, top := range []string{"cmd", "internal"} {
		err := filepath.WalkDir(filepath.Join(root, top), func(path string, d os.DirEntry, err error) error {
			if err != nil || !d.IsDir() {
				return err
			}
			rel, _ := filepath.Rel(root, path)
			rel = filepath.ToSlash(rel)
			if rel == "internal/estate" || strings.HasPrefix(rel, "internal/layer/") || rel == "internal/layer" || strings.Contains(rel, "testdata") {
				if rel == "internal/layer" {
					framework = append(framework, rel)
				}
				return nil
			}
			framework = append(framework, rel)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	fset := token.NewFileSet()
	for _, dir := range framework {
		files, _ := filepath.Glob(filepath.Join(root, dir, "*.go"))
		for _, file := range files {
			if strings.HasSuffix(file, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(fset, file, nil, parser.SkipObjectResolution)
			if err != nil {
				t.Fatal(err)
			}
			for _, imp := range f.Imports {
				p := strings.Trim(imp.Path.Value, `"`)
				if rest, ok := strings.CutPrefix(p, "github.com/groundwork-aws/groundwork/internal/layer/"); ok && rest != "all" {
					t.Errorf("%s imports the layer package %s", fset.Position(imp.Pos()), p)
				}
			}
			ast.Inspect(f, func(n ast.Node) bool {
				sel, ok := n.(*ast.SelectorExpr)
				if !ok {
					return true
				}
				if x, ok := sel.X.(*ast.Ident); ok && x.Name == "estate" && slices.Contains(types, sel.Sel.Name) {
					t.Errorf("%s uses the layer type estate.%s", fset.Position(sel.Pos()), sel.Sel.Name)
				} else if slices.Contains(fields, sel.Sel.Name) {
					t.Errorf("%s reads the layer field .%s", fset.Position(sel.Pos()), sel.Sel.Name)
				}
				return true
			})
		}
	}
}

// layerNames returns the estate's layer fields (pointers to structs) and
// the names of their types.
func layerNames() (fields, types []string) {
	v := reflect.TypeFor[estate.Estate]()
	for i := range v.NumField() {
		f := v.Field(i)
		if f.Type.Kind() == reflect.Pointer && f.Name != "Organization" {
			fields = append(fields, f.Name)
			types = append(types, f.Type.Elem().Name())
		}
	}
	return fields, types
}
