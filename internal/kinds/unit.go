package kinds

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/plan"
)

// KindUnit manages organizational units: created top-down, tagged with the
// spec's tags, deleted only with --allow-delete and only when empty of
// accounts the spec does not manage.
const KindUnit = "unit"

// UnitAddress is the address of the unit at path.
func UnitAddress(path string) string { return Address(KindUnit, path) }

func init() {
	Register(Registration{Name: KindUnit, Diff: diffUnits, Apply: applyUnit})
}

// unitValue is the unit a change creates, tags or deletes: its path, the
// tags to set, and for a delete its ID.
type unitValue struct {
	Path string            `json:"path"`
	Tags map[string]string `json:"tags,omitempty"`
	ID   string            `json:"id,omitempty"`
}

func diffUnits(desired, actual *estate.Estate) ([]plan.Change, []string) {
	var changes []plan.Change
	var notes []string
	orgDep := func() []string {
		if actual.Organization == nil {
			return []string{OrganizationAddress}
		}
		return nil
	}
	for _, d := range desired.SortedUnits() {
		a, exists := actual.Units[d.Path]
		if !exists {
			ch := plan.SetValue(plan.Change{
				Address: UnitAddress(d.Path), Kind: KindUnit, Action: plan.Create, Group: d.Parent(),
				After:     withTags(plan.Attrs{"name": d.Name()}, OwnerTags(d.Tags)),
				DependsOn: orgDep(),
			}, unitValue{Path: d.Path, Tags: OwnerTags(d.Tags)})
			if p := d.Parent(); p != estate.RootPath {
				if _, parentExists := actual.Units[p]; !parentExists {
					ch.DependsOn = append(ch.DependsOn, UnitAddress(p))
				}
			}
			changes = append(changes, ch)
			continue
		}
		// A unit the spec declares that lacks groundwork's marker was made
		// before groundwork marked what it makes, or by hand and then
		// declared: either way the spec manages it now, so it is marked
		// (adopted) with the next apply.
		want := d.Tags
		if !Owned(a.Tags) {
			want = OwnerTags(d.Tags)
		}
		if missing := missingTags(want, a.Tags); len(missing) > 0 {
			changes = append(changes, plan.SetValue(plan.Change{
				Address: UnitAddress(d.Path), Kind: KindUnit, Action: plan.Update, Group: d.Parent(),
				Before: withTags(plan.Attrs{}, pick(a.Tags, missing)),
				After:  withTags(plan.Attrs{}, pick(want, missing)),
				Adopt:  len(missing) == 1 && missing[0] == OwnerTagKey,
			}, unitValue{Path: d.Path, Tags: pick(want, missing)}))
		}
	}
	// Units the spec no longer has: delete children before parents, and
	// only when every account left in them is one the plan moves away.
	var extra []*estate.Unit
	for _, a := range actual.SortedUnits() {
		if _, wanted := desired.Units[a.Path]; !wanted {
			extra = append(extra, a)
		}
	}
	blocked := map[string]bool{}
	sort.Slice(extra, func(i, j int) bool { return strings.Count(extra[i].Path, "/") > strings.Count(extra[j].Path, "/") })
	for _, u := range extra {
		var stay []string
		var deps []string
		for _, acct := range actual.AccountsIn(u.Path) {
			d, managed := desired.Accounts[estate.EmailKey(acct.Email)]
			// diffAccounts leaves inactive accounts alone, so they stay
			// where they are just like unmanaged ones.
			if !managed || (acct.Status != "" && acct.Status != "ACTIVE") {
				stay = append(stay, fmt.Sprintf("%s (%s)", acct.Name, acct.ID))
				continue
			}
			if d.Unit != u.Path {
				deps = append(deps, AccountAddress(acct.Email))
			}
		}
		for _, c := range extra {
			if estate.ParentPath(c.Path) == u.Path {
				if blocked[c.Path] {
					stay = append(stay, "OU "+c.Name())
				}
				deps = append(deps, UnitAddress(c.Path))
			}
		}
		if len(stay) > 0 {
			blocked[u.Path] = true
			notes = append(notes, fmt.Sprintf("OU %s is not in the spec but still holds %s; it is kept (move them, or add the OU to the spec)",
				estate.DisplayPath(u.Path), strings.Join(stay, ", ")))
			continue
		}
		changes = append(changes, plan.SetValue(plan.Change{
			Address: UnitAddress(u.Path), Kind: KindUnit, Action: plan.Delete, Group: u.Parent(),
			Before:           withTags(plan.Attrs{"name": u.Name(), "id": u.ID}, u.Tags),
			Reason:           "not in the spec",
			DependsOn:        deps,
			NeedsAllowDelete: true,
			Basis:            DeleteBasis(u.Tags),
		}, unitValue{Path: u.Path, ID: u.ID}))
	}
	// A delete that depends on a blocked child cannot run.
	kept := changes[:0]
	for _, ch := range changes {
		ok := true
		for _, dep := range ch.DependsOn {
			if strings.HasPrefix(dep, KindUnit+"/") && blocked[strings.TrimPrefix(dep, KindUnit+"/")] {
				ok = false
			}
		}
		if ok {
			kept = append(kept, ch)
		}
	}
	return kept, notes
}

