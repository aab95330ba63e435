package inventory

import (
	"context"
	"sync"

	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/estate"
)

// PlaceReads decides what a failed read means in a collection fanned out
// over accounts and Regions, where each part at each place can fail alone.
// Make one per collection with NewPlaceReads; it is safe for concurrent
// use.
type PlaceReads struct {
	warn func(error)
	mu   sync.Mutex
	// lacking holds the parts whose service the endpoint does not
	// implement at all, said once for every place instead of per place.
	lacking map[string]bool
}

// NewPlaceReads returns the failure policy of a collection read with opts.
func NewPlaceReads(opts Options) *PlaceReads { return &PlaceReads{warn: opts.Warn} }

// Failed says what err, from reading part at at, means: nil, nothing; a
// cancelled read, the cancellation; otherwise, with the options' Warn set,
// the part not read at at (and the collection goes on, returning nil), or
// not read in every place when the endpoint lacks the service altogether
// (awsx.Unsupported), said once; without Warn, err itself, which ends the
// collection.
func (p *PlaceReads) Failed(ctx context.Context, err error, part string, at estate.Location) error {
	switch {
	case err == nil:
		return nil
	case ctx.Err() != nil:
		return ctx.Err()
	case p.warn == nil:
		return err
	case awsx.Unsupported(err):
		p.mu.Lock()
		said := p.lacking[part]
		if p.lacking == nil {
			p.lacking = map[string]bool{}
		}
		p.lacking[part] = true
		p.mu.Unlock()
		if !said {
			p.warn(NotRead(part, "", "", err))
		}
		return nil
	}
	p.warn(NotRead(part, string(at.Account), at.Region, err))
	return nil
}
