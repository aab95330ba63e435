package lease

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/ssm/types"
)

// fakeSSM keeps one account's parameters with their versions, as SSM
// does: a create-if-absent write fails with ParameterAlreadyExists, every
// write is the next version, "name:N" reads version N.
type fakeSSM struct {
	mu       sync.Mutex
	versions map[string][]string // name -> value of version i+1
}

func newFake() *fakeSSM { return &fakeSSM{versions: map[string][]string{}} }

func (f *fakeSSM) PutParameter(_ context.Context, in *ssm.PutParameterInput, _ ...func(*ssm.Options)) (*ssm.PutParameterOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	name := aws.ToString(in.Name)
	if len(f.versions[name]) > 0 && !aws.ToBool(in.Overwrite) {
		return nil, &types.ParameterAlreadyExists{Message: aws.String("exists")}
	}
	f.versions[name] = append(f.versions[name], aws.ToString(in.Value))
	return &ssm.PutParameterOutput{Version: int64(len(f.versions[name]))}, nil
}

func (f *fakeSSM) GetParameter(_ context.Context, in *ssm.GetParameterInput, _ ...func(*ssm.Options)) (*ssm.GetParameterOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	name, sel, _ := strings.Cut(aws.ToString(in.Name), ":")
	vs := f.versions[name]
	if len(vs) == 0 {
		return nil, &types.ParameterNotFound{}
	}
	v := len(vs)
	if sel != "" {
		n, _ := strconv.Atoi(sel)
		if n < 1 || n > len(vs) {
			return nil, &types.ParameterVersionNotFound{}
		}
		v = n
	}
	return &ssm.GetParameterOutput{Parameter: &types.Parameter{Name: aws.String(name), Value: aws.String(vs[v-1]), Version: int64(v)}}, nil
}

func (f *fakeSSM) current(t *testing.T) (Holder, bool) {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	vs := f.versions[Name]
	if len(vs) == 0 {
		return Holder{}, false
	}
	var h Holder
	if err := json.Unmarshal([]byte(vs[len(vs)-1]), &h); err != nil {
		t.Fatal(err)
	}
	return h, true
}

// put writes a lease as another apply would have.
func (f *fakeSSM) put(t *testing.T, h Holder) {
	t.Helper()
	b, _ := json.Marshal(h)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.versions[Name] = append(f.versions[Name], string(b))
}

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func clock(at time.Time) func() time.Time { return func() time.Time { return at } }

func opts() Options {
	return Options{Host: "here", Running: func(int) bool { return true }, Now: clock(t0)}
}

var other = Holder{Who: "arn:aws:sts::111111111111:assumed-role/Admin/ana", Host: "ci-runner-7", PID: 4242, Command: "apply",
	Token: "their-token", Started: t0.Add(-time.Minute), Expires: t0.Add(4 * time.Minute)}

// take observes the lease and acquires it, as an apply does around its
// reads.
func take(api API, h Holder, o Options) (*Lease, error) {
	seen, err := Observe(context.Background(), api, o)
	if err != nil {
		return nil, err
	}
	return Acquire(context.Background(), api, h, seen, o)
}

func me() Holder {
	return Holder{Who: "arn:aws:iam::111111111111:user/ben", Host: "here", PID: 7, Command: "apply"}
}

func TestAcquireFree(t *testing.T) {
	f := newFake()
	l, err := take(f, me(), opts())
	if err != nil {
		t.Fatal(err)
	}
	got, ok := f.current(t)
	if !ok || got.Token != l.Holder().Token || got.Who != me().Who || !got.Expires.Equal(t0.Add(DefaultTTL)) {
		t.Errorf("lease written %+v (present %v), want mine expiring at %s", got, ok, t0.Add(DefaultTTL))
	}
	if err := l.Release(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got, _ := f.current(t); !got.Released || got.Token != l.Holder().Token {
		t.Errorf("the lease after Release is %+v, want it released", got)
	}
	// Released, it is the next apply's to take.
	if _, err := take(f, me(), opts()); err != nil {
		t.Errorf("acquire after a release: %v", err)
	}
}

// losingSSM carries out the first create-if-absent write and loses its
// response, as a broken connection would; the SDK's retry then meets
// ParameterAlreadyExists.
type losingSSM struct {
	*fakeSSM
	lost bool
}

func (f *losingSSM) PutParameter(ctx context.Context, in *ssm.PutParameterInput, o ...func(*ssm.Options)) (*ssm.PutParameterOutput, error) {
	out, err := f.fakeSSM.PutParameter(ctx, in, o...)
	if err == nil && !f.lost && !aws.ToBool(in.Overwrite) {
		f.lost = true
		return f.fakeSSM.PutParameter(ctx, in, o...) // the retry
	}
	return out, err
}

// The create whose response was lost took the lease: Acquire does not
// refuse the apply for holding it itself.
func TestAcquireAfterALostCreateResponse(t *testing.T) {
	f := &losingSSM{fakeSSM: newFake()}
	l, err := take(f, me(), opts())
	if err != nil {
		t.Fatalf("acquire: %v", err)
	}
	if got, _ := f.current(t); got.Token != l.Holder().Token {
		t.Errorf("the lease is %+v, want mine", got)
	}
}

// An apply that took and released the lease while this one read the
// organization may have changed what it read: Acquire refuses.
func TestAcquireAfterAnotherApplyIsRefused(t *testing.T) {
	for name, before := range map[string]func(f *fakeSSM){
		"no lease yet":     func(*fakeSSM) {},
		"a released lease": func(f *fakeSSM) { h := other; h.Released = true; f.put(t, h) },
	} {
		t.Run(name, func(t *testing.T) {
			f := newFake()
			before(f)
			seen, err := Observe(context.Background(), f, opts())
			if err != nil {
				t.Fatal(err)
			}
			l, err := take(f, Holder{Who: "quick", Host: "elsewhere", PID: 1}, opts())
			if err != nil {
				t.Fatal(err)
			}
			l.Release(context.Background())
			if _, err := Acquire(context.Background(), f, me(), seen, opts()); !errors.Is(err, ErrChanged) {
				t.Errorf("error %v, want ErrChanged", err)
			}
		})
	}
}

func TestAcquireHeldIsRefused(t *testing.T) {
	f := newFake()
	f.put(t, other)
	_, err := take(f, me(), opts())
	var held *HeldError
	if !errors.As(err, &held) || held.Holder.Token != other.Token {
		t.Fatalf("error %v, want HeldError naming the holder", err)
	}
	for _, want := range []string{other.Who, "ci-runner-7 (pid 4242)", "until 2026-01-02T03:08:05Z (4m0s from now)", "--force-unlock"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message lacks %q:\n%v", want, err)
		}
	}
	if got, _ := f.current(t); got.Token != other.Token {
		t.Errorf("a refused acquire changed the lease: %+v", got)
	}
}

