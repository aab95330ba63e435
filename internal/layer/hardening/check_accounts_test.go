package hardening

import (
	"slices"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/audit/audittest"
	"github.com/groundwork-aws/groundwork/internal/estate"
)

// Resources of accounts the hardening checks name.
const (
	hrdMgmtRes    = "account/000000000000 (management)"
	hrdArchiveRes = "account/111111111111 (log-archive)"
	hrdProdRes    = "account/444444444444 (payments-prod)"
)

// hardened is the recommended foundation with the hardening layer read in
// every account: the guidance's password policy, Block Public Access on,
// no default VPC, no IAM user in the management account, root users
// without access keys and with MFA. Every check passes on it.
func hardened() *estate.Estate {
	e := audittest.Foundation()
	e.HomeRegion, e.Regions = audittest.Home, []string{audittest.Home, audittest.Other}
	h := estate.NewHardening()
	h.Accounts = slices.Sorted(slices.Values(audittest.AccountKeys()))
	h.Regions, h.HomeRegion = e.Regions, audittest.Home
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
		w := estate.Where{Account: estate.AccountKey(acct), Region: region}
		e.Hardening.DefaultVPCs[w.Key(id)] = &estate.DefaultVPC{Where: w, ID: id, NetworkInterfaces: enis}
	}
}

var hardeningChecks = []string{"GW-HRD-001", "GW-HRD-002", "GW-HRD-003", "GW-HRD-004", "GW-HRD-005", "GW-HRD-006", "GW-HRD-007"}

func TestHardenedFoundationIsClean(t *testing.T) {
	audittest.Clean(t, "hardened foundation", hardened())
}

func TestHardeningChecksRegistered(t *testing.T) {
	audittest.Documented(t, audittest.Registered(t, "GW-HRD-", hardeningChecks))
}

// An unread layer says nothing: no check fires.
func TestUnreadHardeningIsNotAFinding(t *testing.T) {
	for _, id := range hardeningChecks {
		e := hardened()
		e.Hardening = nil
		if fs := audittest.RunCheck(t, id, e); len(fs) > 0 {
			t.Errorf("%s fires on an unread layer: %+v", id, fs)
		}
	}
}

