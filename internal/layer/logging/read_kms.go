package logging

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"golang.org/x/sync/errgroup"

	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/estate"
)

func init() { registerLoggingCollector(collectKeys) }

// collectKeys reads the KMS keys the desired layer names, found by alias:
// one ListAliases per account and Region that should hold keys (the
// logging layer puts both of its keys in one), then three reads per key
// found. A key whose alias is missing is absent. Then the keys groundwork
// made that no alias names (UnnamedKeys): one ListKeys, and one
// ListResourceTags per key without an alias.
func collectKeys(ctx context.Context, g *errgroup.Group, r *loggingRead) {
	places := map[estate.Where]map[string]*estate.Key{}
	for key, want := range r.want.Keys {
		if places[want.Where] == nil {
			places[want.Where] = map[string]*estate.Key{}
		}
		places[want.Where][key] = want
	}
	for place, wants := range places {
		w, ok := r.at(place)
		if !ok {
			continue
		}
		// The keys of a place are read one after the other: calling g.Go
		// from inside the group could wait forever for a slot.
		g.Go(func() error {
			api := r.clients.KMS(w)
			aliases, err := listAliases(ctx, api)
			if err != nil {
				return fmt.Errorf("list key aliases in %s: %w", w, err)
			}
			for key, want := range wants {
				id, ok := aliases[want.Alias]
				if !ok {
					continue
				}
				k, err := readKey(ctx, api, want, id)
				if err != nil {
					return fmt.Errorf("read key %s in %s: %w", want.Alias, w, err)
				}
				r.locked(func(l *estate.Logging) { l.Keys[key] = k })
			}
			unnamed, err := unnamedKeys(ctx, api, aliases)
			if err != nil {
				return fmt.Errorf("look for unnamed keys in %s: %w", w, err)
			}
			r.locked(func(l *estate.Logging) {
				for _, u := range unnamed {
					l.UnnamedKeys = append(l.UnnamedKeys, &estate.Key{Where: place, Alias: u.Alias, ID: u.ID, ARN: u.ARN, State: u.State})
				}
				slices.SortFunc(l.UnnamedKeys, func(a, b *estate.Key) int { return strings.Compare(a.ID, b.ID) })
			})
			return nil
		})
	}
}

// aliasLister is what listAliases calls, in the KMS clients of both apply
// and the reader.
type aliasLister interface {
	ListAliases(context.Context, *kms.ListAliasesInput, ...func(*kms.Options)) (*kms.ListAliasesOutput, error)
}

// listAliases maps alias names to the IDs of their keys. moto ignores
// Limit and Marker and answers every alias, AWS-managed ones included, in
// one page; AWS pages.
func listAliases(ctx context.Context, api aliasLister) (map[string]string, error) {
	out := map[string]string{}
	pages := kms.NewListAliasesPaginator(api, &kms.ListAliasesInput{Limit: aws.Int32(100)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, a := range page.Aliases {
			if a.TargetKeyId != nil { // an AWS-managed alias not yet used has no key
				out[aws.ToString(a.AliasName)] = *a.TargetKeyId
			}
		}
	}
	return out, nil
}

// readKey reads the metadata, the default key policy and the rotation of
// the key with id.
func readKey(ctx context.Context, api kmsReadAPI, want *estate.Key, id string) (*estate.Key, error) {
	desc, err := api.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(id)})
	if err != nil {
		return nil, err
	}
	m := desc.KeyMetadata
	k := &estate.Key{Where: want.Where, Alias: want.Alias, ID: aws.ToString(m.KeyId), ARN: aws.ToString(m.Arn),
		Description: aws.ToString(m.Description), State: string(m.KeyState)}
	// The default policy is the only one a key has; AWS and moto return
	// it as it was put.
	pol, err := api.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: aws.String(id), PolicyName: aws.String("default")})
	if err != nil {
		return nil, err
	}
	k.Policy = aws.ToString(pol.Policy)
	rot, err := api.GetKeyRotationStatus(ctx, &kms.GetKeyRotationStatusInput{KeyId: aws.String(id)})
	switch {
	case awsx.ErrorCodeIs(err, "KMSInvalidStateException"):
		// AWS may refuse the question for a key whose state does not
		// allow it (pending deletion, pending import); moto always
		// answers. Such a key is drift whatever its rotation, which reads
		// as off.
	case err != nil:
		return nil, err
	default:
		k.Rotation = rot.KeyRotationEnabled
	}
	return k, nil
}
