package audit

import "time"

// Suppression mutes the findings of one check on the resources its glob
// matches, for a stated reason, until it expires.
type Suppression struct {
	CheckID  string    `json:"check_id"`
	Resource string    `json:"resource"` // a glob over Finding.Resource; "*" for all
	Reason   string    `json:"reason"`
	Expires  time.Time `json:"expires,omitzero"`
	// Source is where the suppression was written: "suppressions.yaml:12".
	Source string `json:"source,omitempty"`
}

// Notice reports a suppression that no longer does its job: it has expired
// (its findings are reported again) or it matched no finding.
type Notice struct {
	Kind        string      `json:"kind"` // "expired" or "unused"
	Suppression Suppression `json:"suppression"`
	Message     string      `json:"message"`
}
