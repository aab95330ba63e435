// Package toy_test registers a layer from a test, with none of the
// framework's files knowing of it, and drives it through every verb: what
// adding a layer to groundwork takes is one package that registers itself.
//
// The toy layer manages "beacons", names kept in an in-memory service that
// stands in for AWS. Its state lives in estate.Extra, as that of any layer
// the Estate has no field for.
package toy_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/audit"
	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/cli"
	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/importer"
	"github.com/groundwork-aws/groundwork/internal/inventory"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/layer"
	"github.com/groundwork-aws/groundwork/internal/plan"
	"github.com/groundwork-aws/groundwork/internal/spec"
	"github.com/groundwork-aws/groundwork/internal/testenv"
)

const (
	key      = "beacons" // the layer, its section and its state in estate.Extra
	kindName = "beacon"
	checkID  = "GW-TOY-001"
)

// service is the toy's AWS: a set of beacon names. writes counts the
// calls that change it.
type service struct {
	mu     sync.Mutex
	names  map[string]bool
	writes int
}

var svc = &service{names: map[string]bool{}}

func (s *service) list() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	// Never nil: an empty service is read, and holds no beacon.
	return append([]string{}, slices.Sorted(maps.Keys(s.names))...)
}

func (s *service) set(name string, on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.writes++
	if on {
		s.names[name] = true
	} else {
		delete(s.names, name)
	}
}

func (s *service) reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.names, s.writes = map[string]bool{}, 0
}

// beaconAPI is what the kind calls; real clients would come from the
// session.
type beaconAPI interface{ set(name string, on bool) }

// section is the toy's part of foundation.yaml.
type section struct {
	Names []string `yaml:"names"`
}

func (s *section) Defaults(*spec.Foundation, func(string) bool) {}

func (s *section) Validate(_ *spec.Foundation, v *spec.Validator) {
	for i, n := range s.Names {
		if strings.ContainsAny(n, " /") {
			v.At(fmt.Sprintf("%s.names[%d]", key, i), "a beacon name has no spaces or slashes: %q", n)
		}
	}
}

// Desired asks for the beacons the section names; a spec without the
// section leaves the layer alone.
func (s *section) Desired(_ *spec.Foundation, e *estate.Estate) {
	if s.Names != nil {
		e.Extra = with(e.Extra, slices.Sorted(slices.Values(s.Names)))
	}
}

// with returns extra with the toy's state set to names, leaving extra
// itself alone (see estate.Extra).
func with(extra map[string]any, names []string) map[string]any {
	out := maps.Clone(extra)
	if out == nil {
		out = map[string]any{}
	}
	if names == nil {
		delete(out, key)
	} else {
		out[key] = names
	}
	return out
}

func beacons(e *estate.Estate) ([]string, bool) {
	v, ok := e.Extra[key].([]string)
	return v, ok
}

func diff(desired, actual *estate.Estate) ([]plan.Change, []string) {
	want, ok := beacons(desired)
	if !ok {
		return nil, nil
	}
	have, _ := beacons(actual)
	var out []plan.Change
	for _, n := range want {
		if !slices.Contains(have, n) {
			out = append(out, plan.SetValue(plan.Change{Address: kinds.Address(kindName, n), Kind: kindName, Action: plan.Create,
				After: plan.Attrs{"name": n}}, n))
		}
	}
	for _, n := range have {
		if !slices.Contains(want, n) {
			out = append(out, plan.SetValue(plan.Change{Address: kinds.Address(kindName, n), Kind: kindName, Action: plan.Delete,
				Before: plan.Attrs{"name": n}, Reason: "not in the spec", NeedsAllowDelete: true,
				Basis: plan.BasisMarked}, n)) // the toy service holds only beacons the toy made
		}
	}
	return out, nil
}

