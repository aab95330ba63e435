package checklist

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssoadmin"
)

// The Identity Center steps: enabling it, which its admin API can tell,
// and the settings guidance 000 asks for that its APIs do not expose: MFA
// and the access portal URL. They belong to the organization's Identity
// Center instance, not to one account.

func init() {
	register(step{
		ID:          "CL-012",
		Title:       "Identity Center requires MFA",
		Guidance:    "000 Set MFA in IAM Identity Center",
		ConsolePath: "IAM Identity Center (home Region) > Settings > Authentication > Multi-factor authentication > Configure",
		Scope:       scopeOrganization,
		Manual: "verify by hand: prompt users for MFA only when their sign-in context changes (context-aware); " +
			"allow security keys and built-in authenticators and authenticator apps; " +
			"users without a registered device must register one at sign-in",
	})
	register(step{
		ID:          "CL-013",
		Title:       "Identity Center access portal URL customized",
		Guidance:    "000 Configure IdC URL in IAM Identity Center",
		ConsolePath: "IAM Identity Center (home Region) > Settings > Identity source > AWS access portal URL > Customize",
		Scope:       scopeOrganization,
		Manual: "verify by hand: a name your team remembers instead of d-xxxxxxxxxx in https://d-xxxxxxxxxx.awsapps.com/start; " +
			"it can be customized only once, so it may wait until the name is settled",
	})
}

func init() {
	register(step{
		ID:          "CL-015",
		Title:       "IAM Identity Center enabled",
		Guidance:    "000 Enable IAM Identity Center",
		ConsolePath: "IAM Identity Center (home Region, signed in to the management account) > Enable > Enable with AWS Organizations",
		Scope:       scopeManagement,
		Detect:      detectIdentityCenter,
	})
}

// detectIdentityCenter lists the Identity Center instances the management
// account sees in the home Region: the organization instance appears
// there once enabled. An instance enabled in another Region is not seen,
// and the guidance wants it in the home Region.
func detectIdentityCenter(ctx context.Context, e *env, _ Account) (Status, string) {
	out, err := e.r.SSOAdmin().ListInstances(ctx, &ssoadmin.ListInstancesInput{})
	switch {
	case err != nil:
		return Unknown, "list Identity Center instances: " + err.Error()
	case len(out.Instances) == 0:
		return Todo, "no IAM Identity Center instance in the home Region: people still sign in as IAM users or the root user"
	}
	in := out.Instances[0]
	return Done, fmt.Sprintf("IAM Identity Center instance %s (identity store %s) in the home Region",
		aws.ToString(in.InstanceArn), aws.ToString(in.IdentityStoreId))
}
