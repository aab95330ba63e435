package posture

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/estate"
)

// s3ReadAPI is the part of the S3 client the posture layer reads:
// the buckets and what could make each public.
type s3ReadAPI interface {
	ListBuckets(context.Context, *s3.ListBucketsInput, ...func(*s3.Options)) (*s3.ListBucketsOutput, error)
	GetBucketLocation(context.Context, *s3.GetBucketLocationInput, ...func(*s3.Options)) (*s3.GetBucketLocationOutput, error)
	GetPublicAccessBlock(context.Context, *s3.GetPublicAccessBlockInput, ...func(*s3.Options)) (*s3.GetPublicAccessBlockOutput, error)
	GetBucketPolicyStatus(context.Context, *s3.GetBucketPolicyStatusInput, ...func(*s3.Options)) (*s3.GetBucketPolicyStatusOutput, error)
	GetBucketAcl(context.Context, *s3.GetBucketAclInput, ...func(*s3.Options)) (*s3.GetBucketAclOutput, error)
}

var _ s3ReadAPI = (*s3.Client)(nil)

// The ACL groups that make a grant public.
const (
	groupAllUsers           = "http://acs.amazonaws.com/groups/global/AllUsers"
	groupAuthenticatedUsers = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
)

// bucketRef is a bucket whose details are still to read: at is its
// owning account by AWS ID, in the bucket's Region.
type bucketRef struct {
	at     estate.Location
	bucket *estate.PostureBucket
}

// listBuckets lists the account's buckets into the layer and returns them
// for their details to be read next. A bucket's Region comes with the
// list where S3 gives it, and from GetBucketLocation otherwise.
func (r *postureRead) listBuckets(ctx context.Context, key estate.AccountKey, w estate.Location) ([]bucketRef, error) {
	api := r.clients.S3(w)
	what := "the S3 buckets of " + string(w.Account)
	var refs []bucketRef
	pages := s3.NewListBucketsPaginator(api, &s3.ListBucketsInput{})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if r.unknown(err, readS3, global(w), what) {
			return nil, nil
		}
		if err != nil {
			return nil, fmt.Errorf("list %s: %w", what, err)
		}
		for _, b := range page.Buckets {
			name, region := aws.ToString(b.Name), aws.ToString(b.BucketRegion)
			if region == "" {
				loc, err := api.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: b.Name})
				if awsx.ErrorCodeIs(err, "NoSuchBucket") {
					continue // deleted since the list
				}
				if err != nil {
					return nil, fmt.Errorf("locate S3 bucket %s: %w", name, err)
				}
				region = bucketRegion(loc.LocationConstraint)
			}
			refs = append(refs, bucketRef{at: estate.Location{Account: w.Account, Region: region},
				bucket: &estate.PostureBucket{Where: estate.Where{Account: key, Region: region}, Name: name}})
		}
	}
	bs := make([]*estate.PostureBucket, len(refs))
	for i, ref := range refs {
		bs[i] = ref.bucket
	}
	r.locked(func(p *estate.Posture) { p.Buckets[string(key)] = bs })
	return refs, nil
}

// bucketRegion turns a location constraint into a Region: S3 answers
// none for us-east-1 and, for the oldest buckets, "EU" for eu-west-1.
func bucketRegion(c s3types.BucketLocationConstraint) string {
	switch c {
	case "":
		return "us-east-1"
	case s3types.BucketLocationConstraintEu:
		return "eu-west-1"
	}
	return string(c)
}

// bucket reads what could make one bucket public: its own Block Public
// Access, whether S3 judges its policy public, and its ACL's grants to
// everyone. A part that cannot be read stays unknown.
func (r *postureRead) bucket(ctx context.Context, ref bucketRef) error {
	api := r.clients.S3(ref.at)
	b, name := ref.bucket, aws.String(ref.bucket.Name)
	what := func(part string) string { return part + " of S3 bucket " + ref.bucket.Name }

	var block *estate.PublicAccessBlock
	pab, err := api.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: name})
	switch {
	case awsx.ErrorCodeIs(err, "NoSuchPublicAccessBlockConfiguration"):
		block = &estate.PublicAccessBlock{}
	case awsx.ErrorCodeIs(err, "NoSuchBucket"):
		return nil
	case r.unknown(err, readS3, global(ref.at), what("the Block Public Access")):
	case err != nil:
		return fmt.Errorf("read %s: %w", what("the Block Public Access"), err)
	default:
		c := pab.PublicAccessBlockConfiguration
		block = &estate.PublicAccessBlock{}
		if c != nil {
			block = &estate.PublicAccessBlock{BlockPublicACLs: aws.ToBool(c.BlockPublicAcls), IgnorePublicACLs: aws.ToBool(c.IgnorePublicAcls),
				BlockPublicPolicy: aws.ToBool(c.BlockPublicPolicy), RestrictPublicBuckets: aws.ToBool(c.RestrictPublicBuckets)}
		}
	}

	var policyPublic *bool
	st, err := api.GetBucketPolicyStatus(ctx, &s3.GetBucketPolicyStatusInput{Bucket: name})
	switch {
	case awsx.ErrorCodeIs(err, "NoSuchBucketPolicy"):
		policyPublic = aws.Bool(false)
	case awsx.ErrorCodeIs(err, "NoSuchBucket"):
		return nil
	case r.unknown(err, readS3, global(ref.at), what("the policy status")):
	case err != nil:
		return fmt.Errorf("read %s: %w", what("the policy status"), err)
	default:
		policyPublic = aws.Bool(st.PolicyStatus != nil && aws.ToBool(st.PolicyStatus.IsPublic))
	}

	var grants []string
	aclRead := false
	acl, err := api.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: name})
	switch {
	case awsx.ErrorCodeIs(err, "NoSuchBucket"):
		return nil
	case r.unknown(err, readS3, global(ref.at), what("the ACL")):
	case err != nil:
		return fmt.Errorf("read %s: %w", what("the ACL"), err)
	default:
		aclRead, grants = true, publicGrants(acl.Grants)
	}

	r.locked(func(*estate.Posture) {
		b.Block, b.PolicyPublic, b.PublicGrants, b.ACLRead = block, policyPublic, grants, aclRead
	})
	return nil
}

// publicGrants lists an ACL's grants to everyone or to any AWS account,
// as "AllUsers:READ".
func publicGrants(gs []s3types.Grant) []string {
	var out []string
	for _, g := range gs {
		if g.Grantee == nil || g.Grantee.Type != s3types.TypeGroup {
			continue
		}
		switch uri := aws.ToString(g.Grantee.URI); uri {
		case groupAllUsers, groupAuthenticatedUsers:
			out = append(out, uri[strings.LastIndexByte(uri, '/')+1:]+":"+string(g.Permission))
		}
	}
	return out
}