func TestHardeningChecks(t *testing.T) {
	policy := func(acct string, edit func(p *estate.PasswordPolicy)) func(e *estate.Estate) {
		return func(e *estate.Estate) { edit(e.Hardening.PasswordPolicies[acct]) }
	}
	audittest.RunCases(t, hardened, map[string]audittest.Case{
		"001 no policy": {
			Check: "GW-HRD-001",
			Edit:  func(e *estate.Estate) { delete(e.Hardening.PasswordPolicies, audittest.ArchiveKey) },
			Want:  []string{hrdArchiveRes}, Msg: "no IAM password policy",
		},
		"001 account not read": {
			// An account outside the layer was not looked at.
			Check: "GW-HRD-001",
			Edit: func(e *estate.Estate) {
				delete(e.Hardening.PasswordPolicies, audittest.ArchiveKey)
				e.Hardening.Accounts = slices.DeleteFunc(e.Hardening.Accounts, func(a string) bool { return a == audittest.ArchiveKey })
			},
		},
		"001 closing account": {
			Check: "GW-HRD-001",
			Edit: func(e *estate.Estate) {
				delete(e.Hardening.PasswordPolicies, audittest.ArchiveKey)
				audittest.Account(e, "log-archive").Status = "SUSPENDED"
			},
		},
		"002 short": {
			Check: "GW-HRD-002",
			Edit:  policy(audittest.MgmtKey, func(p *estate.PasswordPolicy) { p.MinLength = 8 }),
			Want:  []string{hrdMgmtRes}, Msg: "weaker than the guidance: minimum length 8, not at least 14",
		},
		"002 classes": {
			Check: "GW-HRD-002",
			Edit:  policy(audittest.ProdKey, func(p *estate.PasswordPolicy) { p.RequireSymbols, p.RequireUppercase = false, false }),
			Want:  []string{hrdProdRes}, Msg: "does not require uppercase letters, symbols",
		},
		"002 never expires": {
			Check: "GW-HRD-002",
			Edit:  policy(audittest.ProdKey, func(p *estate.PasswordPolicy) { p.MaxAgeDays = 0 }),
			Want:  []string{hrdProdRes}, Msg: "passwords never expire, not within 90 days",
		},
		"002 expires late": {
			Check: "GW-HRD-002",
			Edit:  policy(audittest.ProdKey, func(p *estate.PasswordPolicy) { p.MaxAgeDays = 365 }),
			Want:  []string{hrdProdRes}, Msg: "passwords expire after 365 days, not within 90",
		},
		"002 reuse": {
			Check: "GW-HRD-002",
			Edit:  policy(audittest.ProdKey, func(p *estate.PasswordPolicy) { p.ReusePrevention = 5 }),
			Want:  []string{hrdProdRes}, Msg: "only the last 5 passwords are refused, not the last 24",
		},
		"002 no reuse prevention": {
			Check: "GW-HRD-002",
			Edit:  policy(audittest.ProdKey, func(p *estate.PasswordPolicy) { p.ReusePrevention = 0 }),
			Want:  []string{hrdProdRes}, Msg: "previous passwords may be reused",
		},
		"002 everything, one finding": {
			Check: "GW-HRD-002",
			Edit: func(e *estate.Estate) {
				e.Hardening.PasswordPolicies[audittest.ProdKey] = &estate.PasswordPolicy{MinLength: 6}
			},
			Want: []string{hrdProdRes},
			Msg: "minimum length 6, not at least 14; does not require uppercase letters, lowercase letters, numbers, symbols; " +
				"passwords never expire, not within 90 days; previous passwords may be reused, not the last 24 refused",
		},
		"002 stronger than the guidance passes": {
			Check: "GW-HRD-002",
			Edit:  policy(audittest.ProdKey, func(p *estate.PasswordPolicy) { p.MinLength, p.MaxAgeDays = 32, 30 }),
		},
		"002 leaves a missing policy to 001": {
			Check: "GW-HRD-002",
			Edit:  func(e *estate.Estate) { delete(e.Hardening.PasswordPolicies, audittest.ProdKey) },
		},
		"003 off": {
			Check: "GW-HRD-003",
			Edit: func(e *estate.Estate) {
				e.Hardening.PublicAccessBlocks[audittest.ProdKey] = &estate.PublicAccessBlock{}
			},
			Want: []string{hrdProdRes}, Msg: "S3 Block Public Access is off for the account",
		},
		"003 partly on": {
			Check: "GW-HRD-003",
			Edit: func(e *estate.Estate) {
				e.Hardening.PublicAccessBlocks[audittest.MgmtKey] = &estate.PublicAccessBlock{BlockPublicACLs: true, IgnorePublicACLs: true}
			},
			Want: []string{hrdMgmtRes}, Msg: "only partly on for the account (BlockPublicPolicy, RestrictPublicBuckets off)",
		},
		"004 default VPCs by account": {
			Check: "GW-HRD-004",
			Edit: func(e *estate.Estate) {
				withDefaultVPC(audittest.ArchiveKey, audittest.Home, "vpc-1", 0)(e)
				withDefaultVPC(audittest.ArchiveKey, audittest.Other, "vpc-2", 3)(e)
				withDefaultVPC(audittest.ProdKey, audittest.Other, "vpc-3", 0)(e)
			},
			Want: []string{hrdArchiveRes, hrdProdRes}, Msg: "default VPC in eu-west-1, us-east-1",
		},
		"004 says what runs there": {
			Check: "GW-HRD-004",
			Edit:  withDefaultVPC(audittest.ArchiveKey, audittest.Other, "vpc-2", 3),
			Want:  []string{hrdArchiveRes}, Msg: "default VPC in us-east-1 (3 network interfaces)",
		},
		"004 closing account": {
			Check: "GW-HRD-004",
			Edit: func(e *estate.Estate) {
				withDefaultVPC(audittest.ArchiveKey, audittest.Other, "vpc-2", 0)(e)
				audittest.Account(e, "log-archive").Status = "PENDING_CLOSURE"
			},
		},
		"005 users": {
			Check: "GW-HRD-005",
			Edit: func(e *estate.Estate) {
				e.Hardening.ManagementUsers["alice"] = &estate.IAMUser{Name: "alice"}
				e.Hardening.ManagementUsers["break-glass"] = &estate.IAMUser{Name: "break-glass", BreakGlass: true}
			},
			Want: []string{"iam-user/alice (management)"}, Msg: "IAM user alice in the management account",
		},
		"006 root access keys": {
			Check: "GW-HRD-006",
			Edit:  func(e *estate.Estate) { e.Hardening.Roots[audittest.MgmtKey].AccessKeys = true },
			Want:  []string{hrdMgmtRes}, Msg: "the root user has access keys",
		},
		"007 root without MFA": {
			Check: "GW-HRD-007",
			Edit: func(e *estate.Estate) {
				e.Hardening.Roots[audittest.ProdKey].MFA = false
				e.Hardening.Roots[audittest.ArchiveKey].MFA = false
			},
			Want: []string{hrdArchiveRes, hrdProdRes}, Msg: "the root user has no MFA",
		},
		"007 summary not read": {
			Check: "GW-HRD-007",
			Edit:  func(e *estate.Estate) { delete(e.Hardening.Roots, audittest.ProdKey) },
		},
	})
}

// TestFindingPlaces: an account-wide setting's finding names its account
// by ID, and no Region.
func TestFindingPlaces(t *testing.T) {
	audittest.RunPlaces(t, map[string]audittest.PlaceCase{
		"root access keys": {Clean: hardened, Check: "GW-HRD-006",
			Edit: func(e *estate.Estate) { e.Hardening.Roots[audittest.ArchiveKey].AccessKeys = true },
			Want: audittest.Place{Resource: hrdArchiveRes, Account: "111111111111"}},
	})
}
