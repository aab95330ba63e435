package cli

import (
	"cmp"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/groundwork-aws/groundwork/internal/awssim"
	"github.com/groundwork-aws/groundwork/internal/awsx"
)

// simSpec writes a spec of the simulator's organization: its units, its
// member accounts as workloads, their alternate contacts and the
// hardening layer, in regions.
func simSpec(t testing.TB, dir string, accounts, units int, regions []string) {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "version: 1\norganization:\n  id: primary\n  email_domain: example.com\n  home_region: %s\n  regions: [%s]\n", regions[0], strings.Join(regions, ", "))
	b.WriteString("  access_role: OrganizationAccountAccessRole\nunits:\n")
	for j := range units {
		fmt.Fprintf(&b, "  %s: {}\n", awssim.UnitName(j))
	}
	b.WriteString("accounts:\n")
	for i := range accounts {
		w := fmt.Sprintf("app%05d", i)
		fmt.Fprintf(&b, "  %s-prod: { unit: %s, role: workload, workload: %s, environment: prod, tags: { Owner: team-%05d, Environment: Prod } }\n",
			w, awssim.UnitName(i%units), w, i)
	}
	b.WriteString(`contacts:
  phone: "+1-555-0100"
hardening:
  password_policy: { min_length: 14, require_uppercase: true, require_lowercase: true, require_numbers: true, require_symbols: true, max_age_days: 90, reuse_prevention: 24 }
  s3_block_public_access: { enabled: true }
  delete_default_vpcs: true
  management_iam_users: report
`)
	if err := os.WriteFile(filepath.Join(dir, "foundation.yaml"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// startSim serves org on loopback and points this process's SDK at it.
func startSim(t testing.TB, org awssim.Org) *awssim.Server {
	t.Helper()
	sim := awssim.New(org)
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	for k, v := range map[string]string{"AWS_ENDPOINT_URL": srv.URL, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
		"AWS_REGION": "us-east-1", "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
		"AWS_EC2_METADATA_DISABLED": "true", "AWS_PROFILE": ""} {
		t.Setenv(k, v)
	}
	return sim
}

// BenchmarkSimPlan plans, against the simulator (internal/awssim), an
// organization of GROUNDWORK_SIM_ACCOUNTS member accounts (default 1000)
// in 20 OUs and GROUNDWORK_SIM_REGIONS Regions (default 4), with 20 to 80
// ms per call and the simulator's throttling: the core, alternate
// contacts and hardening reads of a plan (docs/benchmarks.md);
// GROUNDWORK_SIM_LIMITS=none serves without throttling, to show
// groundwork's own growth, and GROUNDWORK_SIM_CONCURRENCY passes
// --concurrency. It reports
// the calls per account and Region, the throttled calls and the heap.
func BenchmarkSimPlan(b *testing.B) {
	accounts := envInt(b, "GROUNDWORK_SIM_ACCOUNTS", 1000)
	regions := []string{"us-east-1", "eu-west-1", "us-west-2", "eu-central-1", "ap-southeast-2", "sa-east-1"}[:envInt(b, "GROUNDWORK_SIM_REGIONS", 4)]
	const units = 20
	// The real retryer, as against AWS: TestMain shortens it for moto.
	b.Cleanup(awsx.SetRetryBaseDelay(0))
	org := awssim.Org{Accounts: accounts, Units: units, Regions: regions,
		Latency: awssim.Uniform(20*time.Millisecond, 80*time.Millisecond, 1)}
	if os.Getenv("GROUNDWORK_SIM_LIMITS") == "none" {
		org.Limits = map[string]awssim.Bucket{} // groundwork's own cost, without AWS's throttling
	}
	sim := startSim(b, org)
	dir := b.TempDir()
	simSpec(b, dir, accounts, units, regions)
	args := []string{"plan", "--stats"}
	if c := os.Getenv("GROUNDWORK_SIM_CONCURRENCY"); c != "" {
		args = append(args, "--concurrency", c)
	}
	var errOut string
	var calls int
	for range b.N {
		var code int
		code, errOut = benchRun(dir, args...)
		if code != ExitOK {
			b.Fatalf("plan: exit %d\n%s", code, errOut)
		}
		calls = statsCalls(b, errOut)
	}
	b.StopTimer()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	places := float64((accounts + 1) * len(regions))
	b.ReportMetric(float64(calls), "calls")
	b.ReportMetric(float64(calls)/places, "calls/account-region")
	b.ReportMetric(float64(sim.Throttled.Load()), "throttled")
	b.ReportMetric(float64(m.HeapSys)/(1<<20), "heap-MB")
	b.ReportMetric(float64(m.TotalAlloc)/(1<<20)/float64(b.N), "alloc-MB/op")
	if out := os.Getenv("GROUNDWORK_BENCH_STATS"); out != "" {
		var lines []string
		for k, v := range sim.Calls() {
			lines = append(lines, fmt.Sprintf("%8d  %s", v, k))
		}
		sort.Strings(lines)
		stats := errOut + "\nserved (throttled included):\n" + strings.Join(lines, "\n") + "\n"
		if err := os.WriteFile(filepath.Join(out, fmt.Sprintf("sim-plan-%d-%s.stats", accounts, cmp.Or(os.Getenv("GROUNDWORK_SIM_LIMITS"), "limits"))), []byte(stats), 0o644); err != nil {
			b.Fatal(err)
		}
	}
}