func apply(_ context.Context, env *kinds.Env, ch plan.Change) error {
	name, err := plan.ValueOf[string](ch)
	if err != nil {
		return err
	}
	api, err := kinds.ClientsOf(env, key, func(*awsx.Session) beaconAPI { return svc })
	if err != nil {
		return err
	}
	api.set(name, ch.Action != plan.Delete)
	return nil
}

func read(_ context.Context, _ inventory.Reader, _, actual *estate.Estate) error {
	actual.Extra = with(actual.Extra, svc.list())
	return nil
}

func init() {
	spec.RegisterSection(spec.SectionType{Key: key, New: func() spec.Section { return &section{} }, Order: 900})
	kinds.Register(kinds.Registration{Name: kindName, Diff: diff, Apply: apply})
	audit.Register(audit.Check{
		ID: checkID, Title: "At least one beacon", Severity: audit.Low, Guidance: "000 Beacons",
		Rationale: "A foundation without a beacon is lost.", Remediation: "list beacons under beacons.names in foundation.yaml",
		Run: func(e *estate.Estate) []audit.Finding {
			if names, ok := beacons(e); ok && len(names) == 0 {
				return []audit.Finding{{Resource: "beacons", Message: "no beacon is lit"}}
			}
			return nil
		},
	})
	layer.Register(layer.Layer{
		Name: key, Order: 1000,
		Wanted: func(desired *estate.Estate) bool { _, ok := beacons(desired); return ok },
		Read:   read,
		// The audit judges the beacons whatever the spec says.
		Survey: func(ctx context.Context, r inventory.Reader, _ estate.Scope, d, a *estate.Estate) error {
			return read(ctx, r, d, a)
		},
		Forget: func(e *estate.Estate) { e.Extra = with(e.Extra, nil) },
	})
	importer.RegisterSection(importer.SectionType{Key: key, Order: 900,
		Read: func(_ context.Context, _ inventory.Reader, im *importer.Import) error {
			a := im.Actual()
			a.Extra = with(a.Extra, svc.list())
			return nil
		},
		Write: func(im *importer.Import) (any, string, error) {
			names, _ := beacons(im.Actual())
			if len(names) == 0 {
				return nil, "beacons: none is lit.", nil
			}
			return &section{Names: names}, "", nil
		},
	})
}

// groundwork runs the CLI in dir and returns its standard output and
// error together.
func groundwork(t *testing.T, dir string, want int, args ...string) string {
	t.Helper()
	out, errOut := run(t, dir, want, args...)
	return out + errOut
}

