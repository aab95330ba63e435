package importer

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
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
// contacts (inventory.Options{OrgLayer: true, Contacts: true}). Spec does
// not modify actual. The spec it returns validates and, planned against
// actual, has no changes except where a warning says otherwise.
func Spec(actual *estate.Estate, opts Options) (Result, error) {
	if actual == nil || actual.Organization == nil {
		return Result{}, ErrNoOrganization
	}
	if actual.Org == nil {
		return Result{}, errors.New("import: the organization layer (policies, trusted access, delegated administrators) was not read")
	}
	im := &importer{actual: actual, keyByEmail: map[string]string{}, units: map[string]*estate.Unit{}}
	for _, a := range actual.Accounts {
		if actual.IsManagement(a) {
			im.mgmt = a
		}
	}
	if im.mgmt == nil {
		return Result{}, fmt.Errorf("import: the management account %s is not among the organization's accounts", actual.Organization.ManagementAccountID)
	}
	var err error
	if im.opts, err = im.defaults(opts); err != nil {
		return Result{}, err
	}
	if _, err := im.probe(nil, nil, nil); err != nil {
		return Result{}, optionsError(err)
	}
	if actual.Organization.FeatureSet != "" && actual.Organization.FeatureSet != "ALL" {
		im.warnf("the organization has only %s; the spec asks for all features, so plan will propose enabling them", actual.Organization.FeatureSet)
	}
	if err := im.importUnits(); err != nil {
		return Result{}, err
	}
	im.importAccounts()
	if err := im.importSCPs(); err != nil {
		return Result{}, err
	}
	im.importTagPolicy()
	im.dropDisallowedTags()
	im.importServices()
	im.importContacts()
	return im.result()
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
}

