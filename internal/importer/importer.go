package importer

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/spec"
)

// DefaultPolicyDir is where policy files go, relative to the spec.
const DefaultPolicyDir = "policies"

// managementPrefix is what the default management account name
// (spec.DefaultManagementAccount) puts before the organization ID.
const managementPrefix = "aws-management-account-"

// Options say what the live organization cannot: the names and Regions of
// the spec.
type Options struct {
	// OrgID is the spec's organization.id. Default: X when the management
	// account is named aws-management-account-X; otherwise required.
	OrgID string
	// Domain is organization.email_domain. Default: the domain of the
	// management account's e-mail.
	Domain string
	// HomeRegion is organization.home_region; required.
	HomeRegion string
	// Regions are the operational Regions. Default: the home Region.
	Regions []string
	// PolicyDir is where SCP documents that are not library compositions
	// are written, relative to the spec (or absolute). Default "policies".
	PolicyDir string
	// Now dates the header comment; zero means the current time.
	Now time.Time
}

// Result is an imported spec.
type Result struct {
	// YAML is foundation.yaml.
	YAML []byte
	// Files are the policy documents the spec refers to, by the path the
	// spec writes (slash-separated, relative to the spec unless PolicyDir
	// is absolute).
	Files map[string][]byte
	// Warnings name what the spec cannot express or what was left out, one
	// sentence each. They are also written as comments at the top of YAML.
	Warnings []string
}

// ErrNoOrganization is returned for an estate without an organization.
var ErrNoOrganization = errors.New("the management account is not in an organization: there is nothing to import (run groundwork init instead)")

// Spec writes the spec of an actual estate. actual must have been read
// with its organization layer and, for contacts to be imported, alternate
// contacts (inventory.Options{OrgLayer: true, Contacts: true}); for the
// logging layer to be imported, with the logging layer LoggingHint names
// (inventory.CollectLogging), and likewise the monitoring and hardening
// layers MonitoringHint and HardeningHint name (inventory.CollectMonitoring,
// CollectHardening), and the billing layer BillingHint names
// (inventory.CollectBilling). Spec does not modify actual. The spec it
// returns validates and, planned against actual, has no changes except
// where a warning says otherwise.
func Spec(actual *estate.Estate, opts Options) (Result, error) {
	im, err := start(actual, opts)
	if err != nil {
		return Result{}, err
	}
	im.importLogging()
	im.importMonitoring()
	im.importHardening()
	im.importBilling()
	return im.result()
}

// start imports everything but the logging layer, which is decided
// against the rest of the spec (see importLogging).
func start(actual *estate.Estate, opts Options) (*importer, error) {
	if actual == nil || actual.Organization == nil {
		return nil, ErrNoOrganization
	}
	if actual.Org == nil {
		return nil, errors.New("import: the organization layer (policies, trusted access, delegated administrators) was not read")
	}
	im := &importer{actual: actual, keyByEmail: map[string]string{}, units: map[string]*estate.Unit{}}
	for _, a := range actual.Accounts {
		if actual.IsManagement(a) {
			im.mgmt = a
		}
	}
	if im.mgmt == nil {
		return nil, fmt.Errorf("import: the management account %s is not among the organization's accounts", actual.Organization.ManagementAccountID)
	}
	var err error
	if im.opts, err = im.defaults(opts); err != nil {
		return nil, err
	}
	if _, err := im.probe(nil, nil, nil); err != nil {
		return nil, optionsError(err)
	}
	if actual.Organization.FeatureSet != "" && actual.Organization.FeatureSet != "ALL" {
		im.warnf("the organization has only %s; the spec asks for all features, so plan will propose enabling them", actual.Organization.FeatureSet)
	}
	if err := im.importUnits(); err != nil {
		return nil, err
	}
	im.importAccounts()
	if err := im.importSCPs(); err != nil {
		return nil, err
	}
	im.importTagPolicy()
	im.dropDisallowedTags()
	im.importServices()
	im.importContacts()
	return im, nil
}

// importer holds one import in progress.
type importer struct {
	actual *estate.Estate
	opts   Options
	mgmt   *estate.Account

	warnings []string
	// units are the OUs the spec declares, by path.
	units map[string]*estate.Unit
	// accounts are the member accounts the spec declares, by key;
	// keyByEmail maps their e-mail keys to those keys.
	accounts   map[string]*account
	keyByEmail map[string]string

	protectedPaths []string // written only when not the default
	scps           []*scp
	tagging        *tagging
	trusted        []string
	delegated      map[string]string
	contacts       *spec.Contacts
	// logging is the logging section; nil leaves logging off, and
	// loggingNote, when set, says so in a comment in its place.
	logging     *node
	loggingNote string
	// monitoring and hardening are those sections, likewise (see
	// layers.go).
	monitoring     *node
	monitoringNote string
	hardening      *node
	hardeningNote  string
	billing        *node
	billingNote    string
}

// account is a member account as the spec will write it.
type account struct {
	src    *estate.Account
	role   string
	exempt bool
	tags   map[string]string
	// contacts are the account's overrides; nil when none are written.
	contacts *spec.Contacts
}

func (im *importer) warnf(format string, args ...any) {
	im.warnings = append(im.warnings, fmt.Sprintf(format, args...))
}

// defaults fills the options the organization can tell.
func (im *importer) defaults(opts Options) (Options, error) {
	if opts.OrgID == "" {
		name := im.mgmt.Name
		if !strings.HasPrefix(name, managementPrefix) || len(name) == len(managementPrefix) {
			return opts, fmt.Errorf("import: the organization identifier is unknown: the management account is named %q, not %s<id>; give it with --org-id", name, managementPrefix)
		}
		opts.OrgID = strings.TrimPrefix(name, managementPrefix)
	}
	if opts.Domain == "" {
		_, domain, ok := strings.Cut(im.mgmt.Email, "@")
		if !ok || domain == "" {
			return opts, fmt.Errorf("import: the e-mail domain is unknown: the management account's e-mail %q has none; give it with --domain", im.mgmt.Email)
		}
		opts.Domain = strings.ToLower(domain)
	}
	if opts.HomeRegion == "" {
		return opts, errors.New("import: the home Region is required")
	}
	if len(opts.Regions) == 0 {
		opts.Regions = []string{opts.HomeRegion}
	}
	if opts.PolicyDir == "" {
		opts.PolicyDir = DefaultPolicyDir
	}
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	return opts, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

// optionFlags name the option behind each organization field.
var optionFlags = map[string]string{
	"organization.id": "--org-id", "organization.email_domain": "--domain",
	"organization.home_region": "--home-region", "organization.regions": "--regions",
}

// optionsError words the spec's problems with the options as problems
// with the flags that set them. It does not wrap the Diagnostics: they are
// about a probe spec, not a file the user has.
func optionsError(err error) error {
	var diags spec.Diagnostics
	if !errors.As(err, &diags) {
		return fmt.Errorf("import: %w", err)
	}
	msgs := make([]string, 0, len(diags))
	for _, d := range diags {
		name := d.Path
		for field, flag := range optionFlags {
			if d.Path == field || strings.HasPrefix(d.Path, field+"[") {
				name = flag
			}
		}
		msgs = append(msgs, name+": "+d.Message)
	}
	return fmt.Errorf("import: the options do not make a valid spec:\n  %s", strings.Join(msgs, "\n  "))
}
