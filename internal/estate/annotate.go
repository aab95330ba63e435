package estate

import "strings"

// Annotate copies what only the spec knows (role, environment, spec key
// and name, whether guardrails apply, the e-mail domain, the identity
// layer's audit limits) from the desired estate onto the matching
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
		if desired.Identity != nil && actual.Identity != nil {
			actual.Identity.Limits = desired.Identity.Limits
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
// workloads from what the account itself says, its Environment tag, then
// a stage word in its name (NameClass), and last from the OU it sits in:
// an organization that keeps the stage only in account names, as guidance
// 000's naming convention [workload]-[environment]-[org] does, is still
// told apart, and a production account in a non-production OU reads as
// the production it is. It returns "" when none tells.
func Classify(a *Account) string {
	if c := classifyWord(a.Tags["Environment"]); c != "" {
		return c
	}
	if c := NameClass(a.Name); c != "" {
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

// NameClass is the class of the last stage word of an account name
// ("payments-dev-acme", "Payments PRD", "data_uat"); "" when it has none.
// Only whole words count, so "product" or "devops" say nothing; the last
// one wins, so that a workload named after a stage ("test-harness-prod")
// reads as the stage that follows. "live" counts only after the first
// word: a name that starts with it ("live-chat") names a product.
func NameClass(name string) string {
	words := StageWords(name)
	for i := len(words) - 1; i >= 0; i-- {
		if i == 0 && words[i] == "live" {
			break
		}
		if c := classifyWord(words[i]); c != "" {
			return c
		}
	}
	return ""
}

// StageWords splits a tag value or account name into lowercase words at
// anything but a letter or digit: "dev/prod", "payments-prod-acme",
// "Payments Dev", "data_uat". A stage word written in two parts
// ("pre-prod", "non_prod", "Pre Production") is kept whole.
func StageWords(s string) []string {
	s = strings.Map(func(r rune) rune {
		if r == '_' || r == ' ' || r == '.' {
			return '-'
		}
		return r
	}, strings.ToLower(s))
	for _, joined := range []string{"pre-prod", "non-prod"} {
		s = strings.ReplaceAll(s, joined, strings.ReplaceAll(joined, "-", ""))
	}
	return strings.FieldsFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
	})
}

func classifyWord(s string) string {
	switch strings.ToLower(strings.ReplaceAll(s, "-", "")) {
	case "prod", "production", "prd", "live":
		return EnvProduction
	case "nonprod", "nonproduction", "nonprd", "dev", "development", "test", "testing", "qa",
		"staging", "stage", "stg", "sdlc", "preprod", "preproduction", "uat", "sandbox", "sbx":
		return EnvNonProduction
	}
	return ""
}
