package logging

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/groundwork-aws/groundwork/internal/apply"
	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/inventory"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/policy"
	"github.com/groundwork-aws/groundwork/internal/spec"
	"github.com/groundwork-aws/groundwork/internal/testenv"
)

// benchAccounts and benchRegions size the organization the logging
// inventory is measured on: the scale of issue 4.
const (
	benchAccounts = 50
	benchRegions  = "us-east-1, us-east-2, eu-west-1, eu-central-1"
)

// BenchmarkCollectLoggingMoto reads the logging layer of an organization
// of 50 accounts in 4 Regions from a moto server, after groundwork built
// it: Config in all 204 account-Regions (the management account
// included), the rules, the roles, keys, buckets and trail the spec names.
// It reports the API calls per read, and compares one read in flight with
// the default width.
//
//	go test -run '^$' -bench CollectLoggingMoto -benchtime 3x ./internal/layer/logging
func BenchmarkCollectLoggingMoto(b *testing.B) {
	m := testenv.Moto(b)
	m.Setenv(b)
	ctx := context.Background()
	var src strings.Builder
	fmt.Fprintf(&src, "version: 1\norganization: {id: primary, email_domain: example.com, home_region: us-east-1, regions: [%s]}\n", benchRegions)
	src.WriteString("units: {Security: {}, Workloads: {}}\naccounts:\n")
	src.WriteString("  log-archive: {unit: Security, role: log-archive}\n  security-tooling: {unit: Security, role: security-tooling}\n")
	for i := 2; i < benchAccounts; i++ {
		fmt.Fprintf(&src, "  app%02d-prod: {unit: Workloads, role: workload, workload: app%02d, environment: prod}\n", i, i)
	}
	// moto registers delegated administrators for a few services only
	// (see internal/cli/e2e_test.go motoDelegationGap).
	src.WriteString("services:\n  delegated_admins: {guardduty.amazonaws.com: security-tooling, access-analyzer.amazonaws.com: security-tooling, config-multiaccountsetup.amazonaws.com: security-tooling}\n")
	src.WriteString("logging: {}\n")
	f, err := spec.Parse("bench.yaml", []byte(src.String()))
	if err != nil {
		b.Fatal(err)
	}
	desired := f.Desired()

	s, err := awsx.Load(ctx, awsx.Options{Region: "us-east-1", AccessRole: policy.DefaultAccessRole})
	if err != nil {
		b.Fatal(err)
	}
	org := organizations.NewFromConfig(s.Config("", "", ""))
	if _, err := org.CreateOrganization(ctx, &organizations.CreateOrganizationInput{FeatureSet: types.OrganizationFeatureSetAll}); err != nil {
		b.Fatal(err)
	}
	for _, a := range desired.SortedAccounts() {
		if _, err := org.CreateAccount(ctx, &organizations.CreateAccountInput{AccountName: aws.String(a.Name), Email: aws.String(a.Email)}); err != nil {
			b.Fatal(err) // moto creates accounts synchronously
		}
	}
	actual, err := inventory.CollectOrganization(ctx, org, inventory.Options{})
	if err != nil {
		b.Fatal(err)
	}
	// Build the foundation, logging layer included, so that the read
	// measured is of a layer that exists: recorders, channels and rules
	// in every account and Region.
	env := &kinds.Env{Organizations: org, AccessRole: policy.DefaultAccessRole, Session: s}
	units, accounts := map[string]string{}, map[string]string{}
	for path, u := range actual.Units {
		units[path] = u.ID
	}
	for key, a := range actual.Accounts {
		accounts[key] = a.ID
	}
	env.SeedIDs(actual.Organization.RootID, units, accounts)
	env.SeedActual(actual)
	p := kinds.Plan(desired, actual)
	if rep, err := apply.Run(ctx, env, p, apply.Options{Width: 8}); err != nil {
		for _, r := range rep.Results {
			if r.Error != "" {
				b.Log(r.Address, ": ", r.Error)
			}
		}
		b.Fatal(err)
	}
	if actual, err = inventory.CollectOrganization(ctx, org, inventory.Options{}); err != nil {
		b.Fatal(err)
	}
	for _, width := range []int{1, inventory.DefaultWidth} {
		b.Run(fmt.Sprintf("width=%d", width), func(b *testing.B) {
			counter := &awsx.Counter{}
			sess, err := awsx.Load(ctx, awsx.Options{Region: "us-east-1", AccessRole: policy.DefaultAccessRole, Counter: counter})
			if err != nil {
				b.Fatal(err)
			}
			clients := sessionReadClients{inventory.Configs{Session: sess, ManagementID: actual.Organization.ManagementAccountID}}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				e := *actual
				if err := readWith(ctx, clients, &e, desired.Logging, inventory.Options{Width: width}); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			reads, _ := counter.Totals()
			b.ReportMetric(float64(reads)/float64(b.N), "calls/op")
			if testing.Verbose() {
				var out strings.Builder
				counter.Print(&out)
				b.Log("\n" + out.String())
			}
		})
	}
}
