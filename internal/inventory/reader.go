package inventory

import (
	"github.com/aws/aws-sdk-go-v2/service/organizations"

	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/estate"
)

// Reader is what a layer reads AWS through: the management account's
// session (members are reached through its access role), how many calls
// run at once, and where warnings and progress go. Layers receive it from
// the framework; none of them builds its own.
type Reader struct {
	Session *awsx.Session
	// Width is how many reads run at once; DefaultWidth when 0.
	Width int
	// Warn, when set, makes optional parts of a read best-effort: a part
	// that cannot be read is passed to Warn and left unknown instead of
	// failing the read.
	// Reads call it from several goroutines at once.
	Warn func(error)
	// Progress, when set, is told what is being read.
	Progress func(format string, args ...any)
	// Shared, when set, makes the reads several layers make once per
	// run (see ReadOnce); the verbs set it, a reader built by hand
	// shares nothing.
	Shared *Shared
}

// Options returns the reader's tuning as the collectors take it.
func (r Reader) Options() Options {
	o := Options{Width: r.Width, Warn: r.Warn, Progress: r.Progress, Shared: r.Shared}
	if r.Session != nil {
		o.OrganizationsIn = func(account, management string) OrganizationsAPI {
			return organizations.NewFromConfig(r.Session.Config(account, management, ""))
		}
	}
	return o
}

// Configs places the clients a layer reads with: the management account's
// own credentials there, its access role in the members.
type Configs struct {
	Session      *awsx.Session
	ManagementID string
}

// Configs returns where r's session reaches the accounts of e's
// organization; without an organization, every account through the role.
func (r Reader) Configs(e *estate.Estate) Configs {
	c := Configs{Session: r.Session}
	if e.Organization != nil {
		c.ManagementID = e.Organization.ManagementAccountID
	}
	return c
}

// At returns the configuration of the clients in w.
func (c Configs) At(w estate.Location) awsx.ConfigFor {
	return awsx.ConfigFor{Session: c.Session, Account: string(w.Account), Management: c.ManagementID, Region: w.Region}
}
