package detection

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"golang.org/x/sync/errgroup"

	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/inventory"
)

// hubReadAPI is the part of the Security Hub client the layer reads.
type hubReadAPI interface {
	DescribeHub(context.Context, *securityhub.DescribeHubInput, ...func(*securityhub.Options)) (*securityhub.DescribeHubOutput, error)
}

// analyzerReadAPI is the part of the IAM Access Analyzer client the layer
// reads.
type analyzerReadAPI interface {
	ListAnalyzers(context.Context, *accessanalyzer.ListAnalyzersInput, ...func(*accessanalyzer.Options)) (*accessanalyzer.ListAnalyzersOutput, error)
}

var (
	_ hubReadAPI      = (*securityhub.Client)(nil)
	_ analyzerReadAPI = (*accessanalyzer.Client)(nil)
)

// readClients builds the layer's read clients in an account (by AWS ID)
// and Region.
type readClients interface {
	SecurityHub(w estate.Location) hubReadAPI
	AccessAnalyzer(w estate.Location) analyzerReadAPI
}

// sessionReadClients are the real read clients of a session: the
// management account's own credentials there, the access role elsewhere.
type sessionReadClients struct{ inventory.Configs }

var _ readClients = sessionReadClients{}

func (c sessionReadClients) SecurityHub(w estate.Location) hubReadAPI { return c.At(w).SecurityHub() }
func (c sessionReadClients) AccessAnalyzer(w estate.Location) analyzerReadAPI {
	return c.At(w).AccessAnalyzer()
}

// What the layer's checks read (audit.Check.Reads), and the parts a failed
// read records as not read at its place.
const (
	readSecurityHub = "detection/securityhub"
	readAnalyzers   = "detection/accessanalyzer"
)

// survey reads the layer over scope into actual.Detection, through r's
// session.
func survey(ctx context.Context, r inventory.Reader, actual *estate.Estate, scope estate.Scope) error {
	return readWith(ctx, sessionReadClients{r.Configs(actual)}, actual, scope, r.Options())
}

// detectionRead is one collection of the layer: the clients, the options
// (for warnings) and a guarded result.
type detectionRead struct {
	clients readClients
	opts    inventory.Options
	// places says what a failed read at one place means.
	places *inventory.PlaceReads
	mu     sync.Mutex
	out    *estate.Detection
}

func (r *detectionRead) locked(f func(d *estate.Detection)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	f(r.out)
}

// readWith reads the layer in every active account of scope, in each of
// its Regions: Security Hub's hub (one call) and the IAM Access Analyzer
// analyzers (one paginated read), opts.Width at a time.
//
// A read that fails leaves that part of that place unread: with
// opts.Warn set, the failure goes there as a NotReadError of the part at
// the account and Region, so that the checks are not evaluated there and
// are everywhere else; without it, the first failure is returned and
// e.Detection stays unset.
func readWith(ctx context.Context, clients readClients, e *estate.Estate, scope estate.Scope, opts inventory.Options) error {
	if e.Organization == nil {
		return nil
	}
	out := estate.NewDetection()
	out.Regions = slices.Compact(slices.Sorted(slices.Values(scope.Regions)))
	r := &detectionRead{clients: clients, opts: opts, places: inventory.NewPlaceReads(opts), out: out}
	accounts := inventory.ActiveAccounts(e, scope.Accounts)
	for _, a := range accounts {
		out.Accounts = append(out.Accounts, string(a.Key))
	}
	opts.Progressf("reading Security Hub and IAM Access Analyzer in %d accounts and %d Regions", len(accounts), len(out.Regions))
	err := opts.ForEachAccount(ctx, accounts, func(ctx context.Context, g *errgroup.Group, a inventory.Account) {
		for _, region := range out.Regions {
			w, at := a.In(region)
			g.Go(func() error { return r.places.Failed(ctx, r.hub(ctx, w, at), readSecurityHub, at) })
			g.Go(func() error { return r.places.Failed(ctx, r.analyzers(ctx, w, at), readAnalyzers, at) })
		}
	})
	if err != nil {
		return err
	}
	e.Detection = out
	return nil
}

// hubOff reports whether DescribeHub's error says Security Hub is not
// enabled: AWS answers InvalidAccessException ("Account ... is not
// subscribed to AWS Security Hub"), and ResourceNotFoundException where
// the hub is gone.
func hubOff(err error) bool {
	return awsx.ErrorCodeIs(err, "InvalidAccessException") || awsx.ErrorCodeIs(err, "ResourceNotFoundException")
}

// hub reads whether Security Hub is enabled at the place.
func (r *detectionRead) hub(ctx context.Context, w estate.Where, at estate.Location) error {
	res, err := r.clients.SecurityHub(at).DescribeHub(ctx, &securityhub.DescribeHubInput{})
	var hub *estate.SecurityHub
	switch {
	case hubOff(err):
	case err != nil:
		return fmt.Errorf("describe the Security Hub of %s in %s: %w", at.Account, at.Region, err)
	default:
		hub = &estate.SecurityHub{Where: w, ARN: aws.ToString(res.HubArn)}
	}
	r.locked(func(d *estate.Detection) { d.SecurityHub[w.String()] = hub })
	return nil
}

// analyzers reads the IAM Access Analyzer analyzers of the place.
func (r *detectionRead) analyzers(ctx context.Context, w estate.Where, at estate.Location) error {
	as := []*estate.Analyzer{}
	pages := accessanalyzer.NewListAnalyzersPaginator(r.clients.AccessAnalyzer(at), &accessanalyzer.ListAnalyzersInput{})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("list the IAM Access Analyzer analyzers of %s in %s: %w", at.Account, at.Region, err)
		}
		for _, a := range page.Analyzers {
			as = append(as, &estate.Analyzer{Where: w, Name: aws.ToString(a.Name), ARN: aws.ToString(a.Arn),
				Type: string(a.Type), Status: string(a.Status)})
		}
	}
	slices.SortFunc(as, func(a, b *estate.Analyzer) int { return strings.Compare(a.Name, b.Name) })
	r.locked(func(d *estate.Detection) { d.Analyzers[w.String()] = as })
	return nil
}