func TestAcquireTakesOver(t *testing.T) {
	tests := map[string]struct {
		held  Holder
		force bool
	}{
		"an expired lease":                        {held: func() Holder { h := other; h.Expires = t0.Add(-time.Second); return h }()},
		"a lease of this machine's ended process": {held: func() Holder { h := other; h.Host = "here"; h.PID = 99; return h }()},
		"a live lease with --force-unlock":        {held: other, force: true},
		"a value groundwork did not write":        {held: Holder{}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			f := newFake()
			f.put(t, tt.held)
			o := opts()
			o.Force = tt.force
			o.Running = func(pid int) bool { return pid != 99 }
			l, err := take(f, me(), o)
			if err != nil {
				t.Fatal(err)
			}
			if got, _ := f.current(t); got.Token != l.Holder().Token {
				t.Errorf("lease %+v, want mine", got)
			}
		})
	}
}

// Two applies take over one expired lease at once: the first write after
// it wins, the loser is refused naming the winner and puts the winner's
// value back.
func TestTakeOverRace(t *testing.T) {
	f := newFake()
	expired := other
	expired.Expires = t0.Add(-time.Second)
	f.put(t, expired)
	// The competitor's whole acquire lands between our read of the
	// expired lease and our overwrite.
	var winner *Lease
	writes := 0
	api := &countingAPI{fakeSSM: f, before: func() {
		if writes++; writes == 1 {
			w, err := take(f, Holder{Who: "winner", Host: "elsewhere", PID: 1}, opts())
			if err != nil {
				t.Errorf("the competitor: %v", err)
			}
			winner = w
		}
	}}
	_, err := take(api, me(), opts())
	var held *HeldError
	if !errors.As(err, &held) || held.Holder.Who != "winner" {
		t.Fatalf("error %v, want HeldError naming the winner", err)
	}
	if got, _ := f.current(t); winner == nil || got.Token != winner.Holder().Token {
		t.Errorf("lease %+v after the race, want the winner's", got)
	}
}

type countingAPI struct {
	*fakeSSM
	before func()
}

func (c *countingAPI) PutParameter(ctx context.Context, in *ssm.PutParameterInput, o ...func(*ssm.Options)) (*ssm.PutParameterOutput, error) {
	c.before()
	return c.fakeSSM.PutParameter(ctx, in, o...)
}

func TestRenewAndLose(t *testing.T) {
	f := newFake()
	o := opts()
	l, err := take(f, me(), o)
	if err != nil {
		t.Fatal(err)
	}
	later := t0.Add(time.Minute)
	l.opts.Now = clock(later)
	if err := l.Renew(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got, _ := f.current(t); !got.Expires.Equal(later.Add(DefaultTTL)) {
		t.Errorf("renewed lease expires %s, want %s", got.Expires, later.Add(DefaultTTL))
	}
	f.put(t, other) // taken over with --force-unlock elsewhere
	if err := l.Renew(context.Background()); !errors.Is(err, ErrLost) {
		t.Errorf("renew after a takeover: %v, want ErrLost", err)
	}
	if err := l.Release(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got, _ := f.current(t); got.Token != other.Token || got.Released {
		t.Errorf("Release released a lease it no longer held: %+v", got)
	}
}

// Keep renews in the background and cancels its context when the lease
// is lost.
func TestKeepCancelsWhenLost(t *testing.T) {
	f := newFake()
	o := opts()
	o.TTL = 50 * time.Millisecond
	l, err := take(f, me(), o)
	if err != nil {
		t.Fatal(err)
	}
	f.put(t, other)
	held, stop := l.Keep(context.Background())
	defer stop()
	<-held.Done()
	if cause := context.Cause(held); !errors.Is(cause, ErrLost) {
		t.Errorf("cause %v, want ErrLost", cause)
	}
}
