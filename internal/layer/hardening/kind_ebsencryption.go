package hardening

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/plan"
)

// KindEBSEncryption turns EBS encryption by default on in one account and
// Region (CIS AWS Foundations v3.0.0 2.2.1): every new EBS volume and
// snapshot copy there is encrypted, whatever its creator asks.
// EnableEbsEncryptionByDefault sets the setting, so the change is
// idempotent. groundwork never turns it off: a spec that stops asking
// leaves each Region as it is.
const KindEBSEncryption = "ebs-encryption-by-default"

// EBSEncryptionAddress is the address of EBS encryption by default in an
// account and Region.
func EBSEncryptionAddress(accountKey, region string) string {
	return kinds.Address(KindEBSEncryption, accountKey+"/"+region)
}

// EBSEncryptionAPI is the part of the EC2 client the kind calls.
type EBSEncryptionAPI interface {
	EnableEbsEncryptionByDefault(context.Context, *ec2.EnableEbsEncryptionByDefaultInput, ...func(*ec2.Options)) (*ec2.EnableEbsEncryptionByDefaultOutput, error)
}

var _ EBSEncryptionAPI = (*ec2.Client)(nil)

func init() {
	kinds.Register(kinds.Registration{Name: KindEBSEncryption, Diff: diffEBSEncryption, Apply: applyEBSEncryption})
}

// ebsEncryptionValue is where an EBS encryption change turns it on.
type ebsEncryptionValue struct {
	Where estate.Where `json:"where"`
}

func diffEBSEncryption(desired, actual *estate.Estate) ([]plan.Change, []string) {
	d := desired.Hardening
	if d == nil {
		return nil, nil
	}
	var have map[string]*estate.EBSEncryption
	if actual.Hardening != nil {
		have = actual.Hardening.EBSEncryption
	}
	var changes []plan.Change
	for _, key := range slices.Sorted(maps.Keys(d.EBSEncryption)) {
		want := d.EBSEncryption[key]
		acct := string(want.Account)
		if !want.Enabled || closing(actual, acct) {
			continue
		}
		attrs := func(on bool) plan.Attrs {
			return plan.Attrs{"account": acct, "region": want.Region, "enabled": strconv.FormatBool(on)}
		}
		ch := plan.SetValue(plan.Change{Address: EBSEncryptionAddress(acct, want.Region), Kind: KindEBSEncryption,
			Group: kinds.UnitOf(desired, want.Account), After: attrs(true), DependsOn: kinds.AccountDeps(want.Account)},
			ebsEncryptionValue{Where: want.Where})
		switch a := have[key]; {
		case a == nil:
			ch.Action = plan.Create
		case !a.Enabled:
			ch.Action, ch.Before = plan.Update, attrs(false)
		default:
			continue
		}
		changes = append(changes, ch)
	}
	return changes, nil
}

func applyEBSEncryption(ctx context.Context, env *kinds.Env, ch plan.Change) error {
	v, err := plan.ValueOf[ebsEncryptionValue](ch)
	if err != nil {
		return err
	}
	clients, err := clientsOf(env)
	if err != nil {
		return err
	}
	w, err := env.At(v.Where)
	if err != nil {
		return fmt.Errorf("EBS encryption by default: %w", err)
	}
	if _, err := clients.EBSEncryption(w).EnableEbsEncryptionByDefault(ctx, &ec2.EnableEbsEncryptionByDefaultInput{}); err != nil {
		return fmt.Errorf("enable EBS encryption by default in %s: %w", w, err)
	}
	return nil
}
