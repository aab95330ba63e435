package plan_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/plan"
)

// What a delete needs, what is left alone and what is adopted are in the
// text a reviewer reads and in the JSON a script reads.
func TestLeftAloneAdoptAndConfirmAreShown(t *testing.T) {
	p := &plan.Plan{FormatVersion: plan.FormatVersion, Changes: []plan.Change{
		{Address: "unit/Old", Kind: "unit", Action: plan.Delete, NeedsAllowDelete: true, Basis: plan.BasisMarked},
		{Address: "default-vpc/a/us-east-1", Kind: "default-vpc", Action: plan.Delete, NeedsAllowDelete: true,
			Basis: plan.BasisSpec, Confirm: "allow-delete-default-vpcs"},
		{Address: "unit/Security", Kind: "unit", Action: plan.Update, Adopt: true},
	}, LeftAlone: []plan.LeftAlone{{Address: "unit/Hand.made", Kind: "unit", Action: plan.Delete, Reason: "groundwork did not make it"}}}
	render := func(r plan.Release) string {
		var b bytes.Buffer
		plan.RenderFor(&b, p, r)
		return b.String()
	}
	out := render(plan.Release{AllowDelete: true})
	for _, want := range []string{
		"- unit Old\n",
		"- default-vpc a/us-east-1  (needs --allow-delete-default-vpcs)",
		"Left alone:\n  * delete unit/Hand.made: groundwork did not make it",
		"Plan: 0 to create, 0 to update, 2 to delete.",
		"Adopt: apply marks 1 resources the spec declares as groundwork's",
		"1 of them remove or detach something and run only with --allow-delete-default-vpcs.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("plan lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "~ unit Security") {
		t.Errorf("an adoption is shown as a change:\n%s", out)
	}
	out = render(plan.Release{Confirmed: []string{"allow-delete-default-vpcs"}})
	if !strings.Contains(out, "- unit Old  (needs --allow-delete)") || strings.Contains(out, "a/us-east-1  (needs") {
		t.Errorf("with only the default VPC flag:\n%s", out)
	}
	b, err := p.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	var back struct {
		LeftAlone []struct{ Address, Reason string } `json:"left_alone"`
		Changes   []struct {
			Basis, Confirm string
			Adopt          bool
		}
	}
	if err := json.Unmarshal(b, &back); err != nil || len(back.LeftAlone) != 1 || back.LeftAlone[0].Address != "unit/Hand.made" ||
		back.Changes[0].Basis != "marked" || back.Changes[1].Confirm != "allow-delete-default-vpcs" || !back.Changes[2].Adopt {
		t.Errorf("JSON plan: %v %+v\n%s", err, back, b)
	}
	// Only adoptions: no changes.
	q := &plan.Plan{Changes: []plan.Change{{Address: "unit/Security", Kind: "unit", Action: plan.Update, Adopt: true}}}
	if q.HasChanges() || len(q.Adoptions()) != 1 {
		t.Errorf("adoption-only plan: HasChanges %v, adoptions %d", q.HasChanges(), len(q.Adoptions()))
	}
	var b2 bytes.Buffer
	plan.Render(&b2, q, false)
	if !strings.HasPrefix(b2.String(), "No changes.") || !strings.Contains(b2.String(), "Adopt: apply marks 1") {
		t.Errorf("adoption-only plan:\n%s", b2.String())
	}
}

func TestReleases(t *testing.T) {
	del := plan.Change{NeedsAllowDelete: true}
	vpc := plan.Change{NeedsAllowDelete: true, Confirm: "allow-delete-default-vpcs"}
	for _, tt := range []struct {
		r        plan.Release
		del, vpc bool
	}{
		{plan.Release{}, false, false},
		{plan.Release{AllowDelete: true}, true, false},
		{plan.Release{Confirmed: []string{"allow-delete-default-vpcs"}}, false, true},
		{plan.Release{AllowDelete: true, Confirmed: []string{"allow-delete-default-vpcs"}}, true, true},
	} {
		if tt.r.Releases(del) != tt.del || tt.r.Releases(vpc) != tt.vpc || !tt.r.Releases(plan.Change{}) {
			t.Errorf("%+v releases delete %v, default VPC %v", tt.r, tt.r.Releases(del), tt.r.Releases(vpc))
		}
	}
}
