package cli

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/account"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/groundwork-aws/groundwork/internal/awsx"
)

// identity is who groundwork's credentials are, and the organization
// their account belongs to.
type identity struct {
	Account, ARN string
	// Organization is the organization, nil when the account is in none (apply
	// then creates one with it as the management account).
	Organization *types.Organization
}

// Management reports whether the credentials are the organization's
// management account, or of an account in no organization.
func (id identity) Management() bool {
	return id.Organization == nil || aws.ToString(id.Organization.MasterAccountId) == id.Account
}

// memberError says that groundwork runs as a member account: what it
// would read there ends in errors about parents and roots that do not
// say the cause.
type memberError struct {
	id   identity
	name string // the account's name, when it could be told
}

func (e *memberError) Error() string {
	you := e.id.Account
	if e.name != "" {
		you += " (" + e.name + ")"
	}
	o := e.id.Organization
	return fmt.Sprintf("you are account %s, a member of organization %s; run groundwork as its management account %s (%s): "+
		"use that account's credentials (--profile or AWS_PROFILE naming a profile of it, or `aws sso login` to a role in it)",
		you, aws.ToString(o.Id), aws.ToString(o.MasterAccountId), aws.ToString(o.MasterAccountEmail))
}

// whoami asks STS who the credentials are and Organizations which
// organization their account is in, and fails with a memberError when
// it is not the management account: two calls before any read, so that
// a wrong account is named as such. The answer is kept for the run.
func (g *globals) whoami(ctx context.Context, s *awsx.Session) (identity, error) {
	if g.id != nil {
		return *g.id, nil
	}
	id, err := askWhoami(ctx, s)
	if err == nil {
		g.id = &id
	}
	return id, err
}

func askWhoami(ctx context.Context, s *awsx.Session) (identity, error) {
	c := awsx.ConfigFor{Session: s}
	who, err := c.STS().GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return identity{}, fmt.Errorf("ask AWS who the credentials are: %w", err)
	}
	id := identity{Account: aws.ToString(who.Account), ARN: aws.ToString(who.Arn)}
	out, err := c.Organizations().DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
	var notInUse *types.AWSOrganizationsNotInUseException
	switch {
	case errors.As(err, &notInUse):
		return id, nil
	case err != nil:
		return id, fmt.Errorf("describe organization: %w", err)
	}
	id.Organization = out.Organization
	if id.Management() {
		return id, nil
	}
	return id, &memberError{id: id, name: accountName(ctx, c)}
}

// accountName is the name of the credentials' own account, which a
// member account may read of the Account Management API; "" when it
// cannot (the name only adds to the message).
func accountName(ctx context.Context, c awsx.ConfigFor) string {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	out, err := c.AccountManagement().GetAccountInformation(ctx, &account.GetAccountInformationInput{}, func(o *account.Options) {
		o.RetryMaxAttempts = 1
	})
	if err != nil {
		return ""
	}
	return aws.ToString(out.AccountName)
}
