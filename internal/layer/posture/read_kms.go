package posture

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"

	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/estate"
)

// kmsReadAPI is the part of the KMS client the posture layer
// reads: the keys and whether each rotates.
type kmsReadAPI interface {
	ListKeys(context.Context, *kms.ListKeysInput, ...func(*kms.Options)) (*kms.ListKeysOutput, error)
	DescribeKey(context.Context, *kms.DescribeKeyInput, ...func(*kms.Options)) (*kms.DescribeKeyOutput, error)
	GetKeyRotationStatus(context.Context, *kms.GetKeyRotationStatusInput, ...func(*kms.Options)) (*kms.GetKeyRotationStatusOutput, error)
}

var _ kmsReadAPI = (*kms.Client)(nil)

// keys reads the enabled symmetric customer-managed keys at a place and
// their rotation status: the keys CIS 3.6 asks to rotate. AWS-managed
// keys rotate on their own, and asymmetric and HMAC keys cannot rotate
// automatically, so they are left out.
func (r *postureRead) keys(ctx context.Context, p placeRef) error {
	api := r.clients.KMS(p.at)
	what := "the KMS keys of " + p.at.String()
	var found []*estate.PostureKey
	pages := kms.NewListKeysPaginator(api, &kms.ListKeysInput{})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if r.unknown(err, readKMS, p.at, what) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("list %s: %w", what, err)
		}
		for _, k := range page.Keys {
			key, err := r.key(ctx, api, p, aws.ToString(k.KeyId))
			if err != nil {
				return err
			}
			if key != nil {
				found = append(found, key)
			}
		}
	}
	r.locked(func(l *estate.Posture) { l.Keys[p.placeKey()] = found })
	return nil
}

// key describes one key; nil when it is not one CIS 3.6 is about.
func (r *postureRead) key(ctx context.Context, api kmsReadAPI, p placeRef, id string) (*estate.PostureKey, error) {
	d, err := api.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(id)})
	if awsx.ErrorCodeIs(err, "NotFoundException") {
		return nil, nil // deleted since the list
	}
	if err != nil {
		return nil, fmt.Errorf("describe KMS key %s in %s: %w", id, p.at, err)
	}
	m := d.KeyMetadata
	if m == nil || m.KeyManager != kmstypes.KeyManagerTypeCustomer || m.KeyState != kmstypes.KeyStateEnabled ||
		m.KeySpec != kmstypes.KeySpecSymmetricDefault || m.Origin == kmstypes.OriginTypeExternal {
		// Keys with imported material cannot rotate automatically either.
		return nil, nil
	}
	key := &estate.PostureKey{Where: p.where(), ID: aws.ToString(m.KeyId), ARN: aws.ToString(m.Arn)}
	st, err := api.GetKeyRotationStatus(ctx, &kms.GetKeyRotationStatusInput{KeyId: m.KeyId})
	switch {
	case r.unknown(err, readKMS, p.at, "the rotation status of KMS key "+key.ID):
	case err != nil:
		return nil, fmt.Errorf("read the rotation status of KMS key %s in %s: %w", key.ID, p.at, err)
	default:
		key.Rotation = aws.Bool(st.KeyRotationEnabled)
	}
	return key, nil
}