func applyUnit(ctx context.Context, env *Env, ch plan.Change) error {
	v, err := plan.ValueOf[unitValue](ch)
	if err != nil {
		return err
	}
	path := v.Path
	switch ch.Action {
	case plan.Create:
		parent, err := env.ParentID(ctx, estate.ParentPath(path))
		if err != nil {
			return fmt.Errorf("create OU %s: %w", path, err)
		}
		// Guard: CreateOrganizationalUnit fails on a duplicate name, so
		// look first and adopt a unit a previous run already created.
		id, err := findUnit(ctx, env.Organizations, parent, estate.PathName(path))
		if err != nil {
			return fmt.Errorf("create OU %s: %w", path, err)
		}
		if id == "" {
			// A lost response, or a unit of the same name made meanwhile
			// (DuplicateOrganizationalUnitException), is looked for again
			// and adopted with the spec's tags.
			adopted := false
			create := func(ctx context.Context) error {
				out, err := env.Organizations.CreateOrganizationalUnit(ctx, &organizations.CreateOrganizationalUnitInput{
					ParentId: aws.String(parent), Name: aws.String(estate.PathName(path)), Tags: orgTags(v.Tags),
				})
				if err == nil {
					id = aws.ToString(out.OrganizationalUnit.Id)
				}
				return err
			}
			look := func(ctx context.Context) (bool, error) {
				found, err := findUnit(ctx, env.Organizations, parent, estate.PathName(path))
				id, adopted = found, found != ""
				return adopted, err
			}
			if err := env.CreateOnce(ctx, "OU "+path, create, look, "DuplicateOrganizationalUnitException"); err != nil {
				return fmt.Errorf("create OU %s: %w", path, err)
			}
			if adopted {
				if err := tagResource(ctx, env, id, v.Tags); err != nil {
					return fmt.Errorf("tag OU %s: %w", path, err)
				}
			}
		} else if err := tagResource(ctx, env, id, v.Tags); err != nil {
			return fmt.Errorf("tag OU %s: %w", path, err)
		}
		env.setUnit(path, id)
		return nil
	case plan.Update:
		id, err := env.ParentID(ctx, path)
		if err != nil {
			return fmt.Errorf("tag OU %s: %w", path, err)
		}
		return tagResource(ctx, env, id, v.Tags)
	case plan.Delete:
		if _, err := env.Organizations.DeleteOrganizationalUnit(ctx, &organizations.DeleteOrganizationalUnitInput{OrganizationalUnitId: aws.String(v.ID)}); err != nil {
			var gone *types.OrganizationalUnitNotFoundException
			if errors.As(err, &gone) {
				return nil
			}
			return fmt.Errorf("delete OU %s: %w", path, err)
		}
		return nil
	}
	return fmt.Errorf("OU %s: cannot %s", path, ch.Action)
}

// findUnit returns the ID of the child unit of parent named name, or "".
func findUnit(ctx context.Context, api OrganizationsAPI, parent, name string) (string, error) {
	pages := organizations.NewListOrganizationalUnitsForParentPaginator(api, &organizations.ListOrganizationalUnitsForParentInput{ParentId: aws.String(parent)})
	for pages.HasMorePages() {
		out, err := pages.NextPage(ctx)
		if err != nil {
			return "", err
		}
		for _, ou := range out.OrganizationalUnits {
			if aws.ToString(ou.Name) == name {
				return aws.ToString(ou.Id), nil
			}
		}
	}
	return "", nil
}
