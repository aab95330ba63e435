package identity

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/importer"
	"github.com/groundwork-aws/groundwork/internal/policy"
	"github.com/groundwork-aws/groundwork/internal/spec"
)

// The import of the Identity-account model: the identity section of an
// organization that reaches its accounts through an Identity account
// (found by the read from the roles that trust it with MFA), so that plan
// on the result shows no changes to the model.

func init() { importAccountModel = writeAccountModel }

// accountModelKinds are the kinds that carry out the model.
var accountModelKinds = map[string]bool{KindIdentityGroup: true, KindIdentityUser: true, KindStageRole: true}

// writeAccountModel writes the identity section of the model the read
// found; ok false when it found none.
func writeAccountModel(im *importer.Import) (value any, note string, ok bool) {
	id := im.Actual().Identity
	if id == nil || id.Account == nil || len(id.Account.Roles) == 0 {
		return nil, "", false
	}
	m := id.Account
	leftOff := "identity: the Identity-account model could not be imported (see the warnings above), so the identity section stays off."
	key, found := im.AccountKey(m.Account)
	if !found {
		im.Warnf("the Identity account %s is left out of the spec, and so is the Identity-account model", m.Account)
		return nil, leftOff, true
	}
	_, written := im.Account(key)
	if written.Role != "" && written.Role != string(estate.RoleIdentity) {
		im.Warnf("account %s is the Identity account of the Identity-account model, but the spec gives it role %s; the model is left off", key, written.Role)
		return nil, leftOff, true
	}
	written.Role = string(estate.RoleIdentity)

	s := &Spec{Model: ModelIdentityAccount}
	am := &s.IdentityAccount
	if m.Group != "" && m.Group != "identity-users" {
		am.Group = m.Group
	}
	for _, name := range slices.Sorted(maps.Keys(m.Users)) {
		if m.Group != "" && slices.Contains(m.Users[name].Groups, m.Group) {
			am.Users = append(am.Users, name)
		}
	}
	roles := slices.SortedFunc(maps.Values(m.Roles), func(a, b *estate.StageRole) int {
		return strings.Compare(a.Where.Key(a.Name), b.Where.Key(b.Name))
	})
	if p := mostCommon(roles, func(r *estate.StageRole) string { return r.Path }); p != policy.DefaultProtectedRolePath {
		am.Path = p
	}
	if secs := mostCommon(roles, func(r *estate.StageRole) string { return fmt.Sprint(r.MaxSessionSeconds) }); secs != "3600" && secs != "0" {
		var n int
		fmt.Sscan(secs, &n)
		am.MaxSession = roleDuration(n)
	}
	f, err := im.Probe(SpecKey, s)
	if err != nil {
		im.Warnf("the identity section cannot be written in the spec, which refuses it (%v); it is left off", importer.OneLine(err))
		return nil, leftOff, true
	}
	am.Roles = importStageRoles(im, f, key, roles)
	if f, err = im.Probe(SpecKey, s); err != nil {
		im.Warnf("the identity section cannot be written in the spec, which refuses it (%v); it is left off", importer.OneLine(err))
		return nil, leftOff, true
	}
	im.WarnChanges(SpecKey, f, func(kind string) bool { return accountModelKinds[kind] })
	return s, "", true
}

// importStageRoles writes the stage roles by name: each with the managed
// policies most of its copies hold, and the stages of the accounts that
// hold it (none when every target account does). nil when they are the
// defaults.
func importStageRoles(im *importer.Import, f *spec.Foundation, identityKey string, roles []*estate.StageRole) map[string]*StageRoleSpec {
	byName := map[string][]*estate.StageRole{}
	for _, r := range roles {
		byName[r.Name] = append(byName[r.Name], r)
	}
	// The class of every target account, by e-mail key.
	class := map[estate.AccountKey]string{}
	for _, key := range f.AccountKeys() {
		if key != identityKey {
			class[f.Where(key, "").Account] = stageClass(f, key)
		}
	}
	out := map[string]*StageRoleSpec{}
	for _, name := range slices.Sorted(maps.Keys(byName)) {
		copies := byName[name]
		policies := mostCommon(copies, func(r *estate.StageRole) string { return strings.Join(r.ManagedPolicies, ",") })
		if policies == "" {
			im.Warnf("the stage role %s holds no managed policy, which the spec refuses; it is left out", name)
			continue
		}
		rs := &StageRoleSpec{}
		for _, arn := range strings.Split(policies, ",") {
			rs.ManagedPolicies = append(rs.ManagedPolicies, managedPolicyName(arn))
		}
		held := map[estate.AccountKey]bool{}
		for _, r := range copies {
			held[r.Account] = true
		}
		rs.Stages = stagesOf(held, class)
		if rs.Stages == nil && len(held) < len(class) {
			im.Warnf("the stage role %s is in some accounts of a stage and not others, which the spec cannot say; it is written for every account", name)
		}
		out[name] = rs
	}
	def := &AccountModel{}
	def.defaults(&spec.Foundation{})
	if sameRoles(out, def.Roles) {
		return nil
	}
	return out
}

// stagesOf returns the stages whose accounts are exactly those held: nil
// for every account (or for a set no stage list describes).
func stagesOf(held map[estate.AccountKey]bool, class map[estate.AccountKey]string) []string {
	if len(held) == len(class) {
		return nil
	}
	for _, stages := range [][]string{{estate.EnvProduction}, {estate.EnvNonProduction}, {estate.EnvNonProduction, estate.EnvProduction}} {
		match := true
		for acct, c := range class {
			if slices.Contains(stages, c) != held[acct] {
				match = false
				break
			}
		}
		if match {
			return stages
		}
	}
	return nil
}

func sameRoles(a, b map[string]*StageRoleSpec) bool {
	if len(a) != len(b) {
		return false
	}
	for name, r := range a {
		o := b[name]
		if o == nil || !slices.Equal(r.Stages, o.Stages) || !slices.Equal(slices.Sorted(slices.Values(r.ManagedPolicies)), slices.Sorted(slices.Values(o.ManagedPolicies))) {
			return false
		}
	}
	return true
}

// mostCommon is the value of f most items share, the first item's among
// equals; "" for no items.
func mostCommon[T any](items []T, f func(T) string) string {
	count := map[string]int{}
	best, first := "", true
	for _, it := range items {
		v := f(it)
		count[v]++
		if first || count[v] > count[best] {
			best, first = v, false
		}
	}
	return best
}

// roleDuration writes a maximum session as the spec does: "2h", "90m".
func roleDuration(secs int) string {
	d := time.Duration(secs) * time.Second
	if d%time.Hour == 0 {
		return fmt.Sprintf("%dh", int(d/time.Hour))
	}
	return fmt.Sprintf("%dm", int(d/time.Minute))
}
