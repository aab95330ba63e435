package cli

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/groundwork-aws/groundwork/internal/lease"
	"github.com/groundwork-aws/groundwork/internal/testenv"
)

// putLease writes the apply lease as another apply would have, through
// the AWS CLI.
func putLease(t *testing.T, m *testenv.Server, h lease.Holder) {
	t.Helper()
	b, err := json.Marshal(h)
	if err != nil {
		t.Fatal(err)
	}
	m.AWS(t, "ssm", "put-parameter", "--name", lease.Name, "--type", "String", "--overwrite", "--value", string(b))
}

// readLease reads the apply lease through the AWS CLI; ok is false when
// there is none.
func readLease(t *testing.T, m *testenv.Server) (h lease.Holder, version int, ok bool) {
	t.Helper()
	out, err := m.TryAWS("ssm", "get-parameter", "--name", lease.Name)
	if err != nil {
		return h, 0, false
	}
	var p struct {
		Parameter struct {
			Value   string
			Version int
		}
	}
	if err := json.Unmarshal(out, &p); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(p.Parameter.Value), &h); err != nil {
		t.Fatal(err)
	}
	return h, p.Parameter.Version, true
}

var otherApply = lease.Holder{Who: "arn:aws:sts::123456789012:assumed-role/Admin/ana", Host: "ci-runner-7", PID: 4242,
	Command: "apply", Token: "their-token"}

func heldUntil(expires time.Time) lease.Holder {
	h := otherApply
	h.Started, h.Expires = time.Now().Add(-time.Minute).UTC(), expires.UTC()
	return h
}

// A second apply while another holds the lease is refused before it
// reads or writes anything, naming the holder and when the lease
// expires; plan and audit neither take nor mind the lease.
func TestApplyRefusedWhileLeaseHeld(t *testing.T) {
	m := testenv.Moto(t)
	m.Setenv(t)
	dir := newFoundation(t)
	putLease(t, m, heldUntil(time.Now().Add(4*time.Minute)))
	_, before, _ := readLease(t, m)

	code, _, errOut := run(t, dir, "", "apply", "--auto-approve", "--stats")
	for _, want := range []string{"another groundwork apply is running against this organization", otherApply.Who,
		"ci-runner-7 (pid 4242)", "--force-unlock", "API calls: 3 (3 reads, 0 writes)"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("refused apply's stderr lacks %q:\n%s", want, errOut)
		}
	}
	if code != ExitError {
		t.Errorf("refused apply: exit %d, want %d", code, ExitError)
	}
	if _, err := m.TryAWS("organizations", "describe-organization"); err == nil {
		t.Error("the refused apply created the organization")
	}
	mustRun(t, dir, ExitChanges, "plan", "--detailed-exitcode")
	if h, v, _ := readLease(t, m); h.Token != otherApply.Token || v != before {
		t.Errorf("plan touched the lease: %+v, version %d (was %d)", h, v, before)
	}
}

// --force-unlock takes a lease that is held; an expired one is taken
// without it. Either way the apply runs and releases the lease at its end.
func TestApplyTakesOverLease(t *testing.T) {
	tests := map[string]struct {
		expires time.Time
		args    []string
		stderr  string
	}{
		"expired":      {expires: time.Now().Add(-time.Second)},
		"force-unlock": {expires: time.Now().Add(time.Hour), args: []string{"--force-unlock"}, stderr: "--force-unlock: taking the apply lease from " + otherApply.Who},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			m := testenv.Moto(t)
			m.Setenv(t)
			dir := newFoundation(t)
			putLease(t, m, heldUntil(tt.expires))
			out, errOut := mustRun(t, dir, ExitOK, append([]string{"apply", "--auto-approve"}, tt.args...)...)
			if !strings.Contains(out, " 0 failed") || !strings.Contains(errOut, tt.stderr) {
				t.Errorf("apply:\n%s\n%s", out, errOut)
			}
			h, _, ok := readLease(t, m)
			if !ok || h.Token == otherApply.Token || !h.Released || h.Command != "apply" {
				t.Errorf("lease after the apply: %+v, want groundwork's, released", h)
			}
			// Released, the next apply takes it; with nothing to do it
			// writes nothing, the lease neither.
			_, errOut = mustRun(t, dir, ExitOK, "apply", "--auto-approve", "--stats")
			if !strings.Contains(errOut, " 0 writes)") {
				t.Errorf("an apply with nothing to do wrote:\n%s", errOut)
			}
		})
	}
}

// An apply that fails releases the lease too.
func TestFailedApplyReleasesLease(t *testing.T) {
	m := testenv.Moto(t)
	m.Setenv(t)
	dir := newFoundation(t)
	// A delegation moto refuses (motoDelegationGap) makes the apply fail.
	path := dir + "/foundation.yaml"
	src := readFile(t, path)
	const anchor = "    guardduty.amazonaws.com: security-tooling\n"
	if !strings.Contains(src, anchor) {
		t.Fatalf("starter spec lacks %q", anchor)
	}
	if err := os.WriteFile(path, []byte(strings.Replace(src, anchor, anchor+motoDelegationGap[0], 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := run(t, dir, "", "apply", "--auto-approve")
	if code != ExitError || !strings.Contains(out, "failed  create delegated-admin/cloudtrail.amazonaws.com") {
		t.Fatalf("apply with a delegation moto refuses: exit %d\n%s\n%s", code, out, errOut)
	}
	if h, _, ok := readLease(t, m); !ok || !h.Released {
		t.Errorf("the lease after a failed apply: %+v (present %v), want released", h, ok)
	}
}
