package awssim

import (
	"context"
	"maps"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/groundwork-aws/groundwork/internal/awsx"
)

func tagsOf(ctx context.Context, org *organizations.Client, id string) (map[string]string, error) {
	out, err := org.ListTagsForResource(ctx, &organizations.ListTagsForResourceInput{ResourceId: aws.String(id)})
	if err != nil {
		return nil, err
	}
	tags := map[string]string{}
	for _, t := range out.Tags {
		tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return tags, nil
}

// A member that is a delegated administrator reads Organizations as the
// management account does; any other member, and a member's write, is
// refused as AWS refuses it.
func TestOrganizationsAuthorizesMembers(t *testing.T) {
	srv := httptest.NewServer(New(Org{Accounts: 10, Units: 2, Regions: []string{"eu-west-1"}, Limits: map[string]Bucket{}}))
	t.Cleanup(srv.Close)
	ctx := context.Background()
	mgmt := organizations.NewFromConfig(config(srv.URL, "testing"))
	want, err := tagsOf(ctx, mgmt, MemberID(7))
	if err != nil || len(want) == 0 {
		t.Fatalf("the management account's read of a workload's tags: %v, %v", want, err)
	}
	for _, i := range []int{SecurityTooling, IdentityCenter} {
		got, err := tagsOf(ctx, organizations.NewFromConfig(memberConfig(t, srv.URL, i)), MemberID(7))
		if err != nil || !maps.Equal(got, want) {
			t.Errorf("delegated administrator %s reads tags %v, %v; want %v", MemberKey(i), got, err, want)
		}
	}
	denied := func(what string, err error) {
		t.Helper()
		if !awsx.ErrorCodeIs(err, "AccessDeniedException") {
			t.Errorf("%s: %v; want AccessDeniedException", what, err)
		}
	}
	workload := organizations.NewFromConfig(memberConfig(t, srv.URL, 7))
	_, err = tagsOf(ctx, workload, MemberID(7))
	denied("a member that administers nothing reads tags", err)
	_, err = workload.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
	denied("a member that administers nothing describes the organization", err)

	tooling := organizations.NewFromConfig(memberConfig(t, srv.URL, SecurityTooling))
	_, err = tooling.TagResource(ctx, &organizations.TagResourceInput{ResourceId: aws.String(MemberID(7)),
		Tags: []orgtypes.Tag{{Key: aws.String("Owner"), Value: aws.String("someone-else")}}})
	denied("a delegated administrator tags an account", err)
	_, err = tooling.RegisterDelegatedAdministrator(ctx, &organizations.RegisterDelegatedAdministratorInput{
		AccountId: aws.String(MemberID(7)), ServicePrincipal: aws.String("guardduty.amazonaws.com")})
	denied("a delegated administrator delegates", err)
	if got, err := tagsOf(ctx, mgmt, MemberID(7)); err != nil || !maps.Equal(got, want) {
		t.Errorf("tags after the refused write: %v, %v; want %v", got, err, want)
	}
}

// The organization with the foundation has the starter foundation's
// trusted access and delegated administrators; the bare one has none,
// and a member becomes able to read once registered.
func TestFoundationOrganizationHasItsServices(t *testing.T) {
	ctx := context.Background()
	type services struct {
		trusted []string
		admins  map[string][]string // account ID -> services
	}
	read := func(t *testing.T, org *organizations.Client) services {
		t.Helper()
		var s services
		access, err := org.ListAWSServiceAccessForOrganization(ctx, &organizations.ListAWSServiceAccessForOrganizationInput{})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range access.EnabledServicePrincipals {
			s.trusted = append(s.trusted, aws.ToString(p.ServicePrincipal))
		}
		admins, err := org.ListDelegatedAdministrators(ctx, &organizations.ListDelegatedAdministratorsInput{})
		if err != nil {
			t.Fatal(err)
		}
		s.admins = map[string][]string{}
		for _, a := range admins.DelegatedAdministrators {
			svc, err := org.ListDelegatedServicesForAccount(ctx, &organizations.ListDelegatedServicesForAccountInput{AccountId: a.Id})
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range svc.DelegatedServices {
				s.admins[aws.ToString(a.Id)] = append(s.admins[aws.ToString(a.Id)], aws.ToString(p.ServicePrincipal))
			}
		}
		return s
	}

	t.Run("foundation", func(t *testing.T) {
		srv := httptest.NewServer(New(Org{Accounts: 5, Regions: []string{"eu-west-1"}, Limits: map[string]Bucket{}}))
		t.Cleanup(srv.Close)
		got := read(t, organizations.NewFromConfig(config(srv.URL, "testing")))
		if len(got.trusted) != 9 || !slices.Equal(got.trusted, slices.Sorted(slices.Values(FoundationTrustedAccess))) {
			t.Errorf("trusted access %v; want %v", got.trusted, FoundationTrustedAccess)
		}
		want := map[string][]string{
			MemberID(SecurityTooling): {"access-analyzer.amazonaws.com", "cloudtrail.amazonaws.com", "config-multiaccountsetup.amazonaws.com",
				"config.amazonaws.com", "guardduty.amazonaws.com", "securityhub.amazonaws.com"},
			MemberID(IdentityCenter): {"sso.amazonaws.com"},
		}
		if !maps.EqualFunc(got.admins, want, slices.Equal) {
			t.Errorf("delegated administrators %v; want %v", got.admins, want)
		}
		// A delegated administrator reads the same.
		if again := read(t, organizations.NewFromConfig(memberConfig(t, srv.URL, IdentityCenter))); !maps.EqualFunc(again.admins, want, slices.Equal) {
			t.Errorf("delegated administrators as Identity Center reads them: %v; want %v", again.admins, want)
		}
	})

	t.Run("bare", func(t *testing.T) {
		srv := httptest.NewServer(New(Org{Accounts: 5, Regions: []string{"eu-west-1"}, Bare: true, Limits: map[string]Bucket{}}))
		t.Cleanup(srv.Close)
		mgmt := organizations.NewFromConfig(config(srv.URL, "testing"))
		if got := read(t, mgmt); len(got.trusted) != 0 || len(got.admins) != 0 {
			t.Errorf("the bare organization's services: %+v; want none", got)
		}
		tooling := organizations.NewFromConfig(memberConfig(t, srv.URL, SecurityTooling))
		if _, err := tagsOf(ctx, tooling, MemberID(4)); !awsx.ErrorCodeIs(err, "AccessDeniedException") {
			t.Errorf("Security Tooling before its registration reads tags: %v; want AccessDeniedException", err)
		}
		if _, err := mgmt.RegisterDelegatedAdministrator(ctx, &organizations.RegisterDelegatedAdministratorInput{
			AccountId: aws.String(MemberID(SecurityTooling)), ServicePrincipal: aws.String("guardduty.amazonaws.com")}); err != nil {
			t.Fatal(err)
		}
		if _, err := tagsOf(ctx, tooling, MemberID(4)); err != nil {
			t.Errorf("Security Tooling once registered reads tags: %v", err)
		}
	})
}

// A delegated administrator's Organizations calls spend a bucket of its
// own, not the management account's.
func TestDelegatedAdministratorHasItsOwnOrganizationsBucket(t *testing.T) {
	srv := httptest.NewServer(New(Org{Accounts: 5, Regions: []string{"eu-west-1"}, Limits: map[string]Bucket{"organizations": {Burst: 1}}}))
	t.Cleanup(srv.Close)
	ctx := context.Background()
	mgmt := organizations.NewFromConfig(config(srv.URL, "testing"))
	if _, err := tagsOf(ctx, mgmt, MemberID(4)); err != nil {
		t.Fatal(err)
	}
	if _, err := tagsOf(ctx, mgmt, MemberID(4)); awsx.Classify(err).Cause != awsx.CauseThrottled {
		t.Fatalf("the management account's second call: %v; want it throttled", err)
	}
	if _, err := tagsOf(ctx, organizations.NewFromConfig(memberConfig(t, srv.URL, SecurityTooling)), MemberID(4)); err != nil {
		t.Errorf("the delegated administrator's first call, after the management account's bucket ran out: %v", err)
	}
}

// Stats count Organizations calls by calling account, and Since leaves
// out what was counted before.
func TestStatsCountOrganizationsCallers(t *testing.T) {
	s := New(Org{Accounts: 10, Units: 2, Regions: []string{"eu-west-1"}, Limits: map[string]Bucket{}})
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	ctx := context.Background()
	mgmt := organizations.NewFromConfig(config(srv.URL, "testing"))
	if _, err := tagsOf(ctx, mgmt, MemberID(7)); err != nil {
		t.Fatal(err)
	}
	before := s.Stats()
	tooling := organizations.NewFromConfig(memberConfig(t, srv.URL, SecurityTooling))
	for range 3 {
		if _, err := tagsOf(ctx, tooling, MemberID(7)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := tagsOf(ctx, mgmt, MemberID(8)); err != nil {
		t.Fatal(err)
	}
	got := s.Stats().Since(before)
	want := map[string]int64{Management: 1, MemberID(SecurityTooling): 3}
	if !maps.Equal(got.OrganizationsCalls, want) {
		t.Errorf("Organizations calls by caller %v, want %v", got.OrganizationsCalls, want)
	}
	if n := got.Calls["organizations ListTagsForResource"]; n != 4 {
		t.Errorf("ListTagsForResource counted %d times since, want 4", n)
	}
}