func run(t *testing.T, dir string, want int, args ...string) (string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	wd, _ := os.Getwd()
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	defer os.Chdir(wd)
	if code := cli.Main(context.Background(), args, cli.IO{In: strings.NewReader(""), Out: &out, Err: &errb}); code != want {
		t.Fatalf("groundwork %s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), code, want, out.String(), errb.String())
	}
	return out.String(), errb.String()
}

const foundation = `version: 1
organization: {id: primary, email_domain: example.com, home_region: us-east-1, regions: [us-east-1]}
units: {Security: {}}
accounts: {}
beacons:
  names: [alpha, beta]
`

func TestToyLayerFlowsThroughEveryVerb(t *testing.T) {
	m := testenv.Moto(t)
	m.Setenv(t)
	svc.reset()
	dir := t.TempDir()
	write := func(src string) {
		if err := os.WriteFile(filepath.Join(dir, "foundation.yaml"), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	// validate: the section decodes with positions and did-you-mean.
	write(strings.Replace(foundation, "  names:", "  name:", 1))
	out := groundwork(t, dir, cli.ExitError, "validate")
	if !strings.Contains(out, "foundation.yaml:6:3") || !strings.Contains(out, `did you mean "names"`) {
		t.Errorf("validate of a misspelt toy key:\n%s", out)
	}
	write(foundation)
	groundwork(t, dir, cli.ExitOK, "validate")

	// plan and apply: the toy's kind creates both beacons; a second plan
	// has nothing to do and a second apply writes nothing.
	out = groundwork(t, dir, cli.ExitChanges, "plan", "--detailed-exitcode")
	for _, want := range []string{"+ beacon alpha", "+ beacon beta"} {
		if !strings.Contains(out, want) {
			t.Errorf("plan lacks %q:\n%s", want, out)
		}
	}
	groundwork(t, dir, cli.ExitOK, "apply", "--auto-approve")
	if got := svc.list(); !slices.Equal(got, []string{"alpha", "beta"}) {
		t.Fatalf("after apply the service holds %v", got)
	}
	writes := svc.writes
	groundwork(t, dir, cli.ExitOK, "plan", "--detailed-exitcode")
	groundwork(t, dir, cli.ExitOK, "apply", "--auto-approve")
	if svc.writes != writes {
		t.Errorf("a second apply made %d writes", svc.writes-writes)
	}

	// A beacon dropped from the spec is deleted only with --allow-delete,
	// from a saved plan.
	write(strings.Replace(foundation, "[alpha, beta]", "[alpha]", 1))
	groundwork(t, dir, cli.ExitOK, "plan", "--out", "plan.json")
	groundwork(t, dir, cli.ExitOK, "apply", "--auto-approve", "plan.json")
	if got := svc.list(); !slices.Equal(got, []string{"alpha", "beta"}) {
		t.Fatalf("without --allow-delete the service holds %v", got)
	}
	groundwork(t, dir, cli.ExitOK, "apply", "--auto-approve", "--allow-delete", "plan.json")
	if got := svc.list(); !slices.Equal(got, []string{"alpha"}) {
		t.Fatalf("with --allow-delete the service holds %v", got)
	}

	// audit: the toy's check is in the catalogue and judges what it read.
	out = groundwork(t, dir, cli.ExitOK, "audit", "--list-checks")
	if !strings.Contains(out, checkID) {
		t.Errorf("the catalogue lacks %s", checkID)
	}
	svc.reset()
	if got := auditFindings(t, dir); !slices.Contains(got, checkID) {
		t.Errorf("audit with no beacon lit: findings %v, want %s", got, checkID)
	}
	svc.set("alpha", true)
	if got := auditFindings(t, dir); slices.Contains(got, checkID) {
		t.Errorf("audit with a beacon lit still reports %s", checkID)
	}

	// import: the toy writes its own section, and the imported spec plans
	// no change to it.
	imported := t.TempDir()
	groundwork(t, imported, cli.ExitOK, "import", "--org-id", "primary", "--domain", "example.com", "--out", "foundation.yaml")
	src, err := os.ReadFile(filepath.Join(imported, "foundation.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(src), "\nbeacons:\n  names: [alpha]\n") {
		t.Errorf("the imported spec lacks the beacons:\n%s", src)
	}
	out, _ = run(t, imported, cli.ExitOK, "plan", "-o", "json")
	var p plan.Plan
	if err := json.Unmarshal([]byte(out), &p); err != nil {
		t.Fatalf("plan -o json: %v\n%s", err, out)
	}
	for _, ch := range p.Changes {
		if ch.Kind == kindName && ch.Action != plan.NoOp {
			t.Errorf("the imported spec plans %s %s", ch.Action, ch.Address)
		}
	}
}

// auditFindings returns the check IDs of an audit's findings.
func auditFindings(t *testing.T, dir string) []string {
	t.Helper()
	// moto has no Cost and Usage Report API, which the billing layer's
	// survey reads: --allow-partial lets the findings decide the exit.
	out := groundwork(t, dir, cli.ExitOK, "audit", "--no-drift", "--fail-on", "critical", "--allow-partial", "--format", "json", "--output", "audit.json")
	b, err := os.ReadFile(filepath.Join(dir, "audit.json"))
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	var rep struct {
		Findings []struct {
			CheckID string `json:"check_id"`
		} `json:"findings"`
	}
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, f := range rep.Findings {
		ids = append(ids, f.CheckID)
	}
	return ids
}
