package cli

// End-to-end tests of apply under faults: groundwork talks to moto through
// the fault proxy (internal/testenv), which throttles, fails, resets and
// drops responses; every run must end in the estate a fault-free apply
// makes, compared estate to estate through groundwork's own reader, and
// the AWS CLI, talking to moto directly, must count no duplicate.
//
// The short versions (one seed each) run in every go test; the long ones
// (many seeds) run with GROUNDWORK_RELIABILITY=1, which `make reliability`
// sets (docs/reliability.md).

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/layer"
	"github.com/groundwork-aws/groundwork/internal/spec"
	"github.com/groundwork-aws/groundwork/internal/testenv"
)

// faultSpec is a small foundation with one of everything the duplicate
// counts look at: three accounts in two OUs, an SCP, the logging layer
// (an organization trail, KMS keys and their aliases, an IAM role,
// buckets, Config) and the monitoring layer (a topic with a subscription,
// metric filters, alarms).
const faultSpec = `version: 1
organization:
  id: primary
  email_domain: example.com
  home_region: us-east-1
  regions: [us-east-1]
units:
  Security: {}
  Workloads: { units: { Prod: {} } }
accounts:
  log-archive: { unit: Security, role: log-archive }
  security-tooling: { unit: Security, role: security-tooling }
  payments-prod: { unit: Workloads/Prod, role: workload, workload: payments, environment: prod }
services:
  # moto accepts these delegations, not the cloudtrail, config and
  # securityhub ones the defaults add (motoDelegationGap).
  delegated_admins:
    config-multiaccountsetup.amazonaws.com: security-tooling
    guardduty.amazonaws.com: security-tooling
policies:
  scps:
    groundwork-baseline:
      description: Baseline guardrails
      library: [PreventMemberLeaveOrg, PreventRootUserFromPerformingAnyActions]
logging: {}
monitoring: {}
`

// reliabilityRuns is how many seeds (or kills) a scenario runs: short in
// a normal test run, long under make reliability
// (GROUNDWORK_RELIABILITY=1), or GROUNDWORK_RELIABILITY_SEEDS when set.
func reliabilityRuns(short, long int) int {
	if os.Getenv("GROUNDWORK_RELIABILITY") == "" {
		return short
	}
	if n, err := strconv.Atoi(os.Getenv("GROUNDWORK_RELIABILITY_SEEDS")); err == nil && n > 0 {
		return n
	}
	return long
}

func writeFaultSpec(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "foundation.yaml"), []byte(faultSpec), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// referenceEstate is the canonical estate of faultSpec applied without
// faults, made once per test binary.
var reference struct {
	once  sync.Once
	state string
	took  time.Duration // how long the fault-free apply took
}

func referenceEstate(t *testing.T, m *testenv.Server) string {
	t.Helper()
	reference.once.Do(func() {
		m.Reset(t)
		m.Setenv(t)
		dir := writeFaultSpec(t)
		start := time.Now()
		mustRun(t, dir, ExitOK, "apply", "--auto-approve")
		reference.took = time.Since(start)
		reference.state = canonicalEstate(t, m, dir)
	})
	if reference.state == "" {
		t.Fatal("the fault-free reference apply failed in an earlier test")
	}
	m.Reset(t)
	return reference.state
}

