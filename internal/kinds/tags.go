package kinds

import (
	"context"
	"maps"
	"slices"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/groundwork-aws/groundwork/internal/plan"
)

const tagPrefix = "tags."

// withTags adds tags to attrs as "tags.KEY" entries.
func withTags(attrs plan.Attrs, tags map[string]string) plan.Attrs {
	for k, v := range tags {
		attrs[tagPrefix+k] = v
	}
	return attrs
}

// missingTags lists the keys of want whose value in have differs. Tags the
// spec does not mention are left alone: groundwork manages only the keys it
// is told about.
func missingTags(want, have map[string]string) []string {
	var keys []string
	for k, v := range want {
		if got, ok := have[k]; !ok || got != v {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}

func pick(tags map[string]string, keys []string) map[string]string {
	out := map[string]string{}
	for _, k := range keys {
		if v, ok := tags[k]; ok {
			out[k] = v
		}
	}
	return out
}

// orgTags turns tags into Organizations tags, sorted by key.
func orgTags(tags map[string]string) []types.Tag {
	out := make([]types.Tag, 0, len(tags))
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		out = append(out, types.Tag{Key: aws.String(k), Value: aws.String(tags[k])})
	}
	return out
}

// IAMTags turns tags into IAM tags, sorted by key: those a kind creates
// an IAM user or role with (usually OwnerTags(nil)).
func IAMTags(tags map[string]string) []iamtypes.Tag {
	var out []iamtypes.Tag
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		out = append(out, iamtypes.Tag{Key: aws.String(k), Value: aws.String(tags[k])})
	}
	return out
}

// tagResource sets tags on a resource. TagResource overwrites values and
// is idempotent.
func tagResource(ctx context.Context, env *Env, id string, tags map[string]string) error {
	if len(tags) == 0 {
		return nil
	}
	_, err := env.Organizations.TagResource(ctx, &organizations.TagResourceInput{ResourceId: aws.String(id), Tags: orgTags(tags)})
	return err
}
