package inventory

import "github.com/groundwork-aws/groundwork/internal/awsx"

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
	Warn func(error)
	// Progress, when set, is told what is being read.
	Progress func(format string, args ...any)
}

// Options returns the reader's tuning as the collectors take it.
func (r Reader) Options() Options {
	return Options{Width: r.Width, Warn: r.Warn, Progress: r.Progress}
}
