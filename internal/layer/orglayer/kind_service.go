package orglayer

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
	"github.com/groundwork-aws/groundwork/internal/kinds"
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
func TrustedAccessAddress(service string) string { return kinds.Address(KindTrustedAccess, service) }

// DelegatedAdminAddress is the address of a service's delegated
// administrator.
func DelegatedAdminAddress(service string) string { return kinds.Address(KindDelegatedAdmin, service) }

func init() {
	kinds.Register(kinds.Registration{Name: KindTrustedAccess, Diff: diffTrustedAccess, Apply: applyTrustedAccess})
	kinds.Register(kinds.Registration{Name: KindDelegatedAdmin, Diff: diffDelegatedAdmins, Apply: applyDelegatedAdmin})
}

// trustedAccessValue is what a trusted access change applies.
type trustedAccessValue struct {
	Service string `json:"service"`
}

// delegatedAdminValue is what a delegated administrator change applies:
// the account to register, by key, and for an update the administrator
// registered now (CurrentID, by ID), which is deregistered first.
type delegatedAdminValue struct {
	Service     string `json:"service"`
	Account     string `json:"account"`
	AccountName string `json:"account_name"`
	CurrentID   string `json:"current_id,omitempty"`
	CurrentName string `json:"current_name,omitempty"`
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
			changes = append(changes, plan.SetValue(plan.Change{Address: TrustedAccessAddress(svc), Kind: KindTrustedAccess,
				Action: plan.Create, After: plan.Attrs{"service": svc}, DependsOn: orgDeps(actual)}, trustedAccessValue{Service: svc}))
		}
	}
	for _, svc := range a.TrustedServices {
		if !slices.Contains(d.TrustedServices, svc) {
			notes = append(notes, fmt.Sprintf("trusted access for %s is enabled but not in services.trusted_access; groundwork leaves it on (disabling it can break the service)", svc))
		}
	}
	return changes, notes
}

func applyTrustedAccess(ctx context.Context, env *kinds.Env, ch plan.Change) error {
	cl, err := clientsOf(env)
	if err != nil {
		return err
	}
	v, err := plan.ValueOf[trustedAccessValue](ch)
	if err != nil {
		return err
	}
	svc := v.Service
	if _, err := cl.Org.EnableAWSServiceAccess(ctx, &organizations.EnableAWSServiceAccessInput{ServicePrincipal: aws.String(svc)}); err != nil {
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
	for _, svc := range slices.Sorted(maps.Keys(d.DelegatedAdmins)) {
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
			deps = append(deps, kinds.AccountAddress(want))
		}
		ch := plan.Change{Address: DelegatedAdminAddress(svc), Kind: KindDelegatedAdmin, Action: plan.Create,
			After: plan.Attrs{"service": svc, "account": want, "account_name": name(want)}, DependsOn: deps}
		v := delegatedAdminValue{Service: svc, Account: want, AccountName: name(want)}
		if have != "" {
			ch.Action = plan.Update
			ch.Before = plan.Attrs{"service": svc, "account": have, "account_name": name(have)}
			ch.Reason = "the current administrator is deregistered first"
			ch.NeedsAllowDelete = true
			ch.Basis = plan.BasisSpec // services.delegated_admins names the service
			if acct, ok := actual.Accounts[have]; ok {
				ch.Before["account_id"] = acct.ID
				v.CurrentID, v.CurrentName = acct.ID, name(have)
			}
		}
		changes = append(changes, plan.SetValue(ch, v))
	}
	for _, svc := range slices.Sorted(maps.Keys(a.DelegatedAdmins)) {
		if _, ok := d.DelegatedAdmins[svc]; !ok {
			notes = append(notes, fmt.Sprintf("%s is delegated to %s but not in services.delegated_admins; groundwork leaves it", svc, name(a.DelegatedAdmins[svc])))
		}
	}
	return changes, notes
}

func applyDelegatedAdmin(ctx context.Context, env *kinds.Env, ch plan.Change) error {
	cl, err := clientsOf(env)
	if err != nil {
		return err
	}
	v, err := plan.ValueOf[delegatedAdminValue](ch)
	if err != nil {
		return err
	}
	svc, key := v.Service, v.Account
	if ch.Action == plan.Update && v.CurrentID != "" {
		_, err := cl.Org.DeregisterDelegatedAdministrator(ctx, &organizations.DeregisterDelegatedAdministratorInput{
			AccountId: aws.String(v.CurrentID), ServicePrincipal: aws.String(svc)})
		var notAdmin *types.AccountNotRegisteredException
		if err != nil && !errors.As(err, &notAdmin) {
			return fmt.Errorf("deregister %s for %s: %w", v.CurrentName, svc, err)
		}
	}
	id := env.AccountID(key)
	if id == "" {
		return fmt.Errorf("delegate %s: account %s does not exist", svc, key)
	}
	_, err = cl.Org.RegisterDelegatedAdministrator(ctx, &organizations.RegisterDelegatedAdministratorInput{
		AccountId: aws.String(id), ServicePrincipal: aws.String(svc)})
	var already *types.AccountAlreadyRegisteredException
	if err != nil && !errors.As(err, &already) {
		return fmt.Errorf("delegate %s to %s: %w", svc, v.AccountName, err)
	}
	return nil
}
