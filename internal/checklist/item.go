package checklist

import (
	"fmt"
	"strings"
)

// Status is the state of one item.
type Status int

// The states. The zero value is Unknown, so that an item whose state was
// never set cannot read as done.
const (
	// Unknown: an API was asked and could not tell; Detail says why.
	Unknown Status = iota
	// Todo: an API shows the step is not done.
	Todo
	// Manual: no API can tell; verify by hand.
	Manual
	// Done: an API shows the step is done.
	Done
)

var statusNames = [...]string{"unknown", "todo", "manual", "done"}

// Statuses lists every state in the order reports use: what needs doing
// first, what is settled last.
func Statuses() []Status { return []Status{Todo, Unknown, Manual, Done} }

// String is the lowercase name: "todo", "unknown", "manual", "done".
func (s Status) String() string {
	if s < Unknown || s > Done {
		return fmt.Sprintf("status(%d)", int(s))
	}
	return statusNames[s]
}

// MarshalText encodes the state as its name, which is how it appears in
// JSON. It fails for a value outside Unknown..Done.
func (s Status) MarshalText() ([]byte, error) {
	if s < Unknown || s > Done {
		return nil, fmt.Errorf("marshal status: invalid value %d", int(s))
	}
	return []byte(s.String()), nil
}

// UnmarshalText is the inverse of MarshalText.
func (s *Status) UnmarshalText(b []byte) error {
	name := strings.ToLower(strings.TrimSpace(string(b)))
	for i, n := range statusNames {
		if n == name {
			*s = Status(i)
			return nil
		}
	}
	return fmt.Errorf("unknown status %q: valid states are %s", b, strings.Join(statusNames[:], ", "))
}

// Item is one step of the checklist for one account, or for the whole
// organization when AccountID and AccountName are empty.
type Item struct {
	// ID is stable, "CL-<NNN>"; a step that applies to every member
	// account gives one item per account, all with the step's ID.
	ID    string `json:"id"`
	Title string `json:"title"`
	// Guidance names the recommendations the step comes from, by guidance
	// file number and section: "000 Select AWS support tier".
	Guidance    string `json:"guidance"`
	AccountID   string `json:"account_id,omitempty"`
	AccountName string `json:"account_name,omitempty"`
	State       Status `json:"state"`
	// Detail says what the detector saw, or for a Manual item what to
	// check by hand.
	Detail string `json:"detail"`
	// ConsolePath is where in the AWS console the step is done.
	ConsolePath string `json:"console_path"`
}

// Account is an account the checklist looks at.
type Account struct {
	ID   string
	Name string
	// Management marks the organization's management account, where most
	// steps live. An Account with Management set and no ID stands for the
	// account of the Reader's own credentials (a standalone account).
	Management bool
}

// label names the account in messages: "123456789012 (name)".
func (a Account) label() string {
	switch {
	case a.ID == "" && a.Name == "":
		return "this account"
	case a.Name == "":
		return a.ID
	case a.ID == "":
		return a.Name
	}
	return a.ID + " (" + a.Name + ")"
}
