package checklist

// The Identity Center settings guidance 000 asks for that its APIs do not
// expose: MFA and the access portal URL. They belong to the organization's
// Identity Center instance, not to one account.

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
