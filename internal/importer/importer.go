package importer

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/inventory"
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
	// PolicyDir is where the policy documents the spec refers to as files
	// are written (see WithFiles), relative to the spec (or absolute).
	// Default "policies".
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

// Run imports the organization of actual: the core (organization, units,
// accounts, tagging), then each registered section, in order, reads what
// it needs through r into actual and writes itself. Errors are those of
// the core, of a section's Read or Write, and the refusal of a spec that
// does not validate; a part of a layer that cannot be read is passed to
// r.Warn (when nil, it becomes a warning of the result) and left off. The
// spec it returns validates and, planned against actual, has no changes
// except where a warning says otherwise.
func Run(ctx context.Context, r inventory.Reader, actual *estate.Estate, opts Options) (Result, error) {
	im, err := begin(actual, opts)
	if err != nil {
		return Result{}, err
	}
	if r.Warn == nil {
		r.Warn = func(err error) { im.Warnf("%v", err) }
	}
	for _, s := range im.order {
		if s.Read != nil {
			if err := s.Read(ctx, r, im); err != nil {
				return Result{}, err
			}
		}
		if err := im.write(s); err != nil {
			return Result{}, err
		}
	}
	return im.result()
}

// Spec writes the spec of an estate already read: Run without the
// sections' reads, each section writing what actual holds of its layer.
// Spec does not modify actual.
func Spec(actual *estate.Estate, opts Options) (Result, error) {
	im, err := begin(actual, opts)
	if err != nil {
		return Result{}, err
	}
	for _, s := range im.order {
		if err := im.write(s); err != nil {
			return Result{}, err
		}
	}
	return im.result()
}

// Prepare runs the core of an import and the Write of every registered
// section ordered before key, reading nothing: the import as section key
// finds it, for tests of a section's Read and Write. Its errors are those
// of Spec.
func Prepare(actual *estate.Estate, opts Options, key string) (*Import, error) {
	im, err := begin(actual, opts)
	if err != nil {
		return nil, err
	}
	for _, s := range im.order {
		if s.Key == key {
			return im, nil
		}
		if err := im.write(s); err != nil {
			return nil, err
		}
	}
	return nil, fmt.Errorf("import: no section %s is registered", key)
}

// write runs a section's Write and keeps what it wrote.
func (im *Import) write(s SectionType) error {
	value, note, err := s.Write(im)
	if err != nil {
		return err
	}
	im.written[s.Key] = written{value: absentIfNil(value), note: note}
	return nil
}

// begin runs the core of an import: everything but the registered
// sections, which are decided against it.
func begin(actual *estate.Estate, opts Options) (*Import, error) {
	if actual == nil || actual.Organization == nil {
		return nil, ErrNoOrganization
	}
	c := &importer{actual: actual, keyByEmail: map[string]string{}, units: map[string]*estate.Unit{}}
	im := &Import{core: c, written: map[string]written{}, order: sections()}
	im.layout = slices.Clone(im.order)
	slices.SortStableFunc(im.layout, func(a, b SectionType) int { return cmp.Compare(a.position(), b.position()) })
	for _, a := range actual.Accounts {
		if actual.IsManagement(a) {
			c.mgmt = a
		}
	}
	if c.mgmt == nil {
		return nil, fmt.Errorf("import: the management account %s is not among the organization's accounts", actual.Organization.ManagementAccountID)
	}
	var err error
	if c.opts, err = c.defaults(opts); err != nil {
		return nil, err
	}
	if _, err := im.ProbeBare(nil, nil); err != nil {
		return nil, optionsError(err)
	}
	if actual.Organization.FeatureSet != "" && actual.Organization.FeatureSet != "ALL" {
		c.warnf("the organization has only %s; the spec asks for all features, so plan will propose enabling them", actual.Organization.FeatureSet)
	}
	if err := c.importUnits(); err != nil {
		return nil, err
	}
	c.importAccounts()
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

	// tagging is the tagging section; nil writes the dictionary without
	// a tag policy (disabledTagging).
	tagging *spec.Tagging
	// mgmtContacts are the management account's own contacts
	// (organization.management.contacts); nil writes none.
	mgmtContacts *spec.Contacts
}

// account is a member account: as the estate has it (src), and as the
// spec will write it.
type account struct {
	src  *estate.Account
	spec spec.Account
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
