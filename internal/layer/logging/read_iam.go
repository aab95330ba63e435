package logging

import (
	"context"
	"fmt"
	"net/url"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"golang.org/x/sync/errgroup"

	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/estate"
)

// iamReadAPI is the part of the IAM client the inventory uses.
type iamReadAPI interface {
	GetRole(context.Context, *iam.GetRoleInput, ...func(*iam.Options)) (*iam.GetRoleOutput, error)
	ListAttachedRolePolicies(context.Context, *iam.ListAttachedRolePoliciesInput, ...func(*iam.Options)) (*iam.ListAttachedRolePoliciesOutput, error)
	GetRolePolicy(context.Context, *iam.GetRolePolicyInput, ...func(*iam.Options)) (*iam.GetRolePolicyOutput, error)
}

var _ iamReadAPI = (*iam.Client)(nil)

func init() { registerLoggingCollector(collectRoles) }

// collectRoles reads each role the desired layer names: three calls per
// role plus one per inline policy.
func collectRoles(ctx context.Context, g *errgroup.Group, r *loggingRead) {
	for key, want := range r.want.Roles {
		w, ok := r.at(want.Where)
		if !ok {
			continue
		}
		g.Go(func() error {
			api := r.clients.IAM(w)
			out, err := api.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(want.Name)})
			if awsx.ErrorCodeIs(err, "NoSuchEntity") {
				return nil
			}
			if err != nil {
				return fmt.Errorf("read role %s in %s: %w", want.Name, w.Account, err)
			}
			role := &estate.IAMRole{Where: want.Where, Name: want.Name, Path: aws.ToString(out.Role.Path),
				ARN: aws.ToString(out.Role.Arn), Trust: decodePolicy(aws.ToString(out.Role.AssumeRolePolicyDocument)),
				Inline: map[string]string{}}
			pages := iam.NewListAttachedRolePoliciesPaginator(api, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String(want.Name)})
			for pages.HasMorePages() {
				page, err := pages.NextPage(ctx)
				if err != nil {
					return fmt.Errorf("list policies of role %s in %s: %w", want.Name, w.Account, err)
				}
				for _, p := range page.AttachedPolicies {
					role.Managed = append(role.Managed, aws.ToString(p.PolicyArn))
				}
			}
			sort.Strings(role.Managed)
			for name := range want.Inline {
				doc, err := api.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String(want.Name), PolicyName: aws.String(name)})
				if awsx.ErrorCodeIs(err, "NoSuchEntity") {
					continue
				}
				if err != nil {
					return fmt.Errorf("read policy %s of role %s in %s: %w", name, want.Name, w.Account, err)
				}
				role.Inline[name] = decodePolicy(aws.ToString(doc.PolicyDocument))
			}
			r.locked(func(l *estate.Logging) { l.Roles[key] = role })
			return nil
		})
	}
}

// decodePolicy undoes the URL encoding IAM returns policy documents in.
func decodePolicy(doc string) string {
	if s, err := url.QueryUnescape(doc); err == nil {
		return s
	}
	return doc
}
