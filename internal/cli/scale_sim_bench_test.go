package cli

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/groundwork-aws/groundwork/internal/awssim"
	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/layer/posture"
)

// simSpec writes a spec of the simulator's organization: its units, the
// foundation's accounts and the workloads with their tags, the
// services integrated with the organization (trusted access and
// delegated administrators, as the starter foundation has them and the
// simulator's organization with the foundation carries them), alternate
// contacts and the hardening layer, in regions; with baselines, also
// the starter foundation's logging (the organization trail, Config in
// every account and Region, the aggregator) and monitoring.
func simSpec(t testing.TB, dir string, accounts, units int, regions []string, baselines bool) {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "version: 1\norganization:\n  id: primary\n  email_domain: example.com\n  home_region: %s\n  regions: [%s]\n", regions[0], strings.Join(regions, ", "))
	b.WriteString("  access_role: OrganizationAccountAccessRole\nunits:\n")
	for j := range units {
		fmt.Fprintf(&b, "  %s: {}\n", awssim.UnitName(j))
	}
	b.WriteString("accounts:\n")
	for i := range accounts {
		key, unit := awssim.MemberKey(i), awssim.UnitName(i%units)
		if i < awssim.Foundation {
			fmt.Fprintf(&b, "  %s: { unit: %s, role: %s }\n", key, unit, key)
			continue
		}
		w := strings.TrimSuffix(key, "-prod")
		tags := awssim.WorkloadTags(i)
		fmt.Fprintf(&b, "  %s: { unit: %s, role: workload, workload: %s, environment: prod, tags: { Owner: %s, Environment: %s } }\n",
			key, unit, w, tags["Owner"], tags["Environment"])
	}
	b.WriteString("services:\n  trusted_access:\n")
	for _, p := range awssim.FoundationTrustedAccess {
		fmt.Fprintf(&b, "    - %s\n", p)
	}
	b.WriteString("  delegated_admins:\n")
	for _, p := range slices.Sorted(maps.Keys(awssim.FoundationDelegatedAdmins)) {
		fmt.Fprintf(&b, "    %s: %s\n", p, awssim.MemberKey(awssim.FoundationDelegatedAdmins[p]))
	}
	b.WriteString(`contacts:
  phone: "+1-555-0100"
hardening:
  password_policy: { min_length: 14, require_uppercase: true, require_lowercase: true, require_numbers: true, require_symbols: true, max_age_days: 90, reuse_prevention: 24 }
  s3_block_public_access: { enabled: true }
  delete_default_vpcs: true
  management_iam_users: report
`)
	if baselines {
		b.WriteString(`logging:
  trail: { name: groundwork-org-trail, account: management, cloudwatch_logs: true, log_group: /groundwork/cloudtrail, log_retention_days: 365 }
  buckets: { retention_days: 365 }
  config:
    aggregator: security-tooling
    organization_rules: false
    rules: [ROOT_ACCOUNT_MFA_ENABLED, MFA_ENABLED_FOR_IAM_CONSOLE_ACCESS, IAM_USER_MFA_ENABLED, CLOUD_TRAIL_ENABLED, S3_BUCKET_PUBLIC_READ_PROHIBITED, S3_BUCKET_PUBLIC_WRITE_PROHIBITED, RESTRICTED_INCOMING_TRAFFIC]
monitoring:
  namespace: LogMetrics
  security_topic: { name: groundwork-security-notifications, subscribers: [aws-management-account-primary-security@example.com] }
  root_login_rule: true
`)
	}
	if err := os.WriteFile(filepath.Join(dir, "foundation.yaml"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// simulator is a running simulator: in this process, or in a process of
// its own (GROUNDWORK_SIM_PROCESS=separate).
type simulator interface {
	Stats() awssim.Stats
	// PeakRSS is the simulator's own peak resident memory in bytes, 0
	// when it shares this process.
	PeakRSS() int64
}

type localSim struct{ *awssim.Server }

func (localSim) PeakRSS() int64 { return 0 }

// startSim serves org on loopback and points this process's SDK at it.
// With GROUNDWORK_SIM_PROCESS=separate the simulator runs in a child
// process (this test binary, serving: serveSimFromEnv), so that this
// process's memory is groundwork's alone.
func startSim(t testing.TB, org awssim.Org) simulator {
	t.Helper()
	var url string
	var sim simulator
	if os.Getenv("GROUNDWORK_SIM_PROCESS") == "separate" {
		url, sim = startSimProcess(t, org)
	} else {
		local := awssim.New(org)
		srv := httptest.NewServer(local)
		t.Cleanup(srv.Close)
		url, sim = srv.URL, localSim{local}
	}
	for k, v := range map[string]string{"AWS_ENDPOINT_URL": url, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
		"AWS_REGION": "us-east-1", "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
		"AWS_EC2_METADATA_DISABLED": "true", "AWS_PROFILE": ""} {
		t.Setenv(k, v)
	}
	return sim
}

// remoteSim is a simulator served by a child process.
type remoteSim struct {
	t   testing.TB
	url string
}

func (r remoteSim) fetch() (out struct {
	awssim.Stats
	Extra map[string]int64 `json:"extra"`
}) {
	resp, err := http.Get(r.url + awssim.StatsPath)
	if err == nil {
		defer resp.Body.Close()
		err = json.NewDecoder(resp.Body).Decode(&out)
	}
	if err != nil {
		r.t.Fatalf("the simulator's stats: %v", err)
	}
	return out
}

func (r remoteSim) Stats() awssim.Stats { return r.fetch().Stats }
func (r remoteSim) PeakRSS() int64      { return r.fetch().Extra["peak_rss"] }

// startSimProcess starts this test binary as a simulator of org (its
// shape passed in GROUNDWORK_SIM_SERVE, its size read from the same
// environment as simOrg) and returns its URL; the child exits when its
// standard input closes, at the test's end or this process's.
func startSimProcess(t testing.TB, org awssim.Org) (string, simulator) {
	cmd := exec.Command(os.Args[0], "-test.run", "^$")
	cmd.Env = append(os.Environ(), "GROUNDWORK_SIM_SERVE="+simShape(org))
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stdin.Close(); cmd.Wait() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("the simulator process: %v", err)
	}
	url := strings.TrimSpace(line)
	return url, remoteSim{t, url}
}

// serveSimFromEnv, in a test binary started by startSimProcess, serves
// the simulator GROUNDWORK_SIM_SERVE names on loopback, prints its URL
// and serves until its standard input closes; it reports false in any
// other process.
func serveSimFromEnv() bool {
	shape := os.Getenv("GROUNDWORK_SIM_SERVE")
	if shape == "" {
		return false
	}
	org, _, err := simOrg(shape)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	srv := &http.Server{Handler: awssim.Remote(awssim.New(org), func() map[string]int64 {
		return map[string]int64{"peak_rss": peakRSS()}
	})}
	go srv.Serve(ln)
	fmt.Printf("http://%s\n", ln.Addr())
	io.Copy(io.Discard, os.Stdin)
	return true
}

// The shapes of a simulated organization (awssim.Org): bare, before
// groundwork; the foundation's, with its deliberate misconfigurations;
// flawless, exactly as the starter foundation's apply leaves it.
const (
	shapeBare       = "bare"
	shapeFoundation = "foundation"
	shapeFlawless   = "flawless"
)

func simShape(org awssim.Org) string {
	switch {
	case org.Bare:
		return shapeBare
	case org.Flawless:
		return shapeFlawless
	}
	return shapeFoundation
}

// simOrg is a simulator benchmark's organization, from the
// environment: GROUNDWORK_SIM_ACCOUNTS member accounts (default 1000:
// the three foundation accounts and workloads) in 20 OUs and
// GROUNDWORK_SIM_REGIONS Regions (default 4), 20 to 80 ms per call and
// the simulator's throttling; GROUNDWORK_SIM_LIMITS=none serves without
// throttling, to show groundwork's own growth.
func simOrg(shape string) (awssim.Org, []string, error) {
	accounts, err := envPositive("GROUNDWORK_SIM_ACCOUNTS", 1000)
	if err != nil {
		return awssim.Org{}, nil, err
	}
	nregions, err := envPositive("GROUNDWORK_SIM_REGIONS", 4)
	all := []string{"us-east-1", "eu-west-1", "us-west-2", "eu-central-1", "ap-southeast-2", "sa-east-1"}
	if err == nil && nregions > len(all) {
		err = fmt.Errorf("GROUNDWORK_SIM_REGIONS=%d: at most %d", nregions, len(all))
	}
	if err != nil {
		return awssim.Org{}, nil, err
	}
	regions := all[:nregions]
	org := awssim.Org{Accounts: accounts, Units: 20, Regions: regions, Bare: shape == shapeBare, Flawless: shape == shapeFlawless,
		Latency: awssim.Uniform(20*time.Millisecond, 80*time.Millisecond, 1)}
	if os.Getenv("GROUNDWORK_SIM_LIMITS") == "none" {
		org.Limits = map[string]awssim.Bucket{} // groundwork's own cost, without AWS's throttling
	}
	return org, regions, nil
}

// simScale is simOrg for a benchmark, with the real retryer and
// credential report polling, as against AWS: TestMain shortens them for
// moto.
func simScale(b *testing.B, shape string) (awssim.Org, []string) {
	org, regions, err := simOrg(shape)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(awsx.SetRetryBaseDelay(0))
	b.Cleanup(posture.SetCredentialReportPoll(time.Second))
	return org, regions
}

func envPositive(name string, def int) (int, error) {
	v := os.Getenv(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("%s=%q: want a positive number", name, v)
	}
	return n, nil
}

// heapPeak samples this process's live heap (what the last collection
// kept) every half second while a step runs and keeps the largest; with
// GROUNDWORK_BENCH_HEAPPROFILE set it writes there the heap profile
// taken at that peak, for `go tool pprof -sample_index=inuse_space`
// (a profile's in-use figures are those of the last collection too).
type heapPeak struct {
	stop chan struct{}
	done chan struct{}
	max  uint64
}

func startHeapPeak(b *testing.B) *heapPeak {
	h := &heapPeak{stop: make(chan struct{}), done: make(chan struct{})}
	file := os.Getenv("GROUNDWORK_BENCH_HEAPPROFILE")
	go func() {
		defer close(h.done)
		tick := time.NewTicker(500 * time.Millisecond)
		defer tick.Stop()
		live := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		var prof bytes.Buffer
		for {
			metrics.Read(live)
			if v := live[0].Value.Uint64(); v > h.max {
				h.max = v
				if file != "" {
					prof.Reset()
					pprof.Lookup("heap").WriteTo(&prof, 0)
				}
			}
			select {
			case <-h.stop:
				if file != "" {
					if err := os.WriteFile(file, prof.Bytes(), 0o644); err != nil {
						b.Error(err)
					}
				}
				return
			case <-tick.C:
			}
		}
	}()
	return h
}

// Stop ends the sampling and returns the largest heap in use seen.
func (h *heapPeak) Stop() uint64 {
	select {
	case <-h.stop:
	default:
		close(h.stop)
	}
	<-h.done
	return h.max
}

// simArgs adds --stats, and --concurrency from GROUNDWORK_SIM_CONCURRENCY.
func simArgs(args ...string) []string {
	args = append(args, "--stats")
	if c := os.Getenv("GROUNDWORK_SIM_CONCURRENCY"); c != "" {
		args = append(args, "--concurrency", c)
	}
	return args
}

// reportSim reports a step's calls per account and Region, the throttled
// calls, the heap (the largest in use while the step ran, and what the
// runtime holds), this process's peak resident memory (groundwork's
// alone with GROUNDWORK_SIM_PROCESS=separate) and the simulator's, and
// the allocations; it fails on an operation the simulator does not
// serve, and writes the step's --stats and the calls the simulator
// served to GROUNDWORK_BENCH_STATS.
func reportSim(b *testing.B, name string, org awssim.Org, sim simulator, since awssim.Stats, calls int, stats string, heap *heapPeak) {
	b.Helper()
	peak := heap.Stop()
	st := sim.Stats().Since(since)
	if len(st.NotServed) > 0 {
		b.Errorf("%s made calls the simulator does not serve: %v", name, st.NotServed)
	}
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	places := float64((org.Accounts + 1) * len(org.Regions))
	b.ReportMetric(float64(calls), "calls")
	b.ReportMetric(float64(calls)/places, "calls/account-region")
	b.ReportMetric(float64(st.Throttled), "throttled")
	b.ReportMetric(float64(peak)/(1<<20), "peak-live-heap-MB")
	b.ReportMetric(float64(m.HeapSys)/(1<<20), "heap-MB")
	b.ReportMetric(float64(peakRSS())/(1<<20), "peak-RSS-MB")
	if rss := sim.PeakRSS(); rss > 0 {
		b.ReportMetric(float64(rss)/(1<<20), "sim-peak-RSS-MB")
	}
	b.ReportMetric(float64(m.TotalAlloc)/(1<<20)/float64(b.N), "alloc-MB/op")
	if n := st.OrganizationsCalls[awssim.Management]; n > 0 {
		b.ReportMetric(float64(n), "org-calls-management")
		var others int64
		for id, c := range st.OrganizationsCalls {
			if id != awssim.Management {
				others += c
			}
		}
		b.ReportMetric(float64(others), "org-calls-members")
	}
	out := os.Getenv("GROUNDWORK_BENCH_STATS")
	if out == "" {
		return
	}
	served := st.Calls
	var lines []string
	for _, k := range slices.Sorted(maps.Keys(served)) {
		lines = append(lines, fmt.Sprintf("%8d  %s", served[k], k))
	}
	text := stats + "\nserved (throttled included):\n" + strings.Join(lines, "\n") + "\n"
	file := fmt.Sprintf("sim-%s-%d-%s.stats", name, org.Accounts, cmp.Or(os.Getenv("GROUNDWORK_SIM_LIMITS"), "limits"))
	if err := os.WriteFile(filepath.Join(out, file), []byte(text), 0o644); err != nil {
		b.Fatal(err)
	}
}

// simRun runs groundwork in dir and returns its exit code and its
// stderr after the end of its stdout (where apply names each failed
// change). Only stdout's last 64 KB are kept: the plan apply prints
// first (13 MB at 1,000 accounts) would otherwise be counted in
// groundwork's heap, where a real run writes it to a pipe.
func simRun(dir string, args ...string) (int, string) {
	var errb strings.Builder
	out := &tailWriter{max: 64 << 10}
	args = append(args, "-f", filepath.Join(dir, "foundation.yaml"))
	code := Main(context.Background(), args, IO{In: strings.NewReader(""), Out: out, Err: &errb})
	return code, string(out.b) + "\n" + errb.String()
}

// tailWriter keeps the last max bytes written to it (up to twice that
// between trims).
type tailWriter struct {
	b   []byte
	max int
}

func (w *tailWriter) Write(p []byte) (int, error) {
	w.b = append(w.b, p...)
	if len(w.b) > 2*w.max {
		w.b = append(w.b[:0:0], w.b[len(w.b)-w.max:]...)
	}
	return len(p), nil
}

// BenchmarkSimPlan plans, against the simulator (internal/awssim), the
// flawless organization of simScale with the core, the organization's
// policies and services, alternate contacts and hardening in its spec
// (docs/benchmarks.md): a no-op plan, which the benchmark requires
// (--detailed-exitcode). Before it is timed, an apply gives the
// organization groundwork's default policies, which the simulator does
// not generate. GROUNDWORK_SIM_CONCURRENCY passes --concurrency.
func BenchmarkSimPlan(b *testing.B) {
	org, regions := simScale(b, shapeFlawless)
	sim := startSim(b, org)
	dir := b.TempDir()
	simSpec(b, dir, org.Accounts, org.Units, regions, false)
	if code, errOut := benchRun(dir, "apply", "--auto-approve"); code != ExitOK {
		b.Fatalf("apply of the policies: exit %d\n%s", code, errOut)
	}
	setup := sim.Stats() // the plan's counts are what follows
	b.ResetTimer()
	var errOut string
	var calls int
	heap := startHeapPeak(b)
	for range b.N {
		var code int
		code, errOut = benchRun(dir, simArgs("plan", "--detailed-exitcode")...)
		if code != ExitOK {
			b.Fatalf("plan: exit %d, want %d (no changes)\n%s", code, ExitOK, errOut)
		}
		calls = statsCalls(b, errOut)
	}
	b.StopTimer()
	reportSim(b, "plan", org, sim, setup, calls, errOut, heap)
}

// BenchmarkSimAudit audits, against the simulator, the organization of
// simScale carrying the foundation's baselines with its deliberate
// misconfigurations, its spec the starter foundation's layers: every
// layer's survey, the drift against the spec, the checklist. It fails
// when the audit could not read something or made a call the simulator
// does not serve, and reports the findings.
func BenchmarkSimAudit(b *testing.B) {
	org, regions := simScale(b, shapeFoundation)
	sim := startSim(b, org)
	dir := b.TempDir()
	simSpec(b, dir, org.Accounts, org.Units, regions, true)
	report := filepath.Join(dir, "audit.json")
	var errOut string
	var calls int
	heap := startHeapPeak(b)
	for range b.N {
		var code int
		code, errOut = benchRun(dir, simArgs("audit", "--output", report)...)
		if code != ExitFindings {
			b.Fatalf("audit: exit %d, want %d (findings)\n%s", code, ExitFindings, errOut)
		}
		calls = statsCalls(b, errOut)
	}
	b.StopTimer()
	heap.Stop()
	var r struct {
		Findings []json.RawMessage `json:"findings"`
		Unread   []json.RawMessage `json:"unread"`
	}
	raw, err := os.ReadFile(report)
	if err == nil {
		err = json.Unmarshal(raw, &r)
	}
	if err != nil {
		b.Fatal(err)
	}
	if len(r.Unread) > 0 {
		b.Errorf("the audit left %d parts unread, e.g. %s", len(r.Unread), r.Unread[0])
	}
	b.ReportMetric(float64(len(r.Findings)), "findings")
	reportSim(b, "audit", org, sim, awssim.Stats{}, calls, errOut, heap)
}

// BenchmarkSimApply applies the starter foundation's baselines (Config,
// the trail and its keys and buckets, roles, rules, alternate contacts,
// hardening, the monitoring of the management account) to the
// organization of simScale as it was before groundwork, then plans
// again: the timed apply must leave nothing to change. Each iteration
// starts from a new simulator.
func BenchmarkSimApply(b *testing.B) {
	org, regions := simScale(b, shapeBare)
	dir := b.TempDir()
	simSpec(b, dir, org.Accounts, org.Units, regions, true)
	var errOut string
	var calls int
	var sim simulator
	heap := startHeapPeak(b)
	for range b.N {
		b.StopTimer()
		sim = startSim(b, org)
		b.StartTimer()
		var code int
		code, errOut = simRun(dir, simArgs("apply", "--auto-approve", "--allow-delete-default-vpcs", "--log-level", cmp.Or(os.Getenv("GROUNDWORK_SIM_LOG"), "warn"))...)
		if code != ExitOK {
			b.Fatalf("apply: exit %d\n%s", code, errOut)
		}
		calls = statsCalls(b, errOut)
	}
	b.StopTimer()
	heap.Stop()
	b.ReportMetric(float64(sim.Stats().Writes), "writes")
	reportSim(b, "apply", org, sim, awssim.Stats{}, calls, errOut, heap)
	if code, out := benchRun(dir, "plan", "--detailed-exitcode"); code != ExitOK {
		b.Errorf("plan after apply: exit %d, want no changes\n%s", code, out)
	}
}
