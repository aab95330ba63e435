package kinds

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/plan"
)

// KindTrustedAccess enables trusted access for an AWS service. It never
// disables it: that can break the service across the organization, so a
// service enabled outside the spec is only noted.
const KindTrustedAccess = "trusted-access"

// KindDelegatedAdmin registers an account as a service's delegated
// administrator. Moving the role to another account deregisters the old
// one first, which needs --allow-delete.
const KindDelegatedAdmin = "delegated-admin"

// TrustedAccessAddress is the address of a service's trusted access.
func TrustedAccessAddress(service string) string { return Address(KindTrustedAccess, service) }

// DelegatedAdminAddress is the address of a service's delegated
// administrator.
func DelegatedAdminAddress(service string) string { return Address(KindDelegatedAdmin, service) }

func init() {
	Register(Registration{Name: KindTrustedAccess, Diff: diffTrustedAccess, Apply: applyTrustedAccess})
	Register(Registration{Name: KindDelegatedAdmin, Diff: diffDelegatedAdmins, Apply: applyDelegatedAdmin})
}

func diffTrustedAccess(desired, actual *estate.Estate) ([]plan.Change, []string) {
	d, a, ok := orgLayers(desired, actual)
	if !ok {
		return nil, nil
	}
	var changes []plan.Change
	var notes []string
	for _, svc := range d.TrustedServices {
		if !slices.Contains(a.TrustedServices, svc) {
			changes = append(changes, plan.Change{Address: TrustedAccessAddress(svc), Kind: KindTrustedAccess,
				Action: plan.Create, After: plan.Attrs{"service": svc}, DependsOn: orgDeps(actual)})
		}
	}
	for _, svc := range a.TrustedServices {
		if !slices.Contains(d.TrustedServices, svc) {
			notes = append(notes, fmt.Sprintf("trusted access for %s is enabled but not in services.trusted_access; groundwork leaves it on (disabling it can break the service)", svc))
		}
	}
	return changes, notes
}

func applyTrustedAccess(ctx context.Context, env *Env, ch plan.Change) error {
	svc := ch.After["service"]
	if _, err := env.OrgLayer.EnableAWSServiceAccess(ctx, &organizations.EnableAWSServiceAccessInput{ServicePrincipal: aws.String(svc)}); err != nil {
		return fmt.Errorf("enable trusted access for %s: %w", svc, err)
	}
	return nil // idempotent: enabling an enabled service succeeds
}

func diffDelegatedAdmins(desired, actual *estate.Estate) ([]plan.Change, []string) {
	d, a, ok := orgLayers(desired, actual)
	if !ok {
		return nil, nil
	}
	var changes []plan.Change
	var notes []string
	name := func(key string) string {
		if acct, ok := desired.Accounts[key]; ok {
			return acct.Name
		}
		if acct, ok := actual.Accounts[key]; ok {
			return acct.Name
		}
		return key
	}
	for _, svc := range sortedKeys(d.DelegatedAdmins) {
		want := d.DelegatedAdmins[svc]
		have := a.DelegatedAdmins[svc]
		if have == want {
			continue
		}
		deps := orgDeps(actual)
		if !slices.Contains(a.TrustedServices, svc) {
			deps = append(deps, TrustedAccessAddress(svc))
		}
		if _, ok := actual.Accounts[want]; !ok {
			deps = append(deps, AccountAddress(want))
		}
		ch := plan.Change{Address: DelegatedAdminAddress(svc), Kind: KindDelegatedAdmin, Action: plan.Create,
			After: plan.Attrs{"service": svc, "account": want, "account_name": name(want)}, DependsOn: deps}
		if have != "" {
			ch.Action = plan.Update
			ch.Before = plan.Attrs{"service": svc, "account": have, "account_name": name(have)}
			ch.Reason = "the current administrator is deregistered first"
			ch.NeedsAllowDelete = true
			if acct, ok := actual.Accounts[have]; ok {
				ch.Before["account_id"] = acct.ID
			}
		}
		changes = append(changes, ch)
	}
	for _, svc := range sortedKeys(a.DelegatedAdmins) {
		if _, ok := d.DelegatedAdmins[svc]; !ok {
			notes = append(notes, fmt.Sprintf("%s is delegated to %s but not in services.delegated_admins; groundwork leaves it", svc, name(a.DelegatedAdmins[svc])))
		}
	}
	return changes, notes
}

func applyDelegatedAdmin(ctx context.Context, env *Env, ch plan.Change) error {
	svc, key := ch.After["service"], ch.After["account"]
	if ch.Action == plan.Update && ch.Before["account_id"] != "" {
		_, err := env.OrgLayer.DeregisterDelegatedAdministrator(ctx, &organizations.DeregisterDelegatedAdministratorInput{
			AccountId: aws.String(ch.Before["account_id"]), ServicePrincipal: aws.String(svc)})
		var notAdmin *types.AccountNotRegisteredException
		if err != nil && !errors.As(err, &notAdmin) {
			return fmt.Errorf("deregister %s for %s: %w", ch.Before["account_name"], svc, err)
		}
	}
	id := env.account(key)
	if id == "" {
		return fmt.Errorf("delegate %s: account %s does not exist", svc, key)
	}
	_, err := env.OrgLayer.RegisterDelegatedAdministrator(ctx, &organizations.RegisterDelegatedAdministratorInput{
		AccountId: aws.String(id), ServicePrincipal: aws.String(svc)})
	var already *types.AccountAlreadyRegisteredException
	if err != nil && !errors.As(err, &already) {
		return fmt.Errorf("delegate %s to %s: %w", svc, ch.After["account_name"], err)
	}
	return nil
}

// sortedKeys returns a map's keys in order, for plans that read the same
// every run.
func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }
