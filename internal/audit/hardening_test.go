package audit

import (
	"slices"
	"strings"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/layer/hardening"
)

// Resources of accounts the hardening checks name.
const (
	hrdMgmtRes    = "account/000000000000 (management)"
	hrdArchiveRes = "account/111111111111 (log-archive)"
	hrdProdRes    = "account/444444444444 (payments-prod)"
)

// hardened is the guarded foundation with the hardening layer read in
// every account: the guidance's password policy, Block Public Access on,
// no default VPC, no IAM user in the management account, root users
// without access keys and with MFA. Every check passes on it.
func hardened() *estate.Estate {
	e := guarded()
	e.HomeRegion, e.Regions = home, []string{home, other}
	h := estate.NewHardening()
	h.Accounts = slices.Sorted(slices.Values(layerAccounts))
	h.Regions, h.HomeRegion = e.Regions, home
	for _, acct := range h.Accounts {
		h.PasswordPolicies[acct] = &estate.PasswordPolicy{MinLength: 14, RequireUppercase: true, RequireLowercase: true,
			RequireNumbers: true, RequireSymbols: true, MaxAgeDays: 90, ReusePrevention: 24, AllowUsersToChange: true}
		h.PublicAccessBlocks[acct] = estate.BlockAll()
		h.Roots[acct] = &estate.RootCredentials{MFA: true}
	}
	e.Hardening = h
	return e
}

func withDefaultVPC(acct, region, id string, enis int) func(e *estate.Estate) {
	return func(e *estate.Estate) {
		w := estate.Where{Account: acct, Region: region}
		e.Hardening.DefaultVPCs[w.Key(id)] = &estate.DefaultVPC{Where: w, ID: id, NetworkInterfaces: enis}
	}
}

var hardeningChecks = []string{"GW-HRD-001", "GW-HRD-002", "GW-HRD-003", "GW-HRD-004", "GW-HRD-005", "GW-HRD-006", "GW-HRD-007"}

func TestHardenedFoundationIsClean(t *testing.T) {
	if r := Run(hardened()); len(r.Findings) != 0 {
		t.Errorf("findings on the hardened foundation: %+v", r.Findings)
	}
}

func TestHardeningChecksRegistered(t *testing.T) {
	var got []string
	for _, c := range Checks() {
		if strings.HasPrefix(c.ID, "GW-HRD-") {
			got = append(got, c.ID)
			if c.Guidance == "" || c.Remediation == "" {
				t.Errorf("%s lacks guidance or remediation", c.ID)
			}
		}
	}
	if !slices.Equal(got, hardeningChecks) {
		t.Errorf("GW-HRD checks = %q, want %q", got, hardeningChecks)
	}
}

// An unread layer says nothing: no check fires.
func TestUnreadHardeningIsNotAFinding(t *testing.T) {
	for _, id := range hardeningChecks {
		e := hardened()
		e.Hardening = nil
		if fs := runCheck(t, id, e); len(fs) > 0 {
			t.Errorf("%s fires on an unread layer: %+v", id, fs)
		}
	}
}

// The audit's bar is the spec's default policy: a spec left at its
// defaults passes.
func TestPasswordBarMatchesSpec(t *testing.T) {
	if guidePasswordLength != hardening.GuidancePasswordLength || guidePasswordMaxAge != hardening.GuidancePasswordMaxAge ||
		guidePasswordReuse != hardening.GuidancePasswordReuse {
		t.Errorf("audit bar %d/%d/%d, spec defaults %d/%d/%d", guidePasswordLength, guidePasswordMaxAge, guidePasswordReuse,
			hardening.GuidancePasswordLength, hardening.GuidancePasswordMaxAge, hardening.GuidancePasswordReuse)
	}
}

func TestHardeningChecks(t *testing.T) {
	policy := func(acct string, edit func(p *estate.PasswordPolicy)) func(e *estate.Estate) {
		return func(e *estate.Estate) { edit(e.Hardening.PasswordPolicies[acct]) }
	}
	runCases(t, hardened, map[string]checkCase{
		"001 no policy": {
			check: "GW-HRD-001",
			edit:  func(e *estate.Estate) { delete(e.Hardening.PasswordPolicies, archiveKey) },
			want:  []string{hrdArchiveRes}, msg: "no IAM password policy",
		},
		"001 account not read": {
			// An account outside the layer was not looked at.
			check: "GW-HRD-001",
			edit: func(e *estate.Estate) {
				delete(e.Hardening.PasswordPolicies, archiveKey)
				e.Hardening.Accounts = slices.DeleteFunc(e.Hardening.Accounts, func(a string) bool { return a == archiveKey })
			},
		},
		"001 closing account": {
			check: "GW-HRD-001",
			edit: func(e *estate.Estate) {
				delete(e.Hardening.PasswordPolicies, archiveKey)
				acct(e, "log-archive").Status = "SUSPENDED"
			},
		},
		"002 short": {
			check: "GW-HRD-002",
			edit:  policy(mgmtKey, func(p *estate.PasswordPolicy) { p.MinLength = 8 }),
			want:  []string{hrdMgmtRes}, msg: "weaker than the guidance: minimum length 8, not at least 14",
		},
		"002 classes": {
			check: "GW-HRD-002",
			edit:  policy(prodKey, func(p *estate.PasswordPolicy) { p.RequireSymbols, p.RequireUppercase = false, false }),
			want:  []string{hrdProdRes}, msg: "does not require uppercase letters, symbols",
		},
		"002 never expires": {
			check: "GW-HRD-002",
			edit:  policy(prodKey, func(p *estate.PasswordPolicy) { p.MaxAgeDays = 0 }),
			want:  []string{hrdProdRes}, msg: "passwords never expire, not within 90 days",
		},
		"002 expires late": {
			check: "GW-HRD-002",
			edit:  policy(prodKey, func(p *estate.PasswordPolicy) { p.MaxAgeDays = 365 }),
			want:  []string{hrdProdRes}, msg: "passwords expire after 365 days, not within 90",
		},
		"002 reuse": {
			check: "GW-HRD-002",
			edit:  policy(prodKey, func(p *estate.PasswordPolicy) { p.ReusePrevention = 5 }),
			want:  []string{hrdProdRes}, msg: "only the last 5 passwords are refused, not the last 24",
		},
		"002 no reuse prevention": {
			check: "GW-HRD-002",
			edit:  policy(prodKey, func(p *estate.PasswordPolicy) { p.ReusePrevention = 0 }),
			want:  []string{hrdProdRes}, msg: "previous passwords may be reused",
		},
		"002 everything, one finding": {
			check: "GW-HRD-002",
			edit: func(e *estate.Estate) {
				e.Hardening.PasswordPolicies[prodKey] = &estate.PasswordPolicy{MinLength: 6}
			},
			want: []string{hrdProdRes},
			msg: "minimum length 6, not at least 14; does not require uppercase letters, lowercase letters, numbers, symbols; " +
				"passwords never expire, not within 90 days; previous passwords may be reused, not the last 24 refused",
		},
		"002 stronger than the guidance passes": {
			check: "GW-HRD-002",
			edit:  policy(prodKey, func(p *estate.PasswordPolicy) { p.MinLength, p.MaxAgeDays = 32, 30 }),
		},
		"002 leaves a missing policy to 001": {
			check: "GW-HRD-002",
			edit:  func(e *estate.Estate) { delete(e.Hardening.PasswordPolicies, prodKey) },
		},
		"003 off": {
			check: "GW-HRD-003",
			edit:  func(e *estate.Estate) { e.Hardening.PublicAccessBlocks[prodKey] = &estate.PublicAccessBlock{} },
			want:  []string{hrdProdRes}, msg: "S3 Block Public Access is off for the account",
		},
		"003 partly on": {
			check: "GW-HRD-003",
			edit: func(e *estate.Estate) {
				e.Hardening.PublicAccessBlocks[mgmtKey] = &estate.PublicAccessBlock{BlockPublicACLs: true, IgnorePublicACLs: true}
			},
			want: []string{hrdMgmtRes}, msg: "only partly on for the account (BlockPublicPolicy, RestrictPublicBuckets off)",
		},
		"004 default VPCs by account": {
			check: "GW-HRD-004",
			edit: func(e *estate.Estate) {
				withDefaultVPC(archiveKey, home, "vpc-1", 0)(e)
				withDefaultVPC(archiveKey, other, "vpc-2", 3)(e)
				withDefaultVPC(prodKey, other, "vpc-3", 0)(e)
			},
			want: []string{hrdArchiveRes, hrdProdRes}, msg: "default VPC in eu-west-1, us-east-1",
		},
		"004 says what runs there": {
			check: "GW-HRD-004",
			edit:  withDefaultVPC(archiveKey, other, "vpc-2", 3),
			want:  []string{hrdArchiveRes}, msg: "default VPC in us-east-1 (3 network interfaces)",
		},
		"004 closing account": {
			check: "GW-HRD-004",
			edit: func(e *estate.Estate) {
				withDefaultVPC(archiveKey, other, "vpc-2", 0)(e)
				acct(e, "log-archive").Status = "PENDING_CLOSURE"
			},
		},
		"005 users": {
			check: "GW-HRD-005",
			edit: func(e *estate.Estate) {
				e.Hardening.ManagementUsers["alice"] = &estate.IAMUser{Name: "alice"}
				e.Hardening.ManagementUsers["break-glass"] = &estate.IAMUser{Name: "break-glass", BreakGlass: true}
			},
			want: []string{"iam-user/alice (management)"}, msg: "IAM user alice in the management account",
		},
		"006 root access keys": {
			check: "GW-HRD-006",
			edit:  func(e *estate.Estate) { e.Hardening.Roots[mgmtKey].AccessKeys = true },
			want:  []string{hrdMgmtRes}, msg: "the root user has access keys",
		},
		"007 root without MFA": {
			check: "GW-HRD-007",
			edit: func(e *estate.Estate) {
				e.Hardening.Roots[prodKey].MFA = false
				e.Hardening.Roots[archiveKey].MFA = false
			},
			want: []string{hrdArchiveRes, hrdProdRes}, msg: "the root user has no MFA",
		},
		"007 summary not read": {
			check: "GW-HRD-007",
			edit:  func(e *estate.Estate) { delete(e.Hardening.Roots, prodKey) },
		},
	})
}
