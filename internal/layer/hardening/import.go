package hardening

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/importer"
	"github.com/groundwork-aws/groundwork/internal/inventory"
)

// hardeningKey is the hardening section's key.
const hardeningKey = SpecKey

func init() {
	importer.RegisterSection(importer.SectionType{Key: hardeningKey, Order: 300, Read: readHardening, Write: writeHardening})
}

// Written where the hardening section would be when the import leaves the
// layer off: why, and how to turn it on.
const (
	hardeningNotRead  = "hardening: the hardening layer was not looked for, so groundwork's hardening layer stays off."
	hardeningNotFound = "hardening: no account has an IAM password policy, so groundwork's hardening layer stays off."
	hardeningLeftOff  = "hardening: the hardening layer could not be imported (see the warnings above), so it stays off."
	hardeningHowTo    = "\nTo have groundwork build it (a password policy, S3 Block Public Access, EBS encryption by default\n" +
		"and a support role in every account, no default VPCs), add the line `hardening: {}`."
)

// hardeningKinds are the kinds that carry out the hardening layer.
var hardeningKinds = map[string]bool{
	KindPasswordPolicy: true, KindAccountPublicAccessBlock: true,
	KindDefaultVPC: true, KindManagementIAMUser: true,
	KindEBSEncryption: true, KindSupportRole: true,
}

// ImportHint returns where groundwork's hardening layer would be in the
// organization im imports: the desired hardening layer of the would-be spec with `hardening: {}`.
func ImportHint(im *importer.Import) (*estate.Hardening, error) {
	f, err := im.Probe(hardeningKey, &Spec{})
	if err != nil {
		return nil, fmt.Errorf("import: the hardening layer's probe spec does not validate (a groundwork bug; please report it with these messages):\n%v", err)
	}
	return f.Desired().Hardening, nil
}

// readHardening reads the hardening layer where ImportHint says. A
// read that fails is passed to r.Warn and leaves actual.Hardening nil: the
// import then leaves the layer off.
func readHardening(ctx context.Context, r inventory.Reader, im *importer.Import) error {
	hint, err := ImportHint(im)
	if err != nil || hint == nil {
		return err
	}
	actual := im.Actual()
	if err := Read(ctx, inventory.Reader{Session: r.Session, Width: r.Width, Progress: r.Progress}, actual, hint); err != nil {
		actual.Hardening = nil
		r.Warn(fmt.Errorf("the hardening layer was not read, so the spec leaves it off: %w", err))
	}
	return nil
}

// writeHardening writes the hardening section when an account has an IAM
// password policy: `hardening: {}` with the password policy most accounts
// share, S3 Block Public Access as the accounts have it, and EBS
// encryption by default and the support role off where no account has
// them (on otherwise: the plan then makes the rest). Default VPCs
// are not looked at: the spec deletes them, and the warning about the
// changes names them.
func writeHardening(im *importer.Import) (any, string, error) {
	h := im.Actual().Hardening
	if h == nil {
		return nil, hardeningNotRead + hardeningHowTo, nil
	}
	common := commonPolicy(h)
	if common == nil {
		return nil, hardeningNotFound + hardeningHowTo, nil
	}
	defaults, err := im.Probe(hardeningKey, &Spec{})
	if err != nil {
		im.Warnf("the hardening layer cannot be written in the spec, which refuses it (%v); it is left off", importer.OneLine(err))
		return nil, hardeningLeftOff + hardeningHowTo, nil
	}
	def := SpecOf(defaults).PasswordPolicy
	s := &Spec{}
	pp := &s.PasswordPolicy
	if common.MinLength != def.MinLength {
		pp.MinLength = common.MinLength
	}
	for _, b := range []struct {
		field     **bool
		have, def bool
	}{
		{&pp.RequireUppercase, common.RequireUppercase, *def.RequireUppercase},
		{&pp.RequireLowercase, common.RequireLowercase, *def.RequireLowercase},
		{&pp.RequireNumbers, common.RequireNumbers, *def.RequireNumbers},
		{&pp.RequireSymbols, common.RequireSymbols, *def.RequireSymbols},
	} {
		if b.have != b.def {
			*b.field = &b.have
		}
	}
	if common.MaxAgeDays != *def.MaxAgeDays {
		pp.MaxAgeDays = &common.MaxAgeDays
	}
	if common.ReusePrevention != *def.ReusePrevention {
		pp.ReusePrevention = &common.ReusePrevention
	}
	var exceptions []string
	blocked := false
	for _, key := range slices.Sorted(maps.Keys(defaults.Accounts)) {
		b := h.PublicAccessBlocks[estate.EmailKey(defaults.Accounts[key].Email)]
		if b.On() {
			blocked = true
		} else if b != nil {
			exceptions = append(exceptions, key)
		}
	}
	switch {
	case !blocked && !h.PublicAccessBlocks[estate.ManagementKey].On():
		s.S3BlockPublicAccess.Enabled = new(bool)
	case len(exceptions) > 0:
		s.S3BlockPublicAccess.Exceptions = exceptions
	}
	// EBS encryption by default stays on where any Region has it (the
	// plan then turns it on in the rest); where none has, the spec leaves
	// it off, as it is.
	if !slices.ContainsFunc(slices.Collect(maps.Values(h.EBSEncryption)), func(x *estate.EBSEncryption) bool { return x.Enabled }) {
		s.EBSDefaultEncryption = new(bool)
	}
	s.SupportRole = importSupportRole(h, SpecOf(defaults).SupportRole)
	f, err := im.Probe(hardeningKey, s)
	if err != nil {
		im.Warnf("the hardening layer cannot be written in the spec, which refuses it (%v); it is left off", importer.OneLine(err))
		return nil, hardeningLeftOff + hardeningHowTo, nil
	}
	im.WarnChanges(hardeningKey, f, func(kind string) bool { return hardeningKinds[kind] })
	return s, "", nil
}

// importSupportRole is the support_role setting of the organization's
// hardening layer: off where no account has the role of the default name;
// else on, under the path the management account's role (or the first
// account's) has when it is not the default.
func importSupportRole(h *estate.Hardening, def SupportRoleSpec) SupportRoleSpec {
	keys := slices.Sorted(maps.Keys(h.SupportRoles))
	if len(keys) == 0 {
		return SupportRoleSpec{Enabled: new(bool)}
	}
	r := h.SupportRoles[keys[0]]
	if m := h.SupportRoles[estate.ManagementKey]; m != nil {
		r = m
	}
	if r.Path != def.Path {
		return SupportRoleSpec{Path: r.Path}
	}
	return SupportRoleSpec{}
}

// commonPolicy is the password policy most accounts have, the management
// account's among equals; nil when no account has one.
func commonPolicy(h *estate.Hardening) *estate.PasswordPolicy {
	count := map[estate.PasswordPolicy]int{}
	var best *estate.PasswordPolicy
	keys := slices.Sorted(maps.Keys(h.PasswordPolicies))
	if i := slices.Index(keys, estate.ManagementKey); i > 0 {
		keys = append([]string{estate.ManagementKey}, slices.Delete(keys, i, i+1)...)
	}
	for _, key := range keys {
		p := h.PasswordPolicies[key]
		if p == nil {
			continue
		}
		count[*p]++
		if best == nil || count[*p] > count[*best] {
			best = p
		}
	}
	return best
}
