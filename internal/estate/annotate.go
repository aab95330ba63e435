package estate

import "strings"

// Annotate copies what only the spec knows (role, environment, spec key
// and name, whether guardrails apply, the e-mail domain) from the desired estate onto the matching
// accounts and units of the actual estate, matching accounts by e-mail and
// units by path. Accounts the spec does not mention get their environment
// from Classify.
func Annotate(actual, desired *Estate) {
	if desired != nil {
		for email, d := range desired.Accounts {
			if a, ok := actual.Accounts[email]; ok {
				a.Role, a.Environment, a.Key, a.SpecName = d.Role, d.Environment, d.Key, d.Name
			}
		}
		for path, d := range desired.Units {
			if u, ok := actual.Units[path]; ok {
				u.Guardrails = d.Guardrails
			}
		}
		if actual.EmailDomain == "" {
			actual.EmailDomain = desired.EmailDomain
		}
		if actual.HomeRegion == "" {
			actual.HomeRegion, actual.Regions = desired.HomeRegion, desired.Regions
		}
	}
	for _, a := range actual.Accounts {
		if actual.IsManagement(a) {
			a.Role = RoleManagement
			if desired != nil && desired.Organization != nil {
				a.SpecName = desired.Organization.ManagementAccountName
			}
		}
	}
}

// Environment classes used by the structure checks.
const (
	EnvProduction    = "production"
	EnvNonProduction = "non-production"
)

// Classify guesses whether an account runs production or non-production
// workloads from its Environment tag, then from the OU it sits in. It
// returns "" when neither tells.
func Classify(a *Account) string {
	if c := classifyWord(a.Tags["Environment"]); c != "" {
		return c
	}
	for _, part := range strings.Split(a.Unit, "/") {
		if c := classifyWord(part); c != "" {
			return c
		}
	}
	return ""
}

// Class is the account's environment class: from its spec environment when
// known, else guessed by Classify.
func (a *Account) Class() string {
	if c := classifyWord(a.Environment); c != "" {
		return c
	}
	return Classify(a)
}

// EnvironmentClass maps a spec environment ("prod", "dev", ...) to
// production or non-production; "" when it is not a known word.
func EnvironmentClass(env string) string { return classifyWord(env) }

func classifyWord(s string) string {
	switch strings.ToLower(strings.ReplaceAll(s, "-", "")) {
	case "prod", "production", "prd", "live":
		return EnvProduction
	case "nonprod", "nonproduction", "dev", "development", "test", "testing", "qa",
		"staging", "stage", "preprod", "uat", "sandbox", "sbx":
		return EnvNonProduction
	}
	return ""
}
