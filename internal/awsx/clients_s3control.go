package awsx

import (
	"context"
	"net/url"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	smithyendpoints "github.com/aws/smithy-go/endpoints"
)

// S3Control returns an S3 Control client. S3 Control addresses an account
// by its host: its endpoint rules put the account ID in front of the
// endpoint, "123456789012.s3-control.us-east-1.amazonaws.com", and do so
// for an endpoint override too, giving "123456789012.127.0.0.1:5000",
// which a local AWS API does not answer (the name does not resolve). The
// account also travels in the x-amz-account-id header, which is what such
// servers read; so with an override (AWS_ENDPOINT_URL) the resolved host
// is put back to the override's, keeping the path and signing properties
// the rules chose. Against AWS itself nothing changes.
func (c ConfigFor) S3Control() *s3control.Client {
	return client(c, "s3control", func(cfg aws.Config) *s3control.Client { return newS3Control(cfg, c.Session.signer()) })
}

func newS3Control(cfg aws.Config, signer *v4.Signer) *s3control.Client {
	return s3control.NewFromConfig(cfg, func(o *s3control.Options) {
		o.HTTPSignerV4 = signer
		if o.BaseEndpoint == nil || *o.BaseEndpoint == "" {
			return
		}
		base, err := url.Parse(*o.BaseEndpoint)
		if err != nil || base.Host == "" {
			return // the SDK reports a malformed override itself
		}
		o.EndpointResolverV2 = plainHostResolver{base: base, next: s3control.NewDefaultEndpointResolverV2()}
	})
}

// plainHostResolver resolves S3 Control endpoints with the SDK's rules,
// then drops the account prefix they add to the override's host.
type plainHostResolver struct {
	base *url.URL
	next s3control.EndpointResolverV2
}

func (r plainHostResolver) ResolveEndpoint(ctx context.Context, p s3control.EndpointParameters) (smithyendpoints.Endpoint, error) {
	ep, err := r.next.ResolveEndpoint(ctx, p)
	if err != nil {
		return ep, err
	}
	ep.URI.Scheme, ep.URI.Host = r.base.Scheme, r.base.Host
	return ep, nil
}
