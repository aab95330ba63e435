package orglayer

import (
	"fmt"
	"regexp"
	"sort"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/spec"
)

// ServicesKey is the section of foundation.yaml Services is read from.
const ServicesKey = "services"

func init() {
	spec.RegisterSection(spec.SectionType{Key: ServicesKey, Order: 300,
		New:     func() spec.Section { return &Services{} },
		Starter: func(spec.StarterOptions) string { return servicesStarter }})
}

// ServicesOf returns the services section of f, defaults applied.
func ServicesOf(f *spec.Foundation) *Services { return f.Section(ServicesKey).(*Services) }

// Services are the AWS services integrated with the organization.
type Services struct {
	// TrustedAccess lists service principals given trusted access. Default:
	// the services the foundation uses.
	TrustedAccess []string `yaml:"trusted_access"`
	// DelegatedAdmins maps a service principal to an account key. Default:
	// the security services to the security-tooling account, IAM Identity
	// Center to the identity-center account.
	DelegatedAdmins map[string]string `yaml:"delegated_admins"`
}

// Service principals of the services the foundation integrates with the
// organization.
const (
	ServiceCloudTrail     = "cloudtrail.amazonaws.com"
	ServiceConfig         = "config.amazonaws.com"
	ServiceConfigMulti    = "config-multiaccountsetup.amazonaws.com"
	ServiceIdentityCenter = "sso.amazonaws.com"
	ServiceSecurityHub    = "securityhub.amazonaws.com"
	ServiceGuardDuty      = "guardduty.amazonaws.com"
	ServiceAccessAnalyzer = "access-analyzer.amazonaws.com"
	ServiceAccount        = "account.amazonaws.com"
	ServiceTagPolicies    = "tagpolicies.tag.amazonaws.com"
)

// DefaultTrustedAccess are the services given trusted access by default:
// those the foundation's trail, Config, Identity Center, security services,
// alternate contacts and tag policies need.
var DefaultTrustedAccess = []string{
	ServiceAccessAnalyzer, ServiceAccount, ServiceCloudTrail, ServiceConfig, ServiceConfigMulti,
	ServiceGuardDuty, ServiceSecurityHub, ServiceIdentityCenter, ServiceTagPolicies,
}

// defaultDelegatedAdmins maps each delegable service to the account role
// that administers it (guidance 000 and 004): security services to
// Security Tooling, IAM Identity Center to its own account.
var defaultDelegatedAdmins = map[string]string{
	ServiceConfig:         string(estate.RoleSecurityTooling),
	ServiceConfigMulti:    string(estate.RoleSecurityTooling),
	ServiceCloudTrail:     string(estate.RoleSecurityTooling),
	ServiceSecurityHub:    string(estate.RoleSecurityTooling),
	ServiceGuardDuty:      string(estate.RoleSecurityTooling),
	ServiceAccessAnalyzer: string(estate.RoleSecurityTooling),
	ServiceIdentityCenter: string(estate.RoleIdentityCenter),
}

var servicePrincipalRE = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]*\.amazonaws\.com$`)

// Defaults gives trusted access to the services the foundation uses and
// delegates each to the account of its role.
func (s *Services) Defaults(f *spec.Foundation, written func(string) bool) {
	if !written("services.trusted_access") {
		s.TrustedAccess = append([]string(nil), DefaultTrustedAccess...)
	}
	if !written("services.delegated_admins") {
		byRole := map[string]string{}
		for key, a := range f.Accounts {
			if a.Role != "" {
				byRole[a.Role] = key
			}
		}
		s.DelegatedAdmins = map[string]string{}
		for svc, role := range defaultDelegatedAdmins {
			if key, ok := byRole[role]; ok {
				s.DelegatedAdmins[svc] = key
			}
		}
	}
}

// Validate checks the service principals and that each delegated
// administrator is a declared account of a trusted service.
func (s *Services) Validate(f *spec.Foundation, v *spec.Validator) {
	trusted := map[string]bool{}
	for i, svc := range s.TrustedAccess {
		p := fmt.Sprintf("services.trusted_access[%d]", i)
		switch {
		case !servicePrincipalRE.MatchString(svc):
			v.At(p, "%q is not a service principal such as config.amazonaws.com", svc)
		case trusted[svc]:
			v.At(p, "%q is listed twice", svc)
		}
		trusted[svc] = true
	}
	svcs := make([]string, 0, len(s.DelegatedAdmins))
	for svc := range s.DelegatedAdmins {
		svcs = append(svcs, svc)
	}
	sort.Strings(svcs)
	for _, svc := range svcs {
		p := "services.delegated_admins." + svc
		key := s.DelegatedAdmins[svc]
		if !servicePrincipalRE.MatchString(svc) {
			v.AtKey(p, "%q is not a service principal such as guardduty.amazonaws.com", svc)
		}
		if _, ok := f.Accounts[key]; !ok {
			v.At(p, "account %q is not declared under accounts%s", key, spec.Suggest(key, f.AccountKeys()))
		}
		if !trusted[svc] {
			v.At(p, "delegating %s needs trusted access: add it to services.trusted_access", svc)
		}
	}
}

// Desired adds trusted access and the delegated administrators to the
// organization layer.
func (s *Services) Desired(f *spec.Foundation, e *estate.Estate) {
	l := orgLayerOf(e)
	l.TrustedServices = append([]string(nil), s.TrustedAccess...)
	sort.Strings(l.TrustedServices)
	for svc, key := range s.DelegatedAdmins {
		l.DelegatedAdmins[svc] = target(f, key)
	}
}

// servicesStarter is the services section of `groundwork init`.
const servicesStarter = `# AWS services integrated with the organization: trusted access, and the
# member account that administers each one, so that nobody works in the
# management account (security services in Security Tooling, IAM Identity
# Center in its own account).
services:
  trusted_access:
    - access-analyzer.amazonaws.com
    - account.amazonaws.com
    - cloudtrail.amazonaws.com
    - config-multiaccountsetup.amazonaws.com
    - config.amazonaws.com
    - guardduty.amazonaws.com
    - securityhub.amazonaws.com
    - sso.amazonaws.com
    - tagpolicies.tag.amazonaws.com
  delegated_admins:
    access-analyzer.amazonaws.com: security-tooling
    cloudtrail.amazonaws.com: security-tooling
    config-multiaccountsetup.amazonaws.com: security-tooling
    config.amazonaws.com: security-tooling
    guardduty.amazonaws.com: security-tooling
    securityhub.amazonaws.com: security-tooling
    sso.amazonaws.com: identity-center
`
