package inventory_test

import (
	"context"
	"fmt"
	"maps"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/inventory"
	"github.com/groundwork-aws/groundwork/internal/testenv"
)

// TestTagsOfALargeOrganizationOnMoto reads, through a real session, the
// tags of an organization past the size where they are read through its
// delegated administrators too. moto shares the organization with a
// member's session but answers its ListTagsForResource
// TargetNotFoundException (its tags are kept per calling account), so
// the administrator is probed at most once and the management account
// reads everything: the estate must be the one the management account
// reads alone.
func TestTagsOfALargeOrganizationOnMoto(t *testing.T) {
	m := testenv.Moto(t)
	m.Setenv(t)
	ctx := context.Background()
	s, err := awsx.Load(ctx, awsx.Options{Region: testenv.Region, AccessRole: "OrganizationAccountAccessRole"})
	if err != nil {
		t.Fatal(err)
	}
	org := organizations.NewFromConfig(s.Config("", "", ""))
	if _, err := org.CreateOrganization(ctx, &organizations.CreateOrganizationInput{FeatureSet: types.OrganizationFeatureSetAll}); err != nil {
		t.Fatal(err)
	}
	var admin string
	const accounts = 110 // past the 100 the management account reads alone
	for i := range accounts {
		out, err := org.CreateAccount(ctx, &organizations.CreateAccountInput{AccountName: aws.String(fmt.Sprintf("a%03d", i)),
			Email: aws.String(fmt.Sprintf("a%03d@example.com", i)), Tags: []types.Tag{{Key: aws.String("Owner"), Value: aws.String(fmt.Sprintf("team-%d", i%7))}}})
		if err != nil {
			t.Fatal(err) // moto creates accounts synchronously
		}
		if i == 0 {
			admin = aws.ToString(out.CreateAccountStatus.AccountId)
		}
	}
	if _, err := org.EnableAWSServiceAccess(ctx, &organizations.EnableAWSServiceAccessInput{ServicePrincipal: aws.String("guardduty.amazonaws.com")}); err != nil {
		t.Fatal(err)
	}
	if _, err := org.RegisterDelegatedAdministrator(ctx, &organizations.RegisterDelegatedAdministratorInput{AccountId: aws.String(admin),
		ServicePrincipal: aws.String("guardduty.amazonaws.com")}); err != nil {
		t.Fatal(err)
	}

	alone, err := inventory.CollectOrganization(ctx, org, inventory.Options{})
	if err != nil {
		t.Fatal(err)
	}
	counter := &awsx.Counter{}
	counted, err := awsx.Load(ctx, awsx.Options{Region: testenv.Region, AccessRole: "OrganizationAccountAccessRole", Counter: counter})
	if err != nil {
		t.Fatal(err)
	}
	e, err := inventory.Collect(ctx, inventory.Reader{Session: counted, Shared: &inventory.Shared{}})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := allTags(e), allTags(alone); !maps.EqualFunc(got, want, maps.Equal) {
		t.Errorf("tags read with a delegated administrator differ from the management account's:\n got  %v\n want %v", got, want)
	}
	if n := alone.Accounts["a007@example.com"].Tags["Owner"]; n != "team-0" {
		t.Errorf("a007's Owner tag %q, want team-0", n)
	}
	calls := map[string]int{}
	for _, st := range counter.Stats() {
		calls[st.Operation] += st.Calls
	}
	if n := calls["ListDelegatedAdministrators"]; n != 1 {
		t.Errorf("ListDelegatedAdministrators called %d times, want 1", n)
	}
	// The administrator's probe is made when a tag is left for it once
	// it is listed and its role assumed: on a busy machine the
	// management account may have read them all by then.
	if n, targets := calls["ListTagsForResource"], len(e.Accounts)+len(e.Units); n != targets && n != targets+1 {
		t.Errorf("%d ListTagsForResource calls for %d accounts and OUs, want each once and at most the administrator's probe", n, targets)
	}
}
