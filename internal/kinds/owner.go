package kinds

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"sync"

	"github.com/groundwork-aws/groundwork/internal/plan"
)

// OwnerTagKey and OwnerTagValue are the tag groundwork puts on what it
// creates where AWS takes tags (OUs, organization policies, ...): the
// marker that lets --allow-delete remove it later. AWS reserves only the
// "aws:" prefix, and no tag policy groundwork generates names this key.
// docs/ownership.md says what each kind of resource carries.
const (
	OwnerTagKey   = "groundwork:managed"
	OwnerTagValue = "true"
)

// Owned reports whether tags carry groundwork's ownership marker: the one
// test of ownership every kind that deletes uses.
func Owned(tags map[string]string) bool { return tags[OwnerTagKey] == OwnerTagValue }

// OwnerTags returns tags with groundwork's ownership marker added: the tags
// a kind creates a resource with. tags is not changed.
func OwnerTags(tags map[string]string) map[string]string {
	out := maps.Clone(tags)
	if out == nil {
		out = map[string]string{}
	}
	out[OwnerTagKey] = OwnerTagValue
	return out
}

// WithoutOwnerTag returns tags without groundwork's marker: the tags a
// person wrote, as the spec and the import see them.
func WithoutOwnerTag(tags map[string]string) map[string]string {
	if _, ok := tags[OwnerTagKey]; !ok {
		return tags
	}
	out := maps.Clone(tags)
	delete(out, OwnerTagKey)
	return out
}

// DeleteBasis is the basis of a delete or detach of a resource with tags:
// plan.BasisMarked when it carries groundwork's marker, else none, and
// Plan then leaves it alone.
func DeleteBasis(tags map[string]string) plan.Basis {
	if Owned(tags) {
		return plan.BasisMarked
	}
	return ""
}

// leaveUnowned moves every change of p that needs --allow-delete and has
// no Basis out of the plan, into p.LeftAlone, and with it every change
// that depends on one moved (an OU that would be empty only once its
// child is deleted, a policy that would be deleted only once detached).
func leaveUnowned(p *plan.Plan) {
	left := map[string]string{}
	for _, ch := range p.Changes {
		if ch.NeedsAllowDelete && ch.Action != plan.NoOp && ch.Basis == "" {
			reason := "groundwork did not make it (it carries no " + OwnerTagKey + "=" + OwnerTagValue + " tag) and the spec does not name it"
			if ch.Reason != "" {
				reason = ch.Reason + ", but " + reason
			}
			left[ch.Address] = reason
		}
	}
	for changed := len(left) > 0; changed; {
		changed = false
		for _, ch := range p.Changes {
			if _, done := left[ch.Address]; done {
				continue
			}
			for _, d := range ch.DependsOn {
				if _, ok := left[d]; ok {
					left[ch.Address] = fmt.Sprintf("it needs %s first, which is left alone", d)
					changed = true
					break
				}
			}
		}
	}
	if len(left) == 0 {
		return
	}
	kept := p.Changes[:0]
	for _, ch := range p.Changes {
		reason, ok := left[ch.Address]
		if !ok {
			kept = append(kept, ch)
			continue
		}
		p.LeftAlone = append(p.LeftAlone, plan.LeftAlone{Address: ch.Address, Kind: ch.Kind, Action: ch.Action, Reason: reason})
	}
	p.Changes = kept
}

// Confirmation is a flag of plan and apply that releases the deletes of
// the changes whose Confirm names it, apart from --allow-delete.
type Confirmation struct {
	// Flag is the flag's name without dashes, as Change.Confirm holds it.
	Flag string
	// Usage is the flag's help text.
	Usage string
}

var confirmations = struct {
	sync.RWMutex
	list []Confirmation
}{}

// RegisterConfirmation adds a flag to plan and apply. It panics on an
// empty or duplicate flag, or one named allow-delete.
func RegisterConfirmation(c Confirmation) {
	confirmations.Lock()
	defer confirmations.Unlock()
	if c.Flag == "" || c.Flag == "allow-delete" || slices.ContainsFunc(confirmations.list, func(o Confirmation) bool { return o.Flag == c.Flag }) {
		panic(fmt.Sprintf("kinds: confirmation flag %q is empty, reserved or registered twice", c.Flag))
	}
	confirmations.list = append(confirmations.list, c)
	sort.Slice(confirmations.list, func(i, j int) bool { return confirmations.list[i].Flag < confirmations.list[j].Flag })
}

// Confirmations returns the registered confirmation flags, sorted.
func Confirmations() []Confirmation {
	confirmations.RLock()
	defer confirmations.RUnlock()
	return slices.Clone(confirmations.list)
}
