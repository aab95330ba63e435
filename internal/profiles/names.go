package profiles

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"text/template"
)

// Name templates by the tool whose profile names they reproduce, so that
// a person who used one keeps the names their scripts and shell history
// know.
var presets = map[string]string{
	// aws-sso-util configure populate: account name and role name joined
	// by dots (its default components, without the Region it leaves out
	// of the default Region's profiles).
	"aws-sso-util": "{{.AccountName}}.{{.RoleName}}",
	// granted sso populate: its default --profile-template.
	"granted": "{{.AccountName}}/{{.RoleName}}",
}

// DefaultNames is the template `groundwork profiles` names with by
// default: aws-sso-util's, which keeps names free of characters a shell
// or a URL treats specially.
const DefaultNames = "aws-sso-util"

// NameFields are what a name template can use: the fields granted's
// templates use (.AccountName, .AccountID, .RoleName), and more.
type NameFields struct {
	AccountName string
	AccountID   string
	// AccountKey is the account's key in the spec ("management" for the
	// management account), else the account name.
	AccountKey  string
	RoleName    string
	Region      string
	Unit        string // the account's OU path, "" under the root
	Environment string
	Org         string
}

// fieldList names the fields of NameFields for messages.
const fieldList = ".AccountName, .AccountID, .AccountKey, .RoleName, .Region, .Unit, .Environment and .Org"

// Names names profiles from a Go template.
type Names struct {
	tmpl *template.Template
	org  string
}

var nameFuncs = template.FuncMap{
	"lower":      strings.ToLower,
	"upper":      strings.ToUpper,
	"replace":    func(old, new, s string) string { return strings.ReplaceAll(s, old, new) },
	"trimPrefix": func(prefix, s string) string { return strings.TrimPrefix(s, prefix) },
	"trimSuffix": func(suffix, s string) string { return strings.TrimSuffix(s, suffix) },
}

// ParseNames parses a name template, or the name of a preset
// ("aws-sso-util", "granted"), for the organization org. A template that
// does not parse, or uses a field NameFields does not have, is an error
// before anything is read.
func ParseNames(text, org string) (*Names, error) {
	if p, ok := presets[text]; ok {
		text = p
	}
	t, err := template.New("names").Funcs(nameFuncs).Option("missingkey=error").Parse(text)
	if err != nil {
		return nil, fmt.Errorf("--names %q: %w", text, err)
	}
	n := &Names{tmpl: t, org: org}
	sample := NameFields{AccountName: "payments-prod", AccountID: "123456789012", AccountKey: "payments-prod",
		RoleName: "AdministratorAccess", Region: "us-east-1", Org: org}
	out, err := n.render(sample)
	if err != nil {
		return nil, fmt.Errorf("--names %q: %w (a template has %s)", text, err, fieldList)
	}
	if out == "" {
		return nil, fmt.Errorf("--names %q: the template makes empty names", text)
	}
	if !strings.Contains(text, "{{") {
		return nil, fmt.Errorf("--names %q: a template without {{...}} gives every profile one name; use %s, %s or a template such as {{.AccountName}}-{{.RoleName}}",
			text, "aws-sso-util", "granted")
	}
	return n, nil
}

func (n *Names) render(f NameFields) (string, error) {
	var b bytes.Buffer
	if err := n.tmpl.Execute(&b, f); err != nil {
		return "", err
	}
	return b.String(), nil
}

// unsafeRE are the characters a profile name does not keep: section
// headers and shells handle letters, digits and _+=,.@/- without quoting,
// and the AWS CLI splits a header on white space.
var unsafeRE = regexp.MustCompile(`[^\w+=,.@/-]+`)

// Name is the profile name of t in region. The default Region's profile
// (the first asked for) is named by the template alone; another Region's,
// when the template does not use .Region, gets ".<region>" after it, as
// aws-sso-util names its profiles in Regions other than the default.
// Characters a profile name should not hold become "-" (account names
// such as "Log Archive" have spaces).
func (n *Names) Name(t Target, region string, defaultRegion bool) (string, error) {
	key := t.AccountKey
	if key == "" {
		key = t.AccountName
	}
	f := NameFields{AccountName: t.AccountName, AccountID: t.AccountID, AccountKey: key, RoleName: t.Role,
		Region: region, Unit: t.Unit, Environment: t.Environment, Org: n.org}
	name, err := n.render(f)
	if err != nil {
		return "", fmt.Errorf("name the profile of %s in %s: %w", t.Role, t.AccountName, err)
	}
	if !defaultRegion {
		f.Region = ""
		if without, _ := n.render(f); without == name {
			name += "." + region
		}
	}
	name = strings.Trim(unsafeRE.ReplaceAllString(name, "-"), "-")
	switch name {
	case "":
		return "", fmt.Errorf("the name template makes an empty name for %s in %s", t.Role, t.AccountName)
	case "default":
		return "", fmt.Errorf("the name template names the profile of %s in %s \"default\", which would replace your default profile", t.Role, t.AccountName)
	}
	return name, nil
}
