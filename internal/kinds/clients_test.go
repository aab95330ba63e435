package kinds

import (
	"testing"

	"github.com/groundwork-aws/groundwork/internal/awsx"
)

type toyClients interface{ Name() string }

type namedClients string

func (n namedClients) Name() string { return string(n) }

func TestClientsOfPrefersWhatTestsSet(t *testing.T) {
	real := func(*awsx.Session) toyClients { return namedClients("real") }
	env := &Env{}
	if got := ClientsOf(env, real).Name(); got != "real" {
		t.Errorf("without SetClients: %s, want the real clients", got)
	}
	SetClients[toyClients](env, namedClients("fake"))
	if got := ClientsOf(env, real).Name(); got != "fake" {
		t.Errorf("after SetClients: %s, want the fake", got)
	}
}
