package logging

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	"github.com/aws/aws-sdk-go-v2/service/configservice/types"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/layer/orglayer"
	"github.com/groundwork-aws/groundwork/internal/plan"
)

// KindAggregator puts the organization-wide Config aggregator (guidance
// 000): every account and Region of the organization, read through the
// aggregator role. PutConfigurationAggregator creates or updates by name,
// so the change is idempotent.
const KindAggregator = "config-aggregator"

// aggregatorAdminService is the service principal an account outside the
// management account must be delegated administrator of to aggregate the
// organization.
const aggregatorAdminService = "config.amazonaws.com"

// AggregatorAddress is the address of an aggregator:
// "config-aggregator/ACCOUNT/REGION/NAME".
func AggregatorAddress(w estate.Where, name string) string {
	return kinds.Address(KindAggregator, kinds.WhereAddress(w)+"/"+name)
}

func init() {
	kinds.Register(kinds.Registration{Name: KindAggregator, Diff: diffAggregators, Apply: applyAggregator})
}

func aggregatorAttrs(g *estate.Aggregator, actual *estate.Estate) plan.Attrs {
	return plan.Attrs{
		"account": string(g.Account), "region": g.Region, "name": g.Name,
		"organization": strconv.FormatBool(g.Organization),
		"role_arn":     kinds.ResolveActual(g.RoleARN, actual),
		"all_regions":  strconv.FormatBool(g.AllRegions),
	}
}

// aggregatorValue is what an aggregator change applies.
type aggregatorValue struct {
	Account      estate.AccountKey `json:"account"`
	Region       string            `json:"region"`
	Name         string            `json:"name"`
	Organization bool              `json:"organization"`
	RoleARN      string            `json:"role_arn"`
	AllRegions   bool              `json:"all_regions"`
}

func diffAggregators(desired, actual *estate.Estate) ([]plan.Change, []string) {
	if desired.Logging == nil {
		return nil, nil
	}
	have := map[string]*estate.Aggregator{}
	if actual.Logging != nil {
		have = actual.Logging.Aggregators
	}
	var changes []plan.Change
	for _, key := range slices.Sorted(maps.Keys(desired.Logging.Aggregators)) {
		d := desired.Logging.Aggregators[key]
		after := aggregatorAttrs(d, actual)
		ch := plan.SetValue(plan.Change{Address: AggregatorAddress(d.Where, d.Name), Kind: KindAggregator, Group: kinds.UnitOf(desired, d.Account),
			After: after, DependsOn: aggregatorDeps(d)}, aggregatorValue{Account: d.Account, Region: d.Region, Name: d.Name,
			Organization: d.Organization, RoleARN: kinds.ResolveActual(d.RoleARN, actual), AllRegions: d.AllRegions})
		a, exists := have[key]
		if !exists {
			ch.Action = plan.Create
			changes = append(changes, ch)
			continue
		}
		before := aggregatorAttrs(a, actual)
		if !maps.Equal(before, after) {
			ch.Action, ch.Before = plan.Update, before
			changes = append(changes, ch)
		}
	}
	return changes, nil
}

// aggregatorDeps: the role the aggregator reads through, and trusted
// access for Config. AWS lets only the management account or Config's
// delegated administrator aggregate the organization, so an aggregator
// elsewhere waits for that registration (moto 5.2 checks neither: it puts
// an organization aggregator in an account outside any organization).
func aggregatorDeps(g *estate.Aggregator) []string {
	deps := append(kinds.AccountDeps(g.Account), RoleAddress(g.Account, roleName(g.RoleARN)),
		orglayer.TrustedAccessAddress(aggregatorAdminService))
	if g.Account != estate.ManagementKey {
		deps = append(deps, orglayer.DelegatedAdminAddress(aggregatorAdminService))
	}
	return deps
}

func applyAggregator(ctx context.Context, env *kinds.Env, ch plan.Change) error {
	cl, err := clientsOf(env)
	if err != nil {
		return err
	}
	v, err := plan.ValueOf[aggregatorValue](ch)
	if err != nil {
		return err
	}
	if !v.Organization || !v.AllRegions {
		// The estate names no accounts or Regions to aggregate, so only
		// the organization in every Region can be asked for.
		return fmt.Errorf("config aggregator %s: only organization aggregators over all Regions are supported", v.Name)
	}
	w, err := env.At(estate.Where{Account: v.Account, Region: v.Region})
	if err != nil {
		return fmt.Errorf("config aggregator %s: %w", v.Name, err)
	}
	role, err := env.Resolve(v.RoleARN)
	if err != nil {
		return fmt.Errorf("config aggregator %s in %s: %w", v.Name, w, err)
	}
	if _, err := cl.Config(w).PutConfigurationAggregator(ctx, &configservice.PutConfigurationAggregatorInput{
		ConfigurationAggregatorName: aws.String(v.Name),
		OrganizationAggregationSource: &types.OrganizationAggregationSource{
			RoleArn: aws.String(role), AllAwsRegions: true},
	}); err != nil {
		return fmt.Errorf("put config aggregator %s in %s: %w", v.Name, w, err)
	}
	return nil
}
