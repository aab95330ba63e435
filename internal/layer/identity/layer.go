package identity

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssoadmin"
	"golang.org/x/sync/errgroup"

	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/inventory"
	"github.com/groundwork-aws/groundwork/internal/layer"
	"github.com/groundwork-aws/groundwork/internal/spec"
)

func init() {
	layer.Register(layer.Layer{
		Name: "identity",
		// After the organization layer, whose delegated administrators
		// say which account runs Identity Center.
		Order:  50,
		Wanted: func(desired *estate.Estate) bool { return desired.Identity != nil },
		Read: func(ctx context.Context, r inventory.Reader, desired, actual *estate.Estate) error {
			if err := read(ctx, r, desired.Identity, actual, desired.HomeRegion, false); err != nil {
				return err
			}
			// Plan and apply stop here when an identity provider has not
			// provisioned a principal the spec names: groundwork never
			// creates them, and an assignment to nobody cannot be made.
			return missingPrincipals(desired.Identity, actual.Identity)
		},
		// The audit reads every model the organization may use, whatever
		// the spec asks for: an organization without a spec is judged too.
		Survey: func(ctx context.Context, r inventory.Reader, scope estate.Scope, desired, actual *estate.Estate) error {
			var want *estate.Identity
			if desired != nil {
				want = desired.Identity
			}
			return read(ctx, r, want, actual, scope.HomeRegion, true)
		},
		Forget: func(e *estate.Estate) { e.Identity = nil },
	})
}

// readPart is one part of the layer's read: the Identity Store, the
// permission sets and assignments, the Identity-account model. Each read
// file adds its parts in init() with addReadPart; read runs them at the
// same time, after the instance read when they need the instance.
type readPart struct {
	// name is the part as a failed read records it ("identity/users").
	name string
	// center says the part reads Identity Center: it runs after the
	// instance read, only when an instance was found.
	center bool
	// wanted says whether the part is read for want (nil in a survey
	// without a spec); a survey reads every part whose wanted accepts nil.
	wanted func(want *estate.Identity, survey bool) bool
	// after names the parts whose read must have finished before this
	// one starts: those whose fields it reads (the assignments map
	// principal IDs to the names the store part read). A part named here
	// that is not read this time is not waited for; one that failed
	// stops the read (or, when it warned instead, left its fields nil).
	after []string
	// read reads the part into actual.Identity. It may be called at the
	// same time as the other parts: it writes only its own fields, under
	// the lock it is given.
	read func(ctx context.Context, r inventory.Reader, want *estate.Identity, actual *estate.Estate, mu *sync.Mutex) error
}

var readParts []readPart

func addReadPart(p readPart) { readParts = append(readParts, p) }

// read reads the layer into actual.Identity: the Identity Center instance
// of the home Region first, then every wanted part at the same time.
func read(ctx context.Context, r inventory.Reader, want *estate.Identity, actual *estate.Estate, home string, survey bool) error {
	id := &estate.Identity{}
	actual.Identity = id
	needCenter := survey || (want != nil && want.Center != nil)
	if needCenter {
		c, err := readInstance(ctx, r, home)
		if err != nil {
			if r.Warn == nil {
				return err
			}
			r.Warn(err)
			id.Unread = append(id.Unread, inventory.UnreadOf(err).String())
		} else {
			id.Center = c
		}
	}
	var parts []readPart
	for _, p := range readParts {
		if p.wanted(want, survey) && (!p.center || (id.Center != nil && !id.Center.InstanceMissing)) {
			parts = append(parts, p)
		}
	}
	return runParts(ctx, parts, func(ctx context.Context, p readPart, mu *sync.Mutex) error {
		return p.read(ctx, r, want, actual, mu)
	})
}

// runParts runs every part at the same time, save that a part waits for
// those it names in after. The first failure cancels the rest.
func runParts(ctx context.Context, parts []readPart, run func(context.Context, readPart, *sync.Mutex) error) error {
	done := map[string]chan struct{}{}
	for _, p := range parts {
		done[p.name] = make(chan struct{})
	}
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	for _, p := range parts {
		g.Go(func() error {
			defer close(done[p.name])
			for _, a := range p.after {
				if ch, ok := done[a]; ok && a != p.name {
					select {
					case <-ch:
					case <-gctx.Done():
					}
				}
			}
			// A part waited for that failed has cancelled gctx.
			if err := gctx.Err(); err != nil {
				return err
			}
			return run(gctx, p, &mu)
		})
	}
	return g.Wait()
}

// instanceAPI is the part of the sso-admin client the instance read calls.
type instanceAPI interface {
	ListInstances(context.Context, *ssoadmin.ListInstancesInput, ...func(*ssoadmin.Options)) (*ssoadmin.ListInstancesOutput, error)
}

var _ instanceAPI = (*ssoadmin.Client)(nil)

// readInstance finds the Identity Center instance of the organization in
// the home Region, as the management account sees it. An organization
// instance is the one groundwork manages; an account instance of the
// management account is not (AWS allows none there once the organization
// has one).
func readInstance(ctx context.Context, r inventory.Reader, home string) (*estate.IdentityCenter, error) {
	api := awsx.ConfigFor{Session: r.Session, Region: home}.SSOAdmin()
	return listInstance(ctx, api, home)
}

// readInstanceName is the part a failed instance read records.
const readInstanceName = "identity/instance"