// readEstate reads the estate the spec in dir names with groundwork's
// reader, talking to moto directly.
func readEstate(t *testing.T, m *testenv.Server, dir string) *estate.Estate {
	t.Helper()
	m.Setenv(t)
	f, err := spec.Load(filepath.Join(dir, "foundation.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	desired := f.Desired()
	g := &globals{io: IO{Out: io.Discard, Err: io.Discard}, counter: &awsx.Counter{}}
	actual, _, err := g.collectLayers(context.Background(), f.Organization.AccessRole, layer.WantedBy(desired), desired)
	if err != nil {
		t.Fatalf("read the estate: %v", err)
	}
	return actual
}

var (
	uuidPattern  = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
	motoIDSuffix = regexp.MustCompile(`\b(ou|r|o|p)-[0-9a-z]{4,}(-[0-9a-z]{4,})?\b`)
)

// canonicalEstate is the estate as JSON with every ID AWS chose replaced by
// what it names (an account by its e-mail, an OU by its path, a key by its
// alias), re-encoded with sorted keys: two organizations built from one
// spec compare equal exactly when they hold the same things.
func canonicalEstate(t *testing.T, m *testenv.Server, dir string) string {
	t.Helper()
	e := readEstate(t, m, dir)
	b, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	var names []string // replacements, longest first
	repl := map[string]string{}
	add := func(id, name string) {
		if id != "" {
			repl[id] = name
			names = append(names, id)
		}
	}
	if o := e.Organization; o != nil {
		add(o.ID, "<org>")
		add(o.RootID, "<root>")
		add(o.ManagementAccountID, "<management>")
	}
	for _, a := range e.Accounts {
		add(a.ID, "<account "+a.Email+">")
	}
	for _, u := range e.Units {
		add(u.ID, "<ou "+u.Path+">")
	}
	if e.Logging != nil {
		for _, k := range e.Logging.Keys {
			add(k.ID, "<key "+k.Alias+">")
		}
	}
	sort.Slice(names, func(i, j int) bool { return len(names[i]) > len(names[j]) })
	s := string(b)
	for _, id := range names {
		s = strings.ReplaceAll(s, id, repl[id])
	}
	s = uuidPattern.ReplaceAllString(s, "<uuid>")
	s = motoIDSuffix.ReplaceAllString(s, "<$1-id>")
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatal(err)
	}
	out, err := json.MarshalIndent(v, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// diffLines names the lines of got that want lacks and the other way
// round, for a readable failure.
func diffLines(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var out []string
	for _, l := range g {
		if !slices.Contains(w, l) {
			out = append(out, "+ "+l)
		}
	}
	for _, l := range w {
		if !slices.Contains(g, l) {
			out = append(out, "- "+l)
		}
	}
	if len(out) > 40 {
		out = append(out[:40], "...")
	}
	return strings.Join(out, "\n")
}

// duplicates counts, with the AWS CLI against moto directly, the things a
// lost response could make twice: accounts by e-mail and by name, OUs by
// path, SCPs by name, and in every account KMS keys beyond one per alias
// (an unnamed key is an orphan), aliases, trails, roles, SNS subscriptions,
// metric filters and alarms by name. It returns one line per duplicate.
func duplicates(t *testing.T, m *testenv.Server) []string {
	t.Helper()
	var dups []string
	count := func(what string, names []string) {
		seen := map[string]int{}
		for _, n := range names {
			seen[n]++
		}
		for _, n := range slices.Sorted(func(yield func(string) bool) {
			for k := range seen {
				if !yield(k) {
					return
				}
			}
		}) {
			if seen[n] > 1 {
				dups = append(dups, fmt.Sprintf("%d %s named %s", seen[n], what, n))
			}
		}
	}
	var accts struct{ Accounts []cliAccount }
	if err := json.Unmarshal(m.AWS(t, "organizations", "list-accounts"), &accts); err != nil {
		t.Fatal(err)
	}
	var emails, names, ids []string
	for _, a := range accts.Accounts {
		emails, names, ids = append(emails, strings.ToLower(a.Email)), append(names, a.Name), append(ids, a.Id)
	}
	count("accounts", emails)
	count("accounts", names)
	var ous []string
	var walk func(parent, path string)
	walk = func(parent, path string) {
		var out struct{ OrganizationalUnits []struct{ Id, Name string } }
		if err := json.Unmarshal(m.AWS(t, "organizations", "list-organizational-units-for-parent", "--parent-id", parent), &out); err != nil {
			t.Fatal(err)
		}
		for _, ou := range out.OrganizationalUnits {
			ous = append(ous, path+ou.Name)
			walk(ou.Id, path+ou.Name+"/")
		}
	}
	walk(rootID(t, m), "")
	count("OUs", ous)
	var pols struct{ Policies []struct{ Name string } }
	if err := json.Unmarshal(m.AWS(t, "organizations", "list-policies", "--filter", "SERVICE_CONTROL_POLICY"), &pols); err != nil {
		t.Fatal(err)
	}
	var polNames []string
	for _, p := range pols.Policies {
		polNames = append(polNames, p.Name)
	}
	count("SCPs", polNames)
	mgmt := managementID(t, m)
	for _, id := range ids {
		aws := func(args ...string) []byte {
			if id == mgmt {
				return m.AWS(t, args...)
			}
			return m.AWSAs(t, id, args...)
		}
		where := " in " + id
		var keys struct{ Keys []struct{ KeyId string } }
		var aliases struct {
			Aliases []struct{ AliasName, TargetKeyId string }
		}
		if err := json.Unmarshal(aws("kms", "list-keys"), &keys); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(aws("kms", "list-aliases"), &aliases); err != nil {
			t.Fatal(err)
		}
		named := map[string]bool{}
		var aliasNames []string
		for _, a := range aliases.Aliases {
			if a.TargetKeyId != "" && !strings.HasPrefix(a.AliasName, "alias/aws/") {
				named[a.TargetKeyId] = true
				aliasNames = append(aliasNames, a.AliasName)
			}
		}
		count("aliases"+where, aliasNames)
		for _, k := range keys.Keys {
			if !named[k.KeyId] {
				dups = append(dups, "KMS key "+k.KeyId+where+" has no alias (an orphan)")
			}
		}
		var trails struct {
			TrailList []struct{ Name, TrailARN string }
		}
		if err := json.Unmarshal(aws("cloudtrail", "describe-trails"), &trails); err != nil {
			t.Fatal(err)
		}
		var trailNames []string
		for _, tr := range trails.TrailList {
			if strings.Contains(tr.TrailARN, ":"+id+":") {
				trailNames = append(trailNames, tr.Name)
			}
		}
		count("trails"+where, trailNames)
		var roles struct{ Roles []struct{ RoleName string } }
		if err := json.Unmarshal(aws("iam", "list-roles"), &roles); err != nil {
			t.Fatal(err)
		}
		var roleNames []string
		for _, r := range roles.Roles {
			roleNames = append(roleNames, r.RoleName)
		}
		count("roles"+where, roleNames)
		var subs struct {
			Subscriptions []struct{ TopicArn, Protocol, Endpoint string }
		}
		if err := json.Unmarshal(aws("sns", "list-subscriptions"), &subs); err != nil {
			t.Fatal(err)
		}
		var subNames []string
		for _, s := range subs.Subscriptions {
			subNames = append(subNames, s.TopicArn+" "+s.Protocol+":"+s.Endpoint)
		}
		count("subscriptions"+where, subNames)
		var filters struct{ MetricFilters []cliMetricFilter }
		if err := json.Unmarshal(aws("logs", "describe-metric-filters"), &filters); err != nil {
			t.Fatal(err)
		}
		var filterNames []string
		for _, f := range filters.MetricFilters {
			filterNames = append(filterNames, f.LogGroupName+":"+f.FilterName)
		}
		count("metric filters"+where, filterNames)
		var alarms struct{ MetricAlarms []struct{ AlarmName string } }
		if err := json.Unmarshal(aws("cloudwatch", "describe-alarms"), &alarms); err != nil {
			t.Fatal(err)
		}
		var alarmNames []string
		for _, a := range alarms.MetricAlarms {
			alarmNames = append(alarmNames, a.AlarmName)
		}
		count("alarms"+where, alarmNames)
	}
	return dups
}

// converge runs apply in dir up to three times until a plan shows no
// changes, and returns the outputs of the applies. A fault the apply
// could not recover from fails only that run: the next one must finish
// the job, as a user re-running apply would.
func converge(t *testing.T, dir string) []string {
	t.Helper()
	var outs []string
	for range 3 {
		code, out, errOut := run(t, dir, "", "apply", "--auto-approve")
		outs = append(outs, out+errOut)
		if code != ExitOK {
			// Say what the faults did to this run, for the record.
			for _, l := range strings.Split(out+errOut, "\n") {
				if strings.HasPrefix(strings.TrimSpace(l), "failed ") || strings.HasPrefix(l, "error:") {
					t.Logf("apply %d: %s", len(outs), l)
				}
			}
			continue
		}
		if code, _, _ := run(t, dir, "", "plan", "--detailed-exitcode"); code == ExitOK {
			return outs
		}
	}
	t.Fatalf("no convergence after 3 applies:\n%s", strings.Join(outs, "\n----\n"))
	return nil
}

// checkConverged compares the estate with the reference and counts
// duplicates.
func checkConverged(t *testing.T, m *testenv.Server, dir, want string) {
	t.Helper()
	if got := canonicalEstate(t, m, dir); got != want {
		t.Errorf("the estate differs from a fault-free apply's:\n%s", diffLines(want, got))
	}
	if dups := duplicates(t, m); len(dups) > 0 {
		t.Errorf("duplicates:\n  %s", strings.Join(dups, "\n  "))
	}
}

func TestApplyConvergesUnderFaults(t *testing.T) {
	scenarios := []struct {
		name   string
		faults testenv.Faults
	}{
		{"20% throttling", testenv.Faults{Throttle: 0.20}},
		{"5% server errors and 2% resets", testenv.Faults{ServerError: 0.05, Reset: 0.02}},
		{"3% dropped responses", testenv.Faults{Drop: 0.03}},
		{"all together", testenv.Faults{Throttle: 0.20, ServerError: 0.05, Reset: 0.02, Drop: 0.03}},
	}
	m := testenv.Moto(t)
	want := referenceEstate(t, m)
	for i, sc := range scenarios {
		for seed := range reliabilityRuns(1, 10) {
			t.Run(fmt.Sprintf("%s/seed %d", sc.name, seed+1), func(t *testing.T) {
				m.Reset(t)
				f := sc.faults
				f.Seed = int64(1000*(i+1) + seed + 1)
				p := testenv.StartFaultProxy(t, m, f)
				p.Setenv(t)
				dir := writeFaultSpec(t)
				outs := converge(t, dir)
				t.Logf("%s; %d applies", p.Summary(), len(outs))
				checkConverged(t, m, dir, want)
				// A write whose response was lost is part of the apply's
				// report, not only of --stats.
				if n := droppedWrites(p); n > 0 && !strings.Contains(strings.Join(outs, "\n"), "Recovered from") {
					t.Errorf("%d write responses were dropped and no apply says what it recovered from:\n%s", n, strings.Join(outs, "\n----\n"))
				}
			})
		}
	}
}

// droppedWrites counts the dropped responses of writes.
func droppedWrites(p *testenv.FaultProxy) int {
	n := 0
	for _, in := range p.Injected() {
		method, _, rest := strings.Cut(in.Operation, " ")
		write := awsx.IsWrite(in.Operation)
		if rest { // a REST call: "METHOD /path"
			write = method != "GET" && method != "HEAD"
		}
		if in.Fault == testenv.Drop && write {
			n++
		}
	}
	return n
}

// Every create whose response is lost once is found and adopted in the
// same apply, and so is what answers "already exists" to the create sent
// again: no duplicate, no failed change, no skipped dependent, and the
// apply says what it recovered from.
func TestApplyAdoptsWhatLostCreateResponsesMade(t *testing.T) {
	m := testenv.Moto(t)
	want := referenceEstate(t, m)
	creates := []struct{ service, op, says string }{
		{"organizations", "CreateAccount", "account aws-"},
		{"organizations", "CreateOrganizationalUnit", "OU "},
		{"organizations", "CreatePolicy", "policy groundwork-"},
		{"kms", "CreateKey", "key alias/"},
		{"kms", "CreateAlias", "alias of key alias/"},
		{"iam", "CreateRole", "role "},
		{"cloudtrail", "CreateTrail", "trail groundwork-org-trail"},
		{"logs", "PutMetricFilter", "metric filter "},
	}
	var rules []testenv.Rule
	for _, c := range creates {
		rules = append(rules, testenv.Rule{Service: c.service, Operation: c.op, Fault: testenv.Drop, Times: 1})
	}
	p := testenv.StartFaultProxy(t, m, testenv.Faults{Rules: rules})
	p.Setenv(t)
	dir := writeFaultSpec(t)
	out, _ := mustRun(t, dir, ExitOK, "apply", "--auto-approve")
	if !strings.Contains(out, " 0 failed") || !strings.Contains(out, " 0 skipped") {
		t.Errorf("apply:\n%s", out)
	}
	for _, c := range creates {
		if p.Count(testenv.Drop, c.service, c.op) != 1 {
			t.Errorf("no %s response was dropped: %s", c.op, p.Summary())
		}
		if !strings.Contains(out, c.says) || !regexp.MustCompile(regexp.QuoteMeta(c.says)+`[^\n]*the response to its create was lost; adopted`).MatchString(out) {
			t.Errorf("the apply does not say it adopted what the lost %s made (%q):\n%s", c.op, c.says, out)
		}
	}
	checkConverged(t, m, dir, want)
}

// A run killed between CreateKey and CreateAlias leaves a key tagged for
// its alias and without it; the next apply names that key instead of
// making another. The kill is simulated with CreateAlias never reaching
// moto for a whole apply.
func TestKeyLeftUnnamedIsAdoptedOnResume(t *testing.T) {
	m := testenv.Moto(t)
	want := referenceEstate(t, m)
	p := testenv.StartFaultProxy(t, m, testenv.Faults{Rules: []testenv.Rule{
		{Service: "kms", Operation: "CreateAlias", Fault: testenv.Reset}}})
	p.Setenv(t)
	dir := writeFaultSpec(t)
	if code, out, _ := run(t, dir, "", "apply", "--auto-approve"); code == ExitOK {
		t.Fatalf("apply succeeded with every CreateAlias reset:\n%s", out)
	}
	var orphans []string
	for _, d := range duplicates(t, m) {
		if strings.Contains(d, "has no alias") {
			orphans = append(orphans, d)
		}
	}
	if len(orphans) == 0 {
		t.Fatalf("no unnamed key after the interrupted apply; the test proves nothing")
	}
	p.Setenv(t)
	p.SetFaults(testenv.Faults{})
	// Plan and audit both see the unnamed key before the resume.
	if _, out, _ := run(t, dir, "", "plan"); !strings.Contains(out, "apply names it instead of creating another key") {
		t.Errorf("the plan does not note the unnamed key:\n%s", out)
	}
	if _, out, _ := run(t, dir, "", "audit"); !strings.Contains(out, "GW-LOG-015") {
		t.Errorf("the audit does not report the unnamed key:\n%s", out)
	}
	out := strings.Join(converge(t, dir), "\n")
	if n := strings.Count(out, "which an earlier run made but did not name"); n != len(orphans) {
		t.Errorf("%d keys adopted, want %d:\n%s", n, len(orphans), out)
	}
	checkConverged(t, m, dir, want)
}
