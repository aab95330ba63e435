package detection

import (
	"testing"

	"github.com/groundwork-aws/groundwork/internal/audit/audittest"
	"github.com/groundwork-aws/groundwork/internal/estate"
)

// clean is the recommended foundation with Security Hub on in every
// account and Region and an organization analyzer in each Region, owned
// by security-tooling: what the rows take away from.
func clean() *estate.Estate {
	e := audittest.Foundation()
	d := estate.NewDetection()
	d.Accounts, d.Regions = audittest.AccountKeys(), []string{audittest.Other, audittest.Home}
	for _, key := range d.Accounts {
		for _, region := range d.Regions {
			w := estate.Where{Account: estate.AccountKey(key), Region: region}
			d.SecurityHub[w.String()] = &estate.SecurityHub{Where: w, ARN: "arn:aws:securityhub:" + region + ":1:hub/default"}
			d.Analyzers[w.String()] = []*estate.Analyzer{}
			if key == audittest.ToolingKey {
				d.Analyzers[w.String()] = []*estate.Analyzer{{Where: w, Name: "org", Type: "ORGANIZATION", Status: "ACTIVE"}}
			}
		}
	}
	e.Detection = d
	return e
}

func place(key estate.AccountKey, region string) string { return estate.PlaceKey(key, region) }

// orgAnalyzer is the organization analyzer of security-tooling in region.
func orgAnalyzer(e *estate.Estate, region string) *estate.Analyzer {
	return e.Detection.Analyzers[place(audittest.ToolingKey, region)][0]
}

func TestChecksRegistered(t *testing.T) {
	audittest.Documented(t, audittest.Registered(t, "GW-DET-", []string{"GW-DET-001", "GW-DET-002"}))
	audittest.Clean(t, "clean detection", clean())
}

func TestDetectionChecks(t *testing.T) {
	audittest.RunCases(t, clean, map[string]audittest.Case{
		"Security Hub off in one Region": {
			Check: "GW-DET-001",
			Edit:  func(e *estate.Estate) { e.Detection.SecurityHub[place(audittest.ProdKey, audittest.Home)] = nil },
			Want:  []string{"account/444444444444 (payments-prod)"},
			Msg:   "Security Hub is not enabled in eu-west-1:",
		},
		"Security Hub off in both Regions of one account, one finding": {
			Check: "GW-DET-001",
			Edit: func(e *estate.Estate) {
				e.Detection.SecurityHub[place(audittest.DevKey, audittest.Home)] = nil
				e.Detection.SecurityHub[place(audittest.DevKey, audittest.Other)] = nil
			},
			Want: []string{"account/555555555555 (payments-dev)"},
			Msg:  "not enabled in eu-west-1, us-east-1:",
		},
		"Security Hub not read is not judged": {
			Check: "GW-DET-001",
			Edit:  func(e *estate.Estate) { delete(e.Detection.SecurityHub, place(audittest.ProdKey, audittest.Home)) },
		},
		"organization analyzer disabled in one Region": {
			Check: "GW-DET-002",
			Edit: func(e *estate.Estate) {
				orgAnalyzer(e, audittest.Other).Status = "DISABLED"
				// payments-prod has its own, so only the others lack one.
				w := estate.Where{Account: audittest.ProdKey, Region: audittest.Other}
				e.Detection.Analyzers[w.String()] = []*estate.Analyzer{{Where: w, Name: "own", Type: "ACCOUNT", Status: "ACTIVE"}}
			},
			Want: []string{"account/000000000000 (management)", "account/111111111111 (log-archive)",
				"account/222222222222 (security-tooling)", "account/333333333333 (identity-center)",
				"account/555555555555 (payments-dev)", "account/666666666666 (sandbox-ana)"},
			Msg: "no active IAM Access Analyzer analyzer, of the account or of the organization, in us-east-1:",
		},
		"only an unused-access analyzer": {
			Check: "GW-DET-002",
			Edit: func(e *estate.Estate) {
				for _, key := range audittest.AccountKeys() {
					delete(e.Detection.Analyzers, place(estate.AccountKey(key), audittest.Home))
					e.Detection.Analyzers[place(estate.AccountKey(key), audittest.Home)] = []*estate.Analyzer{}
				}
				w := estate.Where{Account: audittest.ToolingKey, Region: audittest.Home}
				e.Detection.Analyzers[w.String()] = []*estate.Analyzer{{Where: w, Name: "unused", Type: "ORGANIZATION_UNUSED_ACCESS", Status: "ACTIVE"}}
				for _, key := range audittest.AccountKeys() {
					if key != audittest.ProdKey {
						w := estate.Where{Account: estate.AccountKey(key), Region: audittest.Home}
						e.Detection.Analyzers[w.String()] = []*estate.Analyzer{{Where: w, Name: "own", Type: "ACCOUNT", Status: "ACTIVE"}}
					}
				}
			},
			Want: []string{"account/444444444444 (payments-prod)"},
			Msg:  "in eu-west-1:",
		},
		"an account whose analyzers were not read leaves the Region unjudged": {
			Check: "GW-DET-002",
			Edit: func(e *estate.Estate) {
				orgAnalyzer(e, audittest.Other).Status = "DISABLED"
				delete(e.Detection.Analyzers, place(audittest.ToolingKey, audittest.Other))
			},
		},
	}, audittest.NamesAccount)
}