func listInstance(ctx context.Context, api instanceAPI, region string) (*estate.IdentityCenter, error) {
	c := &estate.IdentityCenter{Region: region}
	var found []*estate.IdentityCenter
	p := ssoadmin.NewListInstancesPaginator(api, &ssoadmin.ListInstancesInput{})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return nil, inventory.NotRead(readInstanceName, estate.ManagementKey, region, err)
		}
		for _, in := range out.Instances {
			if in.Status != "" && in.Status != "ACTIVE" {
				continue
			}
			found = append(found, &estate.IdentityCenter{Region: region,
				InstanceARN: aws.ToString(in.InstanceArn), IdentityStoreID: aws.ToString(in.IdentityStoreId)})
		}
	}
	if len(found) == 0 {
		c.InstanceMissing = true
		return c, nil
	}
	// The organization instance's ARN names no account; an account
	// instance's does not either, but is listed only to its own account:
	// the management account sees at most its organization's.
	slices.SortFunc(found, func(a, b *estate.IdentityCenter) int { return strings.Compare(a.InstanceARN, b.InstanceARN) })
	return found[0], nil
}

// InstanceStep is the checklist step that enables IAM Identity Center:
// AWS refuses CreateInstance for an organization instance, so groundwork
// cannot make one, and the layer waits for it.
const InstanceStep = "CL-015"

// centerPlan is what the Identity Center kinds diff: the desired
// instance's contents and the actual ones, which are nil when the layer
// was not read (an offline plan, which creates everything). ok is false
// when the spec manages no Identity Center, or when the home Region has
// no instance: then the layer waits for it and no kind of it plans
// anything (the user kind says so once, with waitingNote).
func centerPlan(desired, actual *estate.Estate) (want, have *estate.IdentityCenter, ok bool) {
	if desired.Identity == nil || desired.Identity.Center == nil {
		return nil, nil, false
	}
	if actual.Identity != nil {
		have = actual.Identity.Center
	}
	if have != nil && have.InstanceMissing {
		return desired.Identity.Center, have, false
	}
	return desired.Identity.Center, have, true
}

// waitingNote says, when the spec manages Identity Center and the home
// Region has no instance, that the layer waits for it and how to enable
// it; "" otherwise.
func waitingNote(desired, actual *estate.Estate) string {
	want, have, ok := centerPlan(desired, actual)
	if ok || want == nil || have == nil {
		return ""
	}
	return fmt.Sprintf("identity: IAM Identity Center is not enabled in %s, so nothing of the identity layer is planned: "+
		"the layer waits for the instance, which AWS lets only the console make. Enable it (checklist step %s: %s), then plan again",
		have.Region, InstanceStep, instanceConsolePath)
}

// instanceConsolePath is where the instance is enabled (checklist step
// CL-015).
const instanceConsolePath = "IAM Identity Center in the home Region, signed in to the management account > Enable > Enable with AWS Organizations"

// MissingPrincipalsError is the error plan and apply stop with when the
// identity source is external and the Identity Store lacks a user or
// group the spec names: the identity provider provisions them, and
// groundwork never creates them.
type MissingPrincipalsError struct {
	// Users and Groups are the missing names, sorted; Hints says, by
	// name, which name of the store is close to it.
	Users, Groups []string
	Hints         map[string]string
}

func (e *MissingPrincipalsError) Error() string {
	var names []string
	for _, u := range e.Users {
		names = append(names, "user "+u+e.Hints[u])
	}
	for _, g := range e.Groups {
		names = append(names, "group "+g+e.Hints[g])
	}
	return fmt.Sprintf("identity.source is external, and the Identity Store has no %s. "+
		"groundwork never creates users or groups an identity provider manages: provision them with the provider (SCIM), or correct the names in the spec",
		strings.Join(names, ", "))
}

// missingPrincipals returns a MissingPrincipalsError naming every user
// and group the spec names (declared, members or assigned) that the
// actual Identity Store lacks, when the source is external; nil when
// none is missing, the source is Identity Center, or the store was not
// read.
func missingPrincipals(want, have *estate.Identity) error {
	if want == nil || want.Center == nil || want.Center.Source != estate.SourceExternal ||
		have == nil || have.Center == nil || have.Center.Users == nil || have.Center.Groups == nil {
		return nil
	}
	users, groups := map[string]bool{}, map[string]bool{}
	for name := range want.Center.Users {
		users[name] = true
	}
	for name, g := range want.Center.Groups {
		groups[name] = true
		for _, m := range g.Members {
			users[m] = true
		}
	}
	for _, g := range want.Center.Grants {
		for _, u := range g.Users {
			users[u] = true
		}
		for _, gr := range g.Groups {
			groups[gr] = true
		}
	}
	e := &MissingPrincipalsError{Hints: map[string]string{}}
	for _, u := range slices.Sorted(maps.Keys(users)) {
		if findUser(have.Center.Users, u) == nil {
			e.Users = append(e.Users, u)
			e.Hints[u] = spec.Suggest(u, slices.Sorted(maps.Keys(have.Center.Users)))
		}
	}
	for _, g := range slices.Sorted(maps.Keys(groups)) {
		if have.Center.Groups[g] == nil {
			e.Groups = append(e.Groups, g)
			e.Hints[g] = spec.Suggest(g, slices.Sorted(maps.Keys(have.Center.Groups)))
		}
	}
	if len(e.Users)+len(e.Groups) == 0 {
		return nil
	}
	return e
}
