package logging

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/inventory"
)

// The parts of the layer a survey records as not read
// (inventory.NotRead), by account and Region, and that the checks name in
// Reads: a failure leaves only the checks over that part, there, not
// evaluated.
const (
	partTrails  = "trails"  // the trails an account sees, their status and selectors
	partConfig  = "config"  // recorders, delivery channels, rules and aggregators
	partBuckets = "buckets" // the buckets trails and delivery channels deliver to
	partKeys    = "keys"    // the KMS keys that encrypt the deliveries

	readTrails  = "logging/" + partTrails
	readConfig  = "logging/" + partConfig
	readBuckets = "logging/" + partBuckets
	readKeys    = "logging/" + partKeys
)

// bucketListAPI is the part of the S3 client the survey adds to
// ReadBucket's: the account's buckets, where each lives, and its access
// logging.
type bucketListAPI interface {
	ListBuckets(context.Context, *s3.ListBucketsInput, ...func(*s3.Options)) (*s3.ListBucketsOutput, error)
	GetBucketLocation(context.Context, *s3.GetBucketLocationInput, ...func(*s3.Options)) (*s3.GetBucketLocationOutput, error)
	GetBucketLogging(context.Context, *s3.GetBucketLoggingInput, ...func(*s3.Options)) (*s3.GetBucketLoggingOutput, error)
}

var _ bucketListAPI = (*s3.Client)(nil)

// surveyClients are the read clients of a survey.
type surveyClients interface {
	readClients
	BucketList(w estate.Location) bucketListAPI
}

func (c sessionReadClients) BucketList(w estate.Location) bucketListAPI { return c.At(w).S3() }

var _ surveyClients = sessionReadClients{}

// Survey reads the logging layer as the audit judges it, with or without
// a spec (want is the desired layer, nil without one): in every account
// and Region of scope, every trail the account sees (with the status and
// event selectors of those homed there), AWS Config's recorder, status,
// delivery channel, rules and aggregators; then the buckets, KMS keys and
// log groups the trails and delivery channels deliver to, wherever in the
// organization they live. What want names is read too, as plan reads it,
// so that drift and names work. A part that cannot be read is passed to
// r.Warn as an inventory.NotReadError of that part, account and Region,
// and left out; only a failure of what want names fails the whole layer.
func Survey(ctx context.Context, r inventory.Reader, scope estate.Scope, actual *estate.Estate, want *estate.Logging) error {
	return surveyWith(ctx, sessionReadClients{r.Configs(actual)}, actual, scope, want, r.Options())
}

// surveyRead is one survey: a logging read that the per-place reads
// below replace in part, and the accounts of the estate by ID.
type surveyRead struct {
	*loggingRead
	clients surveyClients
	opts    inventory.Options
	// keyOf names each account of the estate by the key the layer records
	// it under (estate.ManagementKey for the management account).
	keyOf map[estate.AccountID]estate.AccountKey
	// active are the active accounts among keyOf's, by ID.
	active map[estate.AccountID]bool
}

// place is an account and Region the survey reads in: where records it,
// at addresses its clients.
type place struct {
	where estate.Where
	at    estate.Location
}

func surveyWith(ctx context.Context, clients surveyClients, e *estate.Estate, scope estate.Scope, want *estate.Logging, opts inventory.Options) error {
	if e.Organization == nil {
		return nil
	}
	if want == nil {
		want = estate.NewLogging()
	}
	s := &surveyRead{
		loggingRead: &loggingRead{clients: clients, e: e, want: want, out: estate.NewLogging(), survey: true},
		clients:     clients, opts: opts,
		keyOf: map[estate.AccountID]estate.AccountKey{}, active: map[estate.AccountID]bool{},
	}
	s.soft = s.notRead
	for key, a := range e.Accounts {
		if a.ID == "" {
			continue
		}
		k := estate.AccountKey(key)
		if e.IsManagement(a) {
			k = estate.ManagementKey
		}
		s.keyOf[estate.AccountID(a.ID)], s.active[estate.AccountID(a.ID)] = k, a.Active()
	}
	places := s.places(scope)
	opts.Progressf("surveying the logging layer in %d accounts and Regions", len(places))

	// What want names and each place's trails and Config, at once.
	g, gctx := opts.Group(ctx)
	for _, c := range loggingCollectors {
		c(gctx, g, s.loggingRead)
	}
	for _, p := range places {
		g.Go(func() error { s.trails(gctx, p); return nil })
		g.Go(func() error { s.config(gctx, p); return nil })
	}
	if err := g.Wait(); err != nil {
		return err
	}
	// Then what the trails and delivery channels deliver to: the buckets
	// and log groups, then the keys, the buckets' own included.
	s.delivered(ctx, scope)
	s.keys(ctx)

	out := s.out
	out.HomeRegion = cmp.Or(want.HomeRegion, scope.HomeRegion)
	slices.SortFunc(out.Scope, compareWhere)
	out.Scope = slices.Compact(out.Scope)
	slices.SortFunc(out.TrailsRead, compareWhere)
	for _, t := range out.Trails {
		slices.SortFunc(t.SeenIn, compareWhere)
		t.SeenIn = slices.Compact(t.SeenIn)
	}
	e.Logging = out
	return nil
}

// places are the accounts and Regions the survey reads: every active
// account of scope in every Region of it, and the places want names
// (where Config should be, where its trails live), once each, sorted.
func (s *surveyRead) places(scope estate.Scope) []place {
	var wheres []estate.Where
	for _, a := range inventory.ActiveAccounts(s.e, scope.Accounts) {
		key := s.keyOf[a.ID]
		for _, region := range scope.Regions {
			wheres = append(wheres, estate.Where{Account: key, Region: region})
		}
	}
	wheres = append(wheres, s.want.Scope...)
	for _, t := range s.want.Trails {
		wheres = append(wheres, t.Where)
	}
	slices.SortFunc(wheres, compareWhere)
	wheres = slices.Compact(wheres)
	var out []place
	for _, w := range wheres {
		if at, ok := s.at(w); ok && w.Region != "" {
			out = append(out, place{where: w, at: at})
		}
	}
	return out
}

// accountKey names the account with AWS ID id as the layer records it; an
// account outside the estate keeps its ID for a key.
func (s *surveyRead) accountKey(id string) estate.AccountKey {
	if k, ok := s.keyOf[estate.AccountID(id)]; ok {
		return k
	}
	return estate.AccountKey(id)
}

// notRead reports a part not read at at to opts.Warn; without Warn (a
// read that must be whole) the survey has nobody to tell, and the part is
// left out all the same.
func (s *surveyRead) notRead(part string, at estate.Location, err error) {
	if s.opts.Warn != nil {
		s.opts.Warn(inventory.NotRead(part, string(at.Account), at.Region, err))
	}
}

// arnParts splits an ARN (arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE)
// into its service, Region, account and resource; ok is false for
// anything else.
func arnParts(arn string) (service, region, account, resource string, ok bool) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 || parts[0] != "arn" {
		return "", "", "", "", false
	}
	return parts[2], parts[3], parts[4], parts[5], true
}

// where places a resource of account id in region, by the layer's key.
func (s *surveyRead) where(id, region string) estate.Where {
	return estate.Where{Account: s.accountKey(id), Region: region}
}

// describe is the error text of a read at a place: "describe the trails
// of 111111111111 eu-west-1: ...".
func describe(what string, at estate.Location, err error) error {
	return fmt.Errorf("%s in %s: %w", what, cmp.Or(at.String(), "every account"), err)
}
