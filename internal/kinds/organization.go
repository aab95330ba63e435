package kinds

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/plan"
)

// KindOrganization creates the organization with all features and, for an
// organization that has only consolidated billing, starts enabling all
// features (guidance 000: SCPs and trusted access need them).
const KindOrganization = "organization"

// OrganizationAddress is the address of the one organization change.
const OrganizationAddress = KindOrganization

func init() {
	Register(Registration{Name: KindOrganization, Diff: diffOrganization, Apply: applyOrganization})
}

// organizationValue is the feature set an organization change creates
// the organization with, or enables.
type organizationValue struct {
	FeatureSet types.OrganizationFeatureSet `json:"feature_set"`
}

// allFeatures is the one organization value groundwork plans.
var allFeatures = organizationValue{FeatureSet: types.OrganizationFeatureSetAll}

func diffOrganization(desired, actual *estate.Estate) ([]plan.Change, []string) {
	if actual.Organization == nil {
		return []plan.Change{plan.SetValue(plan.Change{
			Address: OrganizationAddress, Kind: KindOrganization, Action: plan.Create,
			After:  plan.Attrs{"feature_set": "ALL"},
			Reason: "the management account is not in an organization yet",
		}, allFeatures)}, nil
	}
	if actual.Organization.FeatureSet != "ALL" {
		return []plan.Change{plan.SetValue(plan.Change{
			Address: OrganizationAddress, Kind: KindOrganization, Action: plan.Update,
			Before: plan.Attrs{"feature_set": actual.Organization.FeatureSet},
			After:  plan.Attrs{"feature_set": "ALL"},
			Reason: "guardrails need all features; every member account must accept the request AWS sends",
		}, allFeatures)}, nil
	}
	return nil, nil
}

func applyOrganization(ctx context.Context, env *Env, ch plan.Change) error {
	v, err := plan.ValueOf[organizationValue](ch)
	if err != nil {
		return err
	}
	if v.FeatureSet != types.OrganizationFeatureSetAll {
		return fmt.Errorf("organization: groundwork makes organizations with all features, not %q", v.FeatureSet)
	}
	switch ch.Action {
	case plan.Create:
		// Guard: another run may have created it after the plan was made.
		_, err := env.Organizations.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
		var notInUse *types.AWSOrganizationsNotInUseException
		switch {
		case err == nil:
			env.Logf("organization already exists")
		case errors.As(err, &notInUse):
			// A lost response, or AlreadyInOrganizationException, is
			// looked for: the organization exists once it can be described.
			create := func(ctx context.Context) error {
				_, err := env.Organizations.CreateOrganization(ctx, &organizations.CreateOrganizationInput{FeatureSet: v.FeatureSet})
				return err
			}
			look := func(ctx context.Context) (bool, error) {
				_, err := env.Organizations.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
				if errors.As(err, &notInUse) {
					return false, nil
				}
				return err == nil, err
			}
			if err := env.CreateOnce(ctx, "the organization", create, look, "AlreadyInOrganizationException"); err != nil {
				return fmt.Errorf("create organization: %w", err)
			}
		default:
			return fmt.Errorf("describe organization: %w", err)
		}
		roots, err := env.Organizations.ListRoots(ctx, &organizations.ListRootsInput{})
		if err != nil {
			return fmt.Errorf("list roots: %w", err)
		}
		if len(roots.Roots) == 0 {
			return errNoRoot
		}
		env.setRoot(aws.ToString(roots.Roots[0].Id))
		// Later changes refer to the organization and management account
		// IDs (bucket and key policies).
		desc, err := env.Organizations.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
		if err != nil {
			return fmt.Errorf("describe organization: %w", err)
		}
		env.setOrg(aws.ToString(desc.Organization.Id), aws.ToString(desc.Organization.MasterAccountId))
		return nil
	case plan.Update:
		if _, err := env.Organizations.EnableAllFeatures(ctx, &organizations.EnableAllFeaturesInput{}); err != nil {
			var started *types.HandshakeConstraintViolationException
			if errors.As(err, &started) {
				return nil // already requested; members still have to accept
			}
			return fmt.Errorf("enable all features: %w", err)
		}
		return nil
	}
	return fmt.Errorf("organization: cannot %s", ch.Action)
}
