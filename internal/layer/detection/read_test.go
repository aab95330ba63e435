package detection

import (
	"context"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer"
	aatypes "github.com/aws/aws-sdk-go-v2/service/accessanalyzer/types"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/smithy-go"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/inventory"
)

// The layer read through fakes of its two reads: Security Hub is off in
// eu-west-1 (InvalidAccessException, as AWS answers), and one place
// refuses the analyzer list, which alone is left unread.

const (
	mgmtID, prodID = "111111111111", "444444444444"
	prodKey        = "payments-prod@example.com"
)

type fake struct{ at, deny estate.Location }

func (f fake) DescribeHub(context.Context, *securityhub.DescribeHubInput, ...func(*securityhub.Options)) (*securityhub.DescribeHubOutput, error) {
	if f.at.Region == "eu-west-1" {
		return nil, &smithy.GenericAPIError{Code: "InvalidAccessException", Message: "Account is not subscribed to AWS Security Hub"}
	}
	return &securityhub.DescribeHubOutput{HubArn: aws.String("arn:aws:securityhub:us-east-1:" + string(f.at.Account) + ":hub/default")}, nil
}

func (f fake) ListAnalyzers(_ context.Context, in *accessanalyzer.ListAnalyzersInput, _ ...func(*accessanalyzer.Options)) (*accessanalyzer.ListAnalyzersOutput, error) {
	if f.at == f.deny {
		return nil, &smithy.GenericAPIError{Code: "AccessDeniedException", Message: "not authorized"}
	}
	if in.NextToken == nil {
		return &accessanalyzer.ListAnalyzersOutput{NextToken: aws.String("2"), Analyzers: []aatypes.AnalyzerSummary{{Name: aws.String("z"), Type: aatypes.TypeAccount, Status: aatypes.AnalyzerStatusActive}}}, nil
	}
	return &accessanalyzer.ListAnalyzersOutput{Analyzers: []aatypes.AnalyzerSummary{{Name: aws.String("a"), Type: aatypes.TypeOrganization, Status: aatypes.AnalyzerStatusDisabled}}}, nil
}

type fakeClients struct{ deny estate.Location }

func (c fakeClients) SecurityHub(w estate.Location) hubReadAPI { return fake{at: w, deny: c.deny} }
func (c fakeClients) AccessAnalyzer(w estate.Location) analyzerReadAPI {
	return fake{at: w, deny: c.deny}
}

func TestReadPerPlace(t *testing.T) {
	e := estate.New()
	e.Organization = &estate.Organization{ID: "o-abc", RootID: "r-1", FeatureSet: "ALL", ManagementAccountID: mgmtID}
	e.Accounts[prodKey] = &estate.Account{ID: prodID, Email: prodKey, Status: "ACTIVE"}
	scope := estate.Scope{Accounts: []string{estate.ManagementKey, prodKey}, Regions: []string{"us-east-1", "eu-west-1"}, HomeRegion: "us-east-1"}
	var mu sync.Mutex
	var warned []inventory.Unread
	opts := inventory.Options{Warn: func(err error) { mu.Lock(); warned = append(warned, inventory.UnreadOf(err)); mu.Unlock() }}
	if err := readWith(context.Background(), fakeClients{deny: estate.Location{Account: prodID, Region: "us-east-1"}}, e, scope, opts); err != nil {
		t.Fatal(err)
	}
	if len(warned) != 1 || warned[0].Read != readAnalyzers || warned[0].Account != prodID || warned[0].Region != "us-east-1" {
		t.Fatalf("unread = %+v, want the analyzers of %s us-east-1 only", warned, prodID)
	}
	d := e.Detection
	for _, key := range []estate.AccountKey{estate.ManagementKey, prodKey} {
		if hub, read := d.SecurityHub[estate.PlaceKey(key, "eu-west-1")]; !read || hub != nil {
			t.Errorf("%s eu-west-1: hub %+v (read %v), want read and off", key, hub, read)
		}
		if hub := d.SecurityHub[estate.PlaceKey(key, "us-east-1")]; hub == nil || hub.ARN == "" {
			t.Errorf("%s us-east-1: hub %+v, want on", key, hub)
		}
	}
	if _, read := d.Analyzers[estate.PlaceKey(prodKey, "us-east-1")]; read {
		t.Error("analyzers recorded where the read failed")
	}
	as := d.Analyzers[estate.PlaceKey(estate.ManagementKey, "eu-west-1")]
	if len(as) != 2 || as[0].Name != "a" || as[0].Type != "ORGANIZATION" || as[0].Status != "DISABLED" || as[1].Name != "z" {
		t.Errorf("analyzers = %+v, want both pages by name", as)
	}
}

// lackingFake is an endpoint without IAM Access Analyzer at all.
type lackingFake struct{ fake }

func (lackingFake) ListAnalyzers(context.Context, *accessanalyzer.ListAnalyzersInput, ...func(*accessanalyzer.Options)) (*accessanalyzer.ListAnalyzersOutput, error) {
	return nil, &smithy.GenericAPIError{Code: "NotImplemented", Message: "not implemented"}
}

type lackingClients struct{}

func (lackingClients) SecurityHub(w estate.Location) hubReadAPI { return fake{at: w} }
func (lackingClients) AccessAnalyzer(w estate.Location) analyzerReadAPI {
	return lackingFake{fake{at: w}}
}

// An endpoint that lacks a service says so once, for every account and
// Region, not once per place.
func TestReadLackingServiceWarnsOnce(t *testing.T) {
	e := estate.New()
	e.Organization = &estate.Organization{ID: "o-abc", RootID: "r-1", FeatureSet: "ALL", ManagementAccountID: mgmtID}
	e.Accounts[prodKey] = &estate.Account{ID: prodID, Email: prodKey, Status: "ACTIVE"}
	scope := estate.Scope{Accounts: []string{estate.ManagementKey, prodKey}, Regions: []string{"us-east-1", "eu-west-1"}, HomeRegion: "us-east-1"}
	var mu sync.Mutex
	var warned []inventory.Unread
	opts := inventory.Options{Warn: func(err error) { mu.Lock(); warned = append(warned, inventory.UnreadOf(err)); mu.Unlock() }}
	if err := readWith(context.Background(), lackingClients{}, e, scope, opts); err != nil {
		t.Fatal(err)
	}
	if len(warned) != 1 || warned[0].Read != readAnalyzers || warned[0].Account != "" || warned[0].Region != "" {
		t.Fatalf("unread = %+v, want the analyzers of every account once", warned)
	}
	if len(e.Detection.Analyzers) != 0 || len(e.Detection.SecurityHub) != 4 {
		t.Errorf("analyzers %v, hubs %d: want none read and all four hubs", e.Detection.Analyzers, len(e.Detection.SecurityHub))
	}
}
