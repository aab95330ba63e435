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
	env := &Env{Session: &awsx.Session{}}
	if got, err := ClientsOf(env, "toy", real); err != nil || got.Name() != "real" {
		t.Errorf("without SetClients: %v, %v, want the real clients", got, err)
	}
	SetClients[toyClients](env, namedClients("fake"))
	if got, err := ClientsOf(env, "toy", real); err != nil || got.Name() != "fake" {
		t.Errorf("after SetClients: %v, %v, want the fake", got, err)
	}
}

func TestClientsOfWithoutSessionNamesTheLayer(t *testing.T) {
	real := func(*awsx.Session) toyClients { return namedClients("real") }
	_, err := ClientsOf(&Env{}, "toy", real)
	const want = "no toy clients: the apply has no session and none were set"
	if err == nil || err.Error() != want {
		t.Errorf("without a session or set clients: %v, want %q", err, want)
	}
}
