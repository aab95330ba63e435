package hardening_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	s3ctypes "github.com/aws/aws-sdk-go-v2/service/s3control/types"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/kinds/kindstest"
	"github.com/groundwork-aws/groundwork/internal/layer/hardening"
)

// Every hardening kind passes the kinds conformance suite: from an
// organization nothing has hardened, and from one hardened loosely.
func TestConformance(t *testing.T) {
	const section = "{management_iam_users: delete}"
	desired := func() *estate.Estate { d, _ := hrdEstates(t, section); return d }
	fake := func(w *hrdWorld) kindstest.Fake {
		_, base := hrdEstates(t, section)
		return kindstest.FakeFuncs{
			InstallFunc: func(env *kinds.Env) { kinds.SetClients[hardening.Clients](env, w) },
			ObserveFunc: func() *estate.Estate {
				e := w.observe(base, desired().Hardening)
				e.Hardening.Caller = hrdCaller
				return e
			},
			WritesFunc: func() int { return len(w.writeLog()) },
		}
	}
	starts := []kindstest.Start{
		{Name: "bare", New: func(*testing.T) kindstest.Fake { return fake(hrdBareWorld()) }},
		{Name: "loose", New: func(*testing.T) kindstest.Fake {
			w := hrdBareWorld()
			for _, id := range []string{hrdMgmtID, hrdLAID, hrdWebID} {
				w.policies[id] = &iam.UpdateAccountPasswordPolicyInput{MinimumPasswordLength: aws.Int32(8)}
				w.blocks[id] = &s3control.PutPublicAccessBlockInput{AccountId: aws.String(id),
					PublicAccessBlockConfiguration: &s3ctypes.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(true)}}
			}
			// EBS encrypts by default in one Region; web-prod has a
			// support role that trusts another account and holds nothing.
			w.ebs[estate.Location{Account: hrdLAID, Region: "eu-west-1"}] = true
			w.roles[hrdWebID+"/groundwork-support"] = &hrdFakeRole{name: "groundwork-support", path: "/org-admin/",
				trust: "arn:aws:iam::999999999999:root"}
			return fake(w)
		}},
	}
	cases := []kindstest.Case{
		{Kind: hardening.KindPasswordPolicy, Desired: desired, Starts: starts},
		{Kind: hardening.KindAccountPublicAccessBlock, Desired: desired, Starts: starts},
		{Kind: hardening.KindEBSEncryption, Desired: desired, Starts: starts},
		{Kind: hardening.KindSupportRole, Desired: desired, Starts: starts},
		{Kind: hardening.KindDefaultVPC, Desired: desired, Starts: starts, Deletes: true,
			SpecDeletes: "hardening.delete_default_vpcs asks for them"},
		{Kind: hardening.KindManagementIAMUser, Desired: desired, Starts: starts, Deletes: true,
			SpecDeletes: "hardening.management_iam_users: delete asks for them"},
	}
	kindstest.RunPackage(t, "github.com/groundwork-aws/groundwork/internal/layer/hardening", cases)
}
