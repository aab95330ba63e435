package plan

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
)

// Action is what a change does.
type Action int

// The actions, in the order a plan lists them within a group.
const (
	NoOp Action = iota
	Create
	Update
	Delete
)

var actionNames = [...]string{NoOp: "no-op", Create: "create", Update: "update", Delete: "delete"}

func (a Action) String() string {
	if int(a) < len(actionNames) {
		return actionNames[a]
	}
	return fmt.Sprintf("Action(%d)", int(a))
}

// Symbol is the one-character marker of an action in a rendered plan.
func (a Action) Symbol() string {
	switch a {
	case Create:
		return "+"
	case Update:
		return "~"
	case Delete:
		return "-"
	}
	return " "
}

// MarshalText writes the action's name.
func (a Action) MarshalText() ([]byte, error) { return []byte(a.String()), nil }

// UnmarshalText reads an action's name.
func (a *Action) UnmarshalText(b []byte) error {
	for i, n := range actionNames {
		if n == string(b) {
			*a = Action(i)
			return nil
		}
	}
	return fmt.Errorf("unknown plan action %q", b)
}

// Attrs are a resource's attributes as a reviewer reads them: flat string
// keys and values, with maps flattened as "tags.Owner".
type Attrs map[string]string

// Change is one step of a plan.
type Change struct {
	// Address names the resource uniquely and stably, e.g. "unit/Workloads/Prod"
	// or "account/aws-payments-prod-primary@example.com".
	Address string `json:"address"`
	// Kind is the registered kind that carries the change out.
	Kind   string `json:"kind"`
	Action Action `json:"action"`
	// Group is the OU path the change is shown under ("" for the root).
	Group  string `json:"group"`
	Before Attrs  `json:"before,omitempty"`
	After  Attrs  `json:"after,omitempty"`
	Reason string `json:"reason,omitempty"`
	// DependsOn lists addresses that must be applied first.
	DependsOn []string `json:"depends_on,omitempty"`
	// NeedsAllowDelete marks a change that removes or detaches something;
	// apply skips it unless run with --allow-delete (or with the flag
	// Confirm names).
	NeedsAllowDelete bool `json:"needs_allow_delete,omitempty"`
	// Basis says why groundwork may remove or detach what a change marked
	// NeedsAllowDelete names: BasisMarked or BasisSpec. A planned delete
	// without one is not made: the plan lists it under LeftAlone instead.
	Basis Basis `json:"basis,omitempty"`
	// Confirm, when set, is the flag (without its dashes) that releases
	// this change instead of --allow-delete: a delete confirmed on its own,
	// not bundled with deleting OUs and policies.
	Confirm string `json:"confirm,omitempty"`
	// Adopt marks a change that only records groundwork's ownership marker
	// on a resource the spec declares and groundwork made before it marked
	// what it makes. It changes nothing a resource does: HasChanges and
	// Counts leave it out, and apply carries it out with the rest.
	Adopt bool `json:"adopt,omitempty"`
	// Value is what the kind's Apply works from: the kind's own typed
	// desired value, set with SetValue and read with ValueOf. Before and
	// After are for people; Value is for the machine, so that nothing is
	// parsed back out of display strings.
	Value any `json:"value,omitempty"`
}

// SetValue sets a change's typed value and returns the change.
func SetValue[T any](ch Change, v T) Change {
	ch.Value = v
	return ch
}

// ValueOf returns a change's typed value: the value itself in a plan made
// in this process, or the same value decoded from a saved plan, where it
// was read back as plain JSON. A change without a value, or whose value
// does not decode as T, is an error naming the change: a saved plan edited
// by hand or made by another version.
func ValueOf[T any](ch Change) (T, error) {
	var out T
	switch v := ch.Value.(type) {
	case T:
		return v, nil
	case nil:
		return out, fmt.Errorf("change %s carries no value; make the plan again with this groundwork", ch.Address)
	}
	b, err := json.Marshal(ch.Value)
	if err == nil {
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		err = dec.Decode(&out)
	}
	if err != nil {
		return out, fmt.Errorf("change %s: its value is not a %T: %w; make the plan again with this groundwork", ch.Address, out, err)
	}
	return out, nil
}

// FormatVersion is the version of the saved plan format. Version 2
// records the layers read by name (Reads).
const FormatVersion = 2

// Plan is every change needed, plus notes for things groundwork saw and
// deliberately leaves alone.
type Plan struct {
	FormatVersion int    `json:"format_version"`
	Spec          string `json:"spec,omitempty"`
	// AccessRole is the role apply creates in new accounts and assumes in
	// member accounts, from the spec the plan was made with.
	AccessRole string `json:"access_role,omitempty"`
	// Reads names the layers the plan read beyond the OU tree and
	// accounts, so that applying a saved plan reads the same to compare;
	// it reads the spec again to know where they live.
	Reads []string `json:"reads,omitempty"`
	// Fingerprint identifies the actual estate the plan was computed from;
	// applying a saved plan refuses when the estate has moved since.
	Fingerprint string   `json:"fingerprint"`
	Changes     []Change `json:"changes"`
	Notes       []string `json:"notes,omitempty"`
	// LeftAlone lists what a delete or detach would have removed but
	// groundwork leaves, because it neither made it nor does the spec name
	// it; a reviewer sees them in the plan's "Left alone" section.
	LeftAlone []LeftAlone `json:"left_alone,omitempty"`
}

