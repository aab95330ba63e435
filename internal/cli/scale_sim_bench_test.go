package cli

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/groundwork-aws/groundwork/internal/awssim"
	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/layer/posture"
)

// simSpec writes a spec of the simulator's organization: its units, the
// foundation's accounts and the workloads with their tags, alternate
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

// simScale is a simulator benchmark's organization, from the
// environment: GROUNDWORK_SIM_ACCOUNTS member accounts (default 1000:
// the three foundation accounts and workloads) in 20 OUs and
// GROUNDWORK_SIM_REGIONS Regions (default 4), 20 to 80 ms per call and
// the simulator's throttling; GROUNDWORK_SIM_LIMITS=none serves without
// throttling, to show groundwork's own growth.
func simScale(b *testing.B, bare bool) (awssim.Org, []string) {
	accounts := envInt(b, "GROUNDWORK_SIM_ACCOUNTS", 1000)
	regions := []string{"us-east-1", "eu-west-1", "us-west-2", "eu-central-1", "ap-southeast-2", "sa-east-1"}[:envInt(b, "GROUNDWORK_SIM_REGIONS", 4)]
	org := awssim.Org{Accounts: accounts, Units: 20, Regions: regions, Bare: bare,
		Latency: awssim.Uniform(20*time.Millisecond, 80*time.Millisecond, 1)}
	if os.Getenv("GROUNDWORK_SIM_LIMITS") == "none" {
		org.Limits = map[string]awssim.Bucket{} // groundwork's own cost, without AWS's throttling
	}
	// The real retryer and credential report polling, as against AWS:
	// TestMain shortens them for moto.
	b.Cleanup(awsx.SetRetryBaseDelay(0))
	b.Cleanup(posture.SetCredentialReportPoll(time.Second))
	return org, regions
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
// calls, the heap and the allocations, fails on an operation the
// simulator does not serve, and writes the step's --stats and the calls
// the simulator served to GROUNDWORK_BENCH_STATS.
func reportSim(b *testing.B, name string, org awssim.Org, sim *awssim.Server, calls int, stats string) {
	b.Helper()
	if gaps := sim.NotServed(); len(gaps) > 0 {
		b.Errorf("%s made calls the simulator does not serve: %v", name, gaps)
	}
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	places := float64((org.Accounts + 1) * len(org.Regions))
	b.ReportMetric(float64(calls), "calls")
	b.ReportMetric(float64(calls)/places, "calls/account-region")
	b.ReportMetric(float64(sim.Throttled.Load()), "throttled")
	b.ReportMetric(float64(m.HeapSys)/(1<<20), "heap-MB")
	b.ReportMetric(float64(m.TotalAlloc)/(1<<20)/float64(b.N), "alloc-MB/op")
	out := os.Getenv("GROUNDWORK_BENCH_STATS")
	if out == "" {
		return
	}
	served := sim.Calls()
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
// stderr after its stdout (where apply names each failed change).
func simRun(dir string, args ...string) (int, string) {
	var out, errb strings.Builder
	args = append(args, "-f", filepath.Join(dir, "foundation.yaml"))
	code := Main(context.Background(), args, IO{In: strings.NewReader(""), Out: &out, Err: &errb})
	return code, out.String() + "\n" + errb.String()
}

// BenchmarkSimPlan plans, against the simulator (internal/awssim), the
// organization of simScale with the core, alternate contacts and
// hardening in its spec (docs/benchmarks.md). GROUNDWORK_SIM_CONCURRENCY
// passes --concurrency.
func BenchmarkSimPlan(b *testing.B) {
	org, regions := simScale(b, false)
	sim := startSim(b, org)
	dir := b.TempDir()
	simSpec(b, dir, org.Accounts, org.Units, regions, false)
	var errOut string
	var calls int
	for range b.N {
		var code int
		code, errOut = benchRun(dir, simArgs("plan")...)
		if code != ExitOK {
			b.Fatalf("plan: exit %d\n%s", code, errOut)
		}
		calls = statsCalls(b, errOut)
	}
	b.StopTimer()
	reportSim(b, "plan", org, sim, calls, errOut)
}

// BenchmarkSimAudit audits, against the simulator, the organization of
// simScale carrying the foundation's baselines with its deliberate
// misconfigurations, its spec the starter foundation's layers: every
// layer's survey, the drift against the spec, the checklist. It fails
// when the audit could not read something or made a call the simulator
// does not serve, and reports the findings.
func BenchmarkSimAudit(b *testing.B) {
	org, regions := simScale(b, false)
	sim := startSim(b, org)
	dir := b.TempDir()
	simSpec(b, dir, org.Accounts, org.Units, regions, true)
	report := filepath.Join(dir, "audit.json")
	var errOut string
	var calls int
	for range b.N {
		var code int
		code, errOut = benchRun(dir, simArgs("audit", "--output", report)...)
		if code != ExitFindings {
			b.Fatalf("audit: exit %d, want %d (findings)\n%s", code, ExitFindings, errOut)
		}
		calls = statsCalls(b, errOut)
	}
	b.StopTimer()
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
	reportSim(b, "audit", org, sim, calls, errOut)
}

// BenchmarkSimApply applies the starter foundation's baselines (Config,
// the trail and its keys and buckets, roles, rules, alternate contacts,
// hardening, the monitoring of the management account) to the
// organization of simScale as it was before groundwork, then plans
// again: the timed apply must leave nothing to change. Each iteration
// starts from a new simulator.
func BenchmarkSimApply(b *testing.B) {
	org, regions := simScale(b, true)
	dir := b.TempDir()
	simSpec(b, dir, org.Accounts, org.Units, regions, true)
	var errOut string
	var calls int
	var sim *awssim.Server
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
	b.ReportMetric(float64(sim.Writes.Load()), "writes")
	reportSim(b, "apply", org, sim, calls, errOut)
	if code, out := benchRun(dir, "plan", "--detailed-exitcode"); code != ExitOK {
		b.Errorf("plan after apply: exit %d, want no changes\n%s", code, out)
	}
}
