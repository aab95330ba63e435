package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/testenv"
)

// BenchmarkMotoOrganization measures groundwork against moto on an
// organization of existing accounts (docs/benchmarks.md, "On moto"):
// applying the starter foundation's baselines to them, the no-op plan
// after it, the audit with the spec and the audit without one, each with
// its API calls and its ratio to the floor, the time moto takes for as
// many trivial calls (STS GetCallerIdentity, 8 at a time) in the same run,
// after an untimed audit has warmed moto (warmMoto).
// GROUNDWORK_BENCH_ACCOUNTS (default 10) workload accounts plus the three
// foundation accounts and the management account, in
// GROUNDWORK_BENCH_REGIONS (default 4) Regions. GROUNDWORK_BENCH_STATS,
// when set, names a directory that receives each step's --stats. Every step runs once
// whatever -benchtime says: an apply cannot be repeated.
func BenchmarkMotoOrganization(b *testing.B) {
	accounts := envInt(b, "GROUNDWORK_BENCH_ACCOUNTS", 10)
	regions := []string{"us-east-1", "eu-west-1", "us-west-2", "eu-central-1", "ap-southeast-2", "sa-east-1"}[:envInt(b, "GROUNDWORK_BENCH_REGIONS", 4)]
	m := testenv.Moto(b)
	m.Setenv(b)
	ctx := context.Background()
	dir := b.TempDir()
	spec := benchSpec(b, dir, accounts, regions)
	existingAccounts(ctx, b, spec)
	warmMoto(b, dir)

	floor := motoFloor(ctx, b)
	b.Logf("floor: %.0f trivial calls/s; %d workload accounts, %d Regions", floor, accounts, len(regions))
	logLevel := "warn"
	if os.Getenv("GROUNDWORK_BENCH_STATS") != "" {
		logLevel = "debug" // each change and read, timed, in the step's file
	}
	step := func(name string, want int, args ...string) {
		b.Run(name, func(b *testing.B) {
			var calls int
			var took time.Duration
			var stats string
			for range b.N {
				start := time.Now()
				code, errOut := benchRun(dir, append(args, "--stats", "--log-level", logLevel)...)
				took = time.Since(start)
				if code != want {
					b.Fatalf("groundwork %s: exit %d, want %d\n%s", strings.Join(args, " "), code, want, errOut)
				}
				calls = statsCalls(b, errOut)
				stats = errOut
			}
			ratio := took.Seconds() / (float64(calls) / floor)
			b.ReportMetric(float64(calls), "calls")
			b.ReportMetric(ratio, "x-floor")
			b.Logf("%s: %d calls in %s, %.2f times the floor", name, calls, took.Round(time.Millisecond), ratio)
			if out := os.Getenv("GROUNDWORK_BENCH_STATS"); out != "" {
				if err := os.WriteFile(filepath.Join(out, name+".stats"), []byte(stats), 0o644); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	step("apply", ExitOK, "apply", "--auto-approve", "--allow-delete-default-vpcs")
	step("plan", ExitOK, "plan", "--detailed-exitcode")
	step("audit", ExitFindings, "audit", "--allow-partial", "--no-drift", "-o", "json")
	if err := os.Rename(filepath.Join(dir, "foundation.yaml"), filepath.Join(dir, "foundation.yaml.off")); err != nil {
		b.Fatal(err)
	}
	step("audit-nospec", ExitFindings, "audit", "--allow-partial", "--regions", strings.Join(regions, ","), "-o", "json")
}

// warmMoto audits the organization once, untimed, before the steps are
// timed. moto builds a service's state for an account and Region on the
// first call there (for EC2, the default VPC with a subnet per zone),
// which AWS does not do: without this, whichever step first reaches a
// service in each place pays it (the apply's reads, and the audit's for
// the services only the audit reads), and its ratio to the floor measures
// moto's start, not groundwork. The audit reads every service the other
// steps call; its time and calls are logged as the cold figure.
func warmMoto(b *testing.B, dir string) {
	b.Helper()
	start := time.Now()
	code, errOut := benchRun(dir, "audit", "--allow-partial", "--no-drift", "-o", "json", "--stats")
	if code != ExitOK && code != ExitFindings {
		b.Fatalf("warming moto with an audit: exit %d\n%s", code, errOut)
	}
	b.Logf("moto warmed by an audit: %d calls in %s (cold, untimed)", statsCalls(b, errOut), time.Since(start).Round(time.Millisecond))
}

// benchSpec writes the starter foundation in regions with n workload
// accounts, and returns the e-mail addresses of every account it
// declares, by name.
func benchSpec(b *testing.B, dir string, n int, regions []string) map[string]string {
	b.Helper()
	if code, errOut := benchRun(dir, "init", "--org-id", "primary", "--domain", "example.com", "--home-region", regions[0],
		"--regions", strings.Join(regions, ","), "--phone", "+1-555-0100"); code != ExitOK {
		b.Fatalf("init: %s", errOut)
	}
	path := filepath.Join(dir, "foundation.yaml")
	src, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	s := withoutABAC(b, string(src))
	for _, line := range motoDelegationGap {
		s = strings.Replace(s, line, "", 1)
	}
	emails := map[string]string{}
	for _, name := range []string{"log-archive", "security-tooling", "identity-center"} {
		emails[name+"-primary"] = "aws-" + name + "-primary@example.com"
	}
	var more strings.Builder
	for i := range n {
		w := fmt.Sprintf("app%04d", i)
		fmt.Fprintf(&more, "  %s-prod:\n    unit: Workloads/Prod\n    role: workload\n    workload: %s\n    environment: prod\n    tags: { Owner: team-%s, Environment: Prod }\n", w, w, w)
		emails[w+"-prod-primary"] = "aws-" + w + "-prod-primary@example.com"
	}
	s = strings.Replace(s, "    role: identity-center\n", "    role: identity-center\n"+more.String(), 1)
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		b.Fatal(err)
	}
	return emails
}

// existingAccounts makes the organization and its accounts as someone
// did before groundwork: every account under the root, no baseline.
func existingAccounts(ctx context.Context, b *testing.B, emails map[string]string) {
	b.Helper()
	s, err := awsx.Load(ctx, awsx.Options{Region: testenv.Region})
	if err != nil {
		b.Fatal(err)
	}
	org := organizations.NewFromConfig(s.Config("", "", ""))
	if _, err := org.CreateOrganization(ctx, &organizations.CreateOrganizationInput{FeatureSet: orgtypes.OrganizationFeatureSetAll}); err != nil {
		b.Fatal(err)
	}
	for name, email := range emails {
		if _, err := org.CreateAccount(ctx, &organizations.CreateAccountInput{AccountName: aws.String(name), Email: aws.String(email)}); err != nil {
			b.Fatal(err)
		}
	}
}

// motoFloor is how many trivial calls per second moto answers, 8 at a
// time through the SDK: the rate no read of groundwork can beat.
func motoFloor(ctx context.Context, b *testing.B) float64 {
	b.Helper()
	s, err := awsx.Load(ctx, awsx.Options{Region: testenv.Region})
	if err != nil {
		b.Fatal(err)
	}
	client := sts.NewFromConfig(s.Config("", "", ""))
	const calls, width = 1600, 8
	start := time.Now()
	var wg sync.WaitGroup
	for range width {
		wg.Go(func() {
			for range calls / width {
				if _, err := client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	return calls / time.Since(start).Seconds()
}

// benchRun runs groundwork in dir and returns its exit code and stderr.
func benchRun(dir string, args ...string) (int, string) {
	var errb strings.Builder
	if spec := filepath.Join(dir, "foundation.yaml"); args[0] == "init" || fileExists(spec) {
		args = append(args, "-f", spec)
	}
	// stdout is dropped, as a pipe would take it, not held in memory.
	code := Main(context.Background(), args,
		IO{In: strings.NewReader(""), Out: io.Discard, Err: &errb})
	return code, errb.String()
}

var statsLine = regexp.MustCompile(`API calls: (\d+) \(`)

// statsCalls is the total of calls --stats printed.
func statsCalls(b *testing.B, stderr string) int {
	b.Helper()
	m := statsLine.FindStringSubmatch(stderr)
	if m == nil {
		b.Fatalf("no call counts in:\n%s", stderr)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func envInt(b *testing.B, name string, def int) int {
	b.Helper()
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		b.Fatalf("%s=%q: want a positive number", name, v)
	}
	return n
}
