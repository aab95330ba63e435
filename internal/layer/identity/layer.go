package identity

import (
	"context"
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
)

func init() {
	layer.Register(layer.Layer{
		Name: "identity",
		// After the organization layer, whose delegated administrators
		// say which account runs Identity Center.
		Order:  50,
		Wanted: func(desired *estate.Estate) bool { return desired.Identity != nil },
		Read: func(ctx context.Context, r inventory.Reader, desired, actual *estate.Estate) error {
			return read(ctx, r, desired.Identity, actual, desired.HomeRegion, false)
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
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	for _, p := range readParts {
		if !p.wanted(want, survey) || (p.center && (id.Center == nil || id.Center.InstanceMissing)) {
			continue
		}
		g.Go(func() error { return p.read(gctx, r, want, actual, &mu) })
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
