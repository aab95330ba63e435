package identity

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssoadmin"
	ssotypes "github.com/aws/aws-sdk-go-v2/service/ssoadmin/types"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/plan"
)

// KindAccessControl manages the instance's attributes for access control
// (guidance 000 "Enable ABAC"): each attribute key the spec writes (by
// default the tagging dictionary's keys an Identity Store user attribute
// holds) takes its value from the source the spec gives. The instance has
// one configuration: apply describes it, creates it when there is none
// and otherwise updates it to the spec's attributes plus those it has
// that the spec does not name, which are left alone and noted (removing
// one would take access from every permission set whose policies use
// it). Both writes are puts of the whole configuration, so a re-run
// changes nothing further.
const KindAccessControl = "identity-abac"

func init() {
	kinds.Register(kinds.Registration{Name: KindAccessControl, Diff: diffAccessControl, Apply: applyAccessControl})
}

// accessControlValue is the attributes the spec writes, by key.
type accessControlValue struct {
	Region     string            `json:"region"`
	Attributes map[string]string `json:"attributes"`
}

func accessControlAttrs(attrs map[string]string) plan.Attrs {
	out := plan.Attrs{}
	for k, v := range attrs {
		out["attribute."+k] = v
	}
	return out
}

func diffAccessControl(desired, actual *estate.Estate) ([]plan.Change, []string) {
	want, have, ok := centerPlan(desired, actual)
	if !ok || want.AccessControlAttributes == nil {
		return nil, nil
	}
	ch := plan.Change{Address: KindAccessControl, Kind: KindAccessControl, Group: estate.RootPath,
		After: accessControlAttrs(want.AccessControlAttributes), DependsOn: storeDeps()}
	v := accessControlValue{Region: want.Region, Attributes: want.AccessControlAttributes}
	var current map[string]string
	if have != nil {
		current = have.AccessControlAttributes
	}
	if len(current) == 0 {
		ch.Action = plan.Create
		return []plan.Change{plan.SetValue(ch, v)}, nil
	}
	var notes []string
	if extra := missingKeys(current, want.AccessControlAttributes); len(extra) > 0 {
		notes = append(notes, fmt.Sprintf("identity: the Identity Center instance has access control attributes the spec does not write (%s); groundwork leaves them",
			strings.Join(extra, ", ")))
	}
	var differ []string
	for _, k := range slices.Sorted(maps.Keys(want.AccessControlAttributes)) {
		if src, ok := current[k]; !ok || src != want.AccessControlAttributes[k] {
			differ = append(differ, k)
		}
	}
	if len(differ) == 0 {
		return nil, notes
	}
	before := plan.Attrs{}
	for k, src := range current {
		if _, ok := want.AccessControlAttributes[k]; ok {
			before["attribute."+k] = src
		}
	}
	ch.Action, ch.Before = plan.Update, before
	ch.Reason = "differs from the spec: " + strings.Join(differ, ", ")
	return []plan.Change{plan.SetValue(ch, v)}, notes
}

// missingKeys lists the keys of have that want lacks, sorted.
func missingKeys(have, want map[string]string) []string {
	var out []string
	for k := range have {
		if _, ok := want[k]; !ok {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

func applyAccessControl(ctx context.Context, env *kinds.Env, ch plan.Change) error {
	v, err := plan.ValueOf[accessControlValue](ch)
	if err != nil {
		return err
	}
	cl, err := storeClientsOf(env)
	if err != nil {
		return err
	}
	instance, _, err := instanceOf(ctx, env, cl, v.Region)
	if err != nil {
		return err
	}
	api := cl.Center(v.Region)
	current, err := readAttributes(ctx, api, instance)
	if err != nil {
		return fmt.Errorf("read the access control attributes of %s: %w", instance, err)
	}
	merged := maps.Clone(current)
	maps.Copy(merged, v.Attributes)
	cfg := &ssotypes.InstanceAccessControlAttributeConfiguration{}
	for _, k := range slices.Sorted(maps.Keys(merged)) {
		cfg.AccessControlAttributes = append(cfg.AccessControlAttributes, ssotypes.AccessControlAttribute{Key: aws.String(k),
			Value: &ssotypes.AccessControlAttributeValue{Source: []string{merged[k]}}})
	}
	if len(current) == 0 {
		_, err = api.CreateInstanceAccessControlAttributeConfiguration(ctx, &ssoadmin.CreateInstanceAccessControlAttributeConfigurationInput{
			InstanceArn: aws.String(instance), InstanceAccessControlAttributeConfiguration: cfg})
		var conflict *ssotypes.ConflictException
		if !errors.As(err, &conflict) {
			if err != nil {
				return fmt.Errorf("enable the access control attributes of %s: %w", instance, err)
			}
			return nil
		}
		// A configuration without attributes reads as none, and one made
		// since the read is there: either way, update it.
	}
	if _, err := api.UpdateInstanceAccessControlAttributeConfiguration(ctx, &ssoadmin.UpdateInstanceAccessControlAttributeConfigurationInput{
		InstanceArn: aws.String(instance), InstanceAccessControlAttributeConfiguration: cfg}); err != nil {
		return fmt.Errorf("update the access control attributes of %s: %w", instance, err)
	}
	return nil
}