// Basis is why groundwork may remove or detach something.
type Basis string

// The bases of a delete.
const (
	// BasisMarked: the resource carries groundwork's ownership marker, so
	// groundwork made it (or adopted it while the spec declared it).
	BasisMarked Basis = "marked"
	// BasisSpec: the spec asks for this delete by name (a setting that
	// deletes default VPCs or IAM users, a delegated administrator the
	// spec moves).
	BasisSpec Basis = "spec"
)

// LeftAlone is one thing the plan leaves although the spec does not have
// it: what a delete would have done, and why it does not.
type LeftAlone struct {
	Address string `json:"address"`
	Kind    string `json:"kind"`
	Action  Action `json:"action"`
	Reason  string `json:"reason"`
}

// Sort orders changes by group, then address, so that a plan renders and
// saves the same way every time.
func (p *Plan) Sort() {
	sort.SliceStable(p.Changes, func(i, j int) bool {
		a, b := p.Changes[i], p.Changes[j]
		if a.Group != b.Group {
			return a.Group < b.Group
		}
		return a.Address < b.Address
	})
	sort.Strings(p.Notes)
	sort.SliceStable(p.LeftAlone, func(i, j int) bool { return p.LeftAlone[i].Address < p.LeftAlone[j].Address })
}

// Counts returns how many changes of each action the plan holds.
func (p *Plan) Counts() map[Action]int {
	c := map[Action]int{}
	for _, ch := range p.Changes {
		if !ch.Adopt {
			c[ch.Action]++
		}
	}
	return c
}

// HasChanges reports whether applying the plan would change anything
// besides adopting (see Change.Adopt).
func (p *Plan) HasChanges() bool {
	for _, ch := range p.Changes {
		if ch.Action != NoOp && !ch.Adopt {
			return true
		}
	}
	return false
}

// Adoptions returns the changes that only record groundwork's ownership
// marker (see Change.Adopt).
func (p *Plan) Adoptions() []Change {
	var out []Change
	for _, ch := range p.Changes {
		if ch.Adopt && ch.Action != NoOp {
			out = append(out, ch)
		}
	}
	return out
}

// Release says which changes marked NeedsAllowDelete an apply may carry
// out: with AllowDelete those without Confirm, and those whose Confirm
// flag is among Confirmed.
type Release struct {
	AllowDelete bool
	Confirmed   []string
}

// Releases reports whether r lets ch run.
func (r Release) Releases(ch Change) bool {
	if !ch.NeedsAllowDelete {
		return true
	}
	if ch.Confirm != "" {
		return slices.Contains(r.Confirmed, ch.Confirm)
	}
	return r.AllowDelete
}

// Flag is the command-line flag that releases ch: --allow-delete, or the
// one its Confirm names.
func (ch Change) Flag() string {
	if ch.Confirm != "" {
		return "--" + ch.Confirm
	}
	return "--allow-delete"
}

// Validate checks that a plan read from a file is well formed: known
// version, unique addresses, dependencies that exist and no cycles.
func (p *Plan) Validate() error {
	if p.FormatVersion != FormatVersion {
		return fmt.Errorf("plan format version %d is not supported (want %d); make the plan again with this groundwork", p.FormatVersion, FormatVersion)
	}
	_, err := p.check()
	return err
}

// check is Validate without the version, and also returns the path of the
// value at fault ("changes[3].address"), for Parse to place the message.
func (p *Plan) check() (string, error) {
	index := map[string]int{}
	for i, ch := range p.Changes {
		if _, dup := index[ch.Address]; dup {
			return fmt.Sprintf("changes[%d].address", i), fmt.Errorf("plan lists %s twice", ch.Address)
		}
		index[ch.Address] = i
	}
	for i, ch := range p.Changes {
		for j, dep := range ch.DependsOn {
			if _, ok := index[dep]; !ok {
				return fmt.Sprintf("changes[%d].depends_on[%d]", i, j), fmt.Errorf("%s depends on %s, which is not in the plan", ch.Address, dep)
			}
		}
	}
	// Depth-first search for cycles, without recursion: a hand-made plan
	// may chain a million changes.
	state := make([]int, len(p.Changes)) // 0 new, 1 on stack, 2 done
	type frame struct{ i, next int }
	for root := range p.Changes {
		if state[root] != 0 {
			continue
		}
		stack := []frame{{root, 0}}
		state[root] = 1
		for len(stack) > 0 {
			top := &stack[len(stack)-1]
			deps := p.Changes[top.i].DependsOn
			if top.next == len(deps) {
				state[top.i] = 2
				stack = stack[:len(stack)-1]
				continue
			}
			dep := index[deps[top.next]]
			top.next++
			switch state[dep] {
			case 1:
				return fmt.Sprintf("changes[%d]", dep), fmt.Errorf("plan has a dependency cycle through %s", p.Changes[dep].Address)
			case 0:
				state[dep] = 1
				stack = append(stack, frame{dep, 0})
			}
		}
	}
	return "", nil
}

// Marshal encodes the plan as indented JSON.
func (p *Plan) Marshal() ([]byte, error) {
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// Unmarshal decodes and validates a saved plan.
func Unmarshal(b []byte) (*Plan, error) {
	var p Plan
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("read plan: %w", err)
	}
	if err := p.Validate(); err != nil {
		return nil, fmt.Errorf("read plan: %w", err)
	}
	return &p, nil
}