// account is a member account as the spec will write it.
type account struct {
	src    *estate.Account
	key    string
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

// importUnits declares every OU the spec can name. OU names with '/' or
// '.' cannot be spec keys (spec paths use both as separators): such an OU
// and everything under it is left out.
func (im *importer) importUnits() error {
	for _, u := range im.actual.SortedUnits() {
		parent := estate.ParentPath(u.Path)
		if parent != estate.RootPath && im.units[parent] == nil {
			continue // under a unit left out; already warned
		}
		if name := u.Name(); name == "" || strings.ContainsAny(name, "./") {
			im.warnf("OU %s cannot be written in the spec (its name has '.' or '/'); it and everything in it are left out", estate.DisplayPath(u.Path))
			continue
		}
		im.units[u.Path] = u
	}
	if len(im.units) == 0 {
		return errors.New("import: the organization has no OUs, and a spec needs at least one (accounts directly under the root cannot be written in the spec either)")
	}
	return nil
}

var keyCharsRE = regexp.MustCompile(`[^a-z0-9-]+`)

// accountKey derives a spec key from an account name: lower case, runs of
// other characters replaced by '-', and without the "-ORG" suffix the
// naming convention adds, so that an account created by groundwork gets
// back the key it was created with.
func accountKey(name, org string) string {
	k := strings.Trim(keyCharsRE.ReplaceAllString(strings.ToLower(name), "-"), "-")
	for strings.Contains(k, "--") {
		k = strings.ReplaceAll(k, "--", "-")
	}
	if trimmed := strings.TrimSuffix(k, "-"+org); trimmed != "" {
		k = trimmed
	}
	if k == "" {
		k = "account"
	}
	return k
}

// emailRE is the e-mail address shape the spec accepts (spec's emailRE).
var emailRE = regexp.MustCompile(`^[A-Za-z0-9._%+-]+@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$`)

// roleHints are the roles recognised in account names; the spec allows
// each on one account.
var roleHints = []estate.Role{estate.RoleLogArchive, estate.RoleSecurityTooling, estate.RoleIdentityCenter}

func (im *importer) importAccounts() {
	im.accounts = map[string]*account{}
	o := im.opts
	names := map[string]string{strings.ToLower(im.mgmt.Name): "the management account"}
	// Accounts named by the convention first, so that each gets back the
	// key it was created with; then by name and e-mail, so that keys are
	// assigned the same way every time.
	conventional := func(a *estate.Account) bool {
		return a.Name == accountKey(a.Name, o.OrgID)+"-"+o.OrgID
	}
	members := im.actual.SortedAccounts()
	sort.SliceStable(members, func(i, j int) bool {
		if ci, cj := conventional(members[i]), conventional(members[j]); ci != cj {
			return ci
		}
		if members[i].Name != members[j].Name {
			return members[i].Name < members[j].Name
		}
		return members[i].Email < members[j].Email
	})
	for _, a := range members {
		if a == im.mgmt {
			continue
		}
		what := fmt.Sprintf("account %s %q (%s)", a.ID, a.Name, a.Email)
		switch {
		case a.Status != "" && a.Status != "ACTIVE":
			im.warnf("%s is %s; it is left out of the spec", what, a.Status)
			continue
		case a.Unit == estate.RootPath:
			im.warnf("%s is directly under the root, where the spec cannot place an account; it is left out (move it into an OU and import again)", what)
			continue
		case im.units[a.Unit] == nil:
			im.warnf("%s is in %s, which is left out; so is the account", what, estate.DisplayPath(a.Unit))
			continue
		case !emailRE.MatchString(a.Email):
			im.warnf("%s has an e-mail address the spec does not accept; it is left out", what)
			continue
		}
		if prev, dup := names[strings.ToLower(a.Name)]; dup {
			im.warnf("%s has the same name as %s, and names in a spec are unique; it is left out", what, prev)
			continue
		}
		names[strings.ToLower(a.Name)] = what
		base := accountKey(a.Name, o.OrgID)
		key := base
		for i := 2; im.accounts[key] != nil; i++ {
			key = fmt.Sprintf("%s-%d", base, i)
		}
		follows := a.Name == key+"-"+o.OrgID && strings.EqualFold(a.Email, "aws-"+key+"-"+o.OrgID+"@"+o.Domain)
		im.accounts[key] = &account{src: a, key: key, exempt: !follows, tags: a.Tags}
		im.keyByEmail[estate.EmailKey(a.Email)] = key
	}
	for _, role := range roleHints {
		var with []string
		for _, key := range sortedKeys(im.accounts) {
			if strings.Contains(key, string(role)) {
				with = append(with, key)
			}
		}
		if len(with) == 0 {
			continue
		}
		im.accounts[with[0]].role = string(role)
		if len(with) > 1 {
			im.warnf("accounts %s all look like the %s account; only %s gets role %s (a foundation has one)", strings.Join(with, ", "), role, with[0], role)
		}
	}
}

// target turns a policy target of the estate (Root, a unit path, an
// account's e-mail key) into the spec's (Root, a unit path, an account
// key).
func (im *importer) target(t string) (string, bool) {
	if t == estate.RootTarget || im.units[t] != nil {
		return t, true
	}
	key, ok := im.keyByEmail[t]
	return key, ok
}

// targets converts a policy's targets, warning about those the spec cannot
// name.
func (im *importer) targets(what string, ts []string) []string {
	out := []string{}
	for _, t := range ts {
		st, ok := im.target(t)
		if !ok {
			im.warnf("%s is attached to %s, which the spec does not declare; plan will propose detaching it", what, t)
			continue
		}
		out = append(out, st)
	}
	sort.Strings(out)
	return out
}

// servicePrincipalRE is the service principal shape the spec accepts.
var servicePrincipalRE = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]*\.amazonaws\.com$`)

func (im *importer) importServices() {
	l := im.actual.Org
	trusted := map[string]bool{}
	im.trusted = []string{}
	for _, svc := range l.TrustedServices {
		if !servicePrincipalRE.MatchString(svc) {
			im.warnf("trusted access for %s cannot be written in the spec; groundwork leaves it on", svc)
			continue
		}
		trusted[svc] = true
		im.trusted = append(im.trusted, svc)
	}
	sort.Strings(im.trusted)
	im.delegated = map[string]string{}
	for _, svc := range sortedKeys(l.DelegatedAdmins) {
		email := l.DelegatedAdmins[svc]
		key, ok := im.keyByEmail[email]
		switch {
		case !ok:
			im.warnf("%s is delegated to %s, which the spec does not declare; the delegation is left out and groundwork leaves it", svc, email)
		case !trusted[svc]:
			im.warnf("%s is delegated to %s without trusted access, which the spec requires; the delegation is left out and groundwork leaves it", svc, key)
		default:
			im.delegated[svc] = key
		}
	}
}

// dropDisallowedTags leaves out the tags the recovered tag policy does not
// allow: the spec refuses them, and a tag the spec does not mention is one
// groundwork leaves alone.
func (im *importer) dropDisallowedTags() {
	if im.tagging == nil || len(im.tagging.values) == 0 {
		return
	}
	filter := func(what string, tags map[string]string) map[string]string {
		out := map[string]string{}
		for _, k := range sortedKeys(tags) {
			if allowed, ok := im.tagging.values[k]; ok && len(allowed) > 0 && !contains(allowed, tags[k]) {
				im.warnf("%s has tag %s=%q, which tag policy %s does not allow; the tag is left out of the spec and groundwork leaves it", what, k, tags[k], im.tagging.name)
				continue
			}
			out[k] = tags[k]
		}
		return out
	}
	for _, path := range sortedKeys(im.units) {
		u := im.units[path]
		if len(u.Tags) > 0 {
			clone := *u
			clone.Tags = filter("OU "+estate.DisplayPath(path), u.Tags)
			im.units[path] = &clone
		}
	}
	for _, key := range sortedKeys(im.accounts) {
		a := im.accounts[key]
		a.tags = filter("account "+key, a.tags)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
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
