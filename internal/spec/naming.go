package spec

import (
	"fmt"
	"regexp"
	"strings"
)

// The naming conventions of guidance 000 ("Create AWS account email naming
// convention"). The account name doubles as the account alias.
const (
	DefaultManagementAccount = "aws-management-account-{org}"
	DefaultManagementEmail   = "aws-management-account-{org}@{domain}"
	DefaultAccount           = "{name}-{org}"
	DefaultAccountEmail      = "aws-{name}-{org}@{domain}"
	DefaultWorkloadAccount   = "{workload}-{environment}-{org}"
	DefaultWorkloadEmail     = "aws-{workload}-{environment}-{org}@{domain}"
	DefaultSandboxAccount    = "sandbox-{username}-{org}"
	DefaultSandboxEmail      = "aws-sandbox-{username}-{org}@{domain}"
)

var placeholderRE = regexp.MustCompile(`\{([a-z]+)\}`)

// placeholders each template may use.
var (
	managementVars = []string{"org", "domain"}
	accountVars    = []string{"org", "domain", "name"}
	workloadVars   = []string{"org", "domain", "name", "workload", "environment"}
	sandboxVars    = []string{"org", "domain", "name", "username"}
)

// render fills a template's placeholders from vars.
func render(tpl string, vars map[string]string) string {
	return placeholderRE.ReplaceAllStringFunc(tpl, func(m string) string {
		return vars[m[1:len(m)-1]]
	})
}

// unknownPlaceholders lists the placeholders of tpl not in allowed.
func unknownPlaceholders(tpl string, allowed []string) []string {
	var bad []string
	for _, m := range placeholderRE.FindAllStringSubmatch(tpl, -1) {
		ok := false
		for _, a := range allowed {
			ok = ok || a == m[1]
		}
		if !ok {
			bad = append(bad, "{"+m[1]+"}")
		}
	}
	return bad
}

// conventionPattern turns a template into a regular expression that the
// explicit names and e-mails of a spec must match: {org} and {domain} are
// fixed, every per-account placeholder stands for one or more name
// characters.
func conventionPattern(tpl, org, domain string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString("^")
	last := 0
	for _, loc := range placeholderRE.FindAllStringSubmatchIndex(tpl, -1) {
		b.WriteString(regexp.QuoteMeta(tpl[last:loc[0]]))
		switch tpl[loc[2]:loc[3]] {
		case "org":
			b.WriteString(regexp.QuoteMeta(org))
		case "domain":
			b.WriteString(regexp.QuoteMeta(domain))
		default:
			b.WriteString(`[A-Za-z0-9][A-Za-z0-9._+-]*`)
		}
		last = loc[1]
	}
	b.WriteString(regexp.QuoteMeta(tpl[last:]))
	b.WriteString("$")
	return regexp.MustCompile(b.String())
}

// matchesConvention reports whether value fits the template, case-
// insensitively for e-mail addresses.
func matchesConvention(value, tpl, org, domain string) bool {
	if strings.Contains(tpl, "@") {
		return conventionPattern(strings.ToLower(tpl), strings.ToLower(org), strings.ToLower(domain)).MatchString(strings.ToLower(value))
	}
	return conventionPattern(tpl, org, domain).MatchString(value)
}

// templates returns the name and e-mail templates that apply to an account
// with the given role, and the placeholders they may use.
func (n Naming) templates(role string) (name, email string, vars []string) {
	switch role {
	case "workload":
		return n.WorkloadAccount, n.WorkloadEmail, workloadVars
	case "sandbox":
		return n.SandboxAccount, n.SandboxEmail, sandboxVars
	}
	return n.Account, n.AccountEmail, accountVars
}

func describeTemplate(kind, tpl string) string {
	return fmt.Sprintf("the %s convention %q", kind, tpl)
}
