package orglayer

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/importer"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/policy"
)

// writePolicies writes the policies section: the SCPs, as compositions of
// the library where the spec would render them exactly, else as files
// beside the spec. It also recovers the tag policy the tagging dictionary
// makes, which it gives the core's tagging section, and writes the other
// tag policies as files (see importTagPolicies).
func writePolicies(im *importer.Import) (any, string, error) {
	if im.Actual().Org == nil {
		return nil, "", errNotRead
	}
	p := &policiesImport{Import: im}
	if err := p.importSCPs(); err != nil {
		return nil, "", err
	}
	p.importTagPolicies()
	files := map[string][]byte{}
	for _, s := range append(append([]*importedSCP(nil), p.scps...), p.tagPolicies...) {
		if s.file != "" {
			files[s.file] = s.content
		}
	}
	return importer.WithFiles{Value: p.node(false), Placeholder: p.node(true), Files: files}, "", nil
}

// policiesImport is the import of the SCPs in progress.
type policiesImport struct {
	*importer.Import
	protectedPaths []string // written only when not the default
	scps           []*importedSCP
	tagPolicies    []*importedSCP // written as files
}

// node writes the section. With placeholders, SCP files are replaced by a
// library policy and tag policies are left out, so that the spec can be
// validated without the files (which are checked on their own, see
// checkSCP and importTagPolicies).
func (im *policiesImport) node(placeholders bool) *importer.Node {
	scps := importer.NewNode()
	for _, s := range im.scps {
		p := SCP{Description: s.description, Attach: s.attach}
		switch {
		case s.file != "" && placeholders:
			p.Library = []string{"PreventMemberLeaveOrg"}
		case s.file != "":
			p.File = s.file
		default:
			p.Library = s.library
		}
		scps.Set(s.name, importer.EncodeFields(&p, &p.Description, &p.Library, &p.File, &p.Attach))
	}
	n := policiesNode(scps, im.protectedPaths)
	if len(im.tagPolicies) > 0 && !placeholders {
		tps := importer.NewNode()
		for _, s := range im.tagPolicies {
			tp := TagPolicyFile{Description: s.description, File: s.file, Attach: s.attach}
			tps.Set(s.name, importer.EncodeFields(&tp, &tp.Description, &tp.File, &tp.Attach))
		}
		var ps Policies
		n.Set(importer.FieldKey(&ps, &ps.TagPolicies), tps)
	}
	return n
}

// policiesNode writes the policies section: scps is a mapping of SCPs by
// name (nil: none), written after the role paths.
func policiesNode(scps *importer.Node, protected []string) *importer.Node {
	p := Policies{}
	if len(protected) > 0 {
		p.ProtectedRolePaths = protected
	}
	if scps == nil {
		scps = importer.NewNode()
	}
	return importer.EncodeFields(&p, &p.ProtectedRolePaths).Set(importer.FieldKey(&p, &p.SCPs), scps)
}

// importedSCP is a service control policy as the spec will write it: either a
// composition of library policies or a file.
type importedSCP struct {
	name, description string
	library           []string
	file              string // as the spec writes it
	content           []byte // the file's content
	attach            []string
}

// A library policy's Sids: its name, then name2, name3 ... when a
// template repeats its statement (ProtectOrgAdminRoles, once per path).
var (
	protectSidRE   = regexp.MustCompile(`^ProtectOrgAdminRoles[0-9]*$`)
	rolePathARNRE  = regexp.MustCompile(`^arn:aws:iam::\*:role(/.*/)\*$`)
	regionsLibrary = "DenyOutsideOperationalRegions"
)

func (im *policiesImport) importSCPs() error {
	var customer []*estate.Policy
	for _, p := range im.Actual().Org.SortedPolicies() {
		if p.Type == estate.PolicyTypeSCP && !p.AWSManaged {
			customer = append(customer, p)
		}
	}
	docs := map[string]*policy.Document{}
	for _, p := range customer {
		if doc, err := policy.Parse([]byte(p.Content)); err == nil {
			docs[p.Name] = doc
		}
	}
	im.protectedPaths = inferProtectedPaths(customer, docs)
	matched, err := im.matchLibrary(customer, docs)
	if err != nil {
		return err
	}
	files := map[string]bool{}
	for _, p := range customer {
		what := "SCP " + p.Name
		s := &importedSCP{name: p.Name, description: p.Description, attach: importTargets(im.Import, what, p)}
		if libs, ok := matched[p.Name]; ok {
			s.library = libs
			if lp, _ := policy.LibraryPolicyNamed(libs[0]); len(libs) == 1 && lp.Description == s.description {
				s.description = "" // the spec's default
			}
			im.scps = append(im.scps, s)
			continue
		}
		im.regionsHint(p, docs[p.Name])
		base := fileName(p.Name)
		s.file = path.Join(filepath.ToSlash(im.Options().PolicyDir), base+".json")
		for i := 2; files[s.file]; i++ {
			s.file = path.Join(filepath.ToSlash(im.Options().PolicyDir), fmt.Sprintf("%s-%d.json", base, i))
		}
		s.content = prettyDocument(p.Content)
		if problems := checkSCP(s.content); len(problems) > 0 {
			warnRefused(im.Import, what, problems, p)
			continue
		}
		files[s.file] = true
		im.scps = append(im.scps, s)
	}
	return nil
}

// checkSCP runs the checks the spec runs on an SCP file.
func checkSCP(content []byte) []policy.Problem {
	if problems := policy.Lint("", content, policy.SCP); len(problems) > 0 {
		return problems
	}
	doc, err := policy.Parse(content)
	if err != nil {
		return []policy.Problem{{Statement: -1, Message: err.Error()}}
	}
	return policy.DeniesAccess(doc, policy.DefaultAccessRole, "*")
}

// inferProtectedPaths returns the role paths the first SCP with
// ProtectOrgAdminRoles statements protects, or nil for the default.
func inferProtectedPaths(policies []*estate.Policy, docs map[string]*policy.Document) []string {
	for _, p := range policies {
		doc := docs[p.Name]
		if doc == nil {
			continue
		}
		var paths []string
		for _, st := range doc.Statements {
			if !protectSidRE.MatchString(st.Sid) || len(st.Resource) != 1 {
				continue
			}
			if m := rolePathARNRE.FindStringSubmatch(st.Resource[0]); m != nil {
				paths = append(paths, m[1])
			}
		}
		if len(paths) > 0 {
			if slices.Equal(paths, DefaultProtectedRolePaths) {
				return nil
			}
			return paths
		}
	}
	return nil
}

// candidates lists the library compositions that might reproduce a
// document: the library policies its Sids name, in order, then each
// library policy alone.
func candidates(doc *policy.Document, sids map[string]string) [][]string {
	var out [][]string
	if doc != nil {
		var combo []string
		for _, st := range doc.Statements {
			name, ok := sids[st.Sid]
			if !ok {
				combo = nil
				break
			}
			if !slices.Contains(combo, name) {
				combo = append(combo, name)
			}
		}
		if len(combo) > 0 {
			out = append(out, combo)
		}
	}
	for _, lp := range policy.Library() {
		if len(out) == 0 || !slices.Equal(out[0], []string{lp.Name}) {
			out = append(out, []string{lp.Name})
		}
	}
	return out
}

// librarySids maps every Sid of the library, rendered with params, to its
// library policy.
func librarySids(params policy.Params) map[string]string {
	sids := map[string]string{}
	for _, lp := range policy.Library() {
		src, err := policy.Render(lp.Name, params)
		if err != nil {
			continue
		}
		doc, err := policy.Parse(src)
		if err != nil {
			continue
		}
		for _, st := range doc.Statements {
			sids[st.Sid] = lp.Name
		}
	}
	return sids
}

// matchLibrary finds, for each SCP, the library composition the spec
// would render to the same document and description, if any. It asks the
// spec itself: all candidates go into one probe spec, whose desired estate
// holds the documents exactly as plan would compare them.
func (im *policiesImport) matchLibrary(policies []*estate.Policy, docs map[string]*policy.Document) (map[string][]string, error) {
	matched := map[string][]string{}
	if len(policies) == 0 {
		return matched, nil
	}
	type cand struct {
		p    *estate.Policy
		libs []string
	}
	var cands []cand
	sids := librarySids(policy.Params{Regions: im.Options().Regions, ProtectedRolePaths: im.protectedPaths, AccessRole: policy.DefaultAccessRole})
	scps := importer.NewNode()
	for _, p := range policies {
		for _, libs := range candidates(docs[p.Name], sids) {
			c := SCP{Library: libs, Attach: []string{}}
			// description is written even when empty: the spec gives an
			// SCP without one its library policy's description.
			scps.Set(fmt.Sprintf("c%d", len(cands)), importer.Encode(c).Set(importer.FieldKey(&c, &c.Description), p.Description))
			cands = append(cands, cand{p, libs})
		}
	}
	f, err := im.ProbeBare(nil, map[string]any{PoliciesKey: policiesNode(scps, im.protectedPaths)})
	if err != nil && im.protectedPaths != nil {
		im.protectedPaths = nil // an unusual path the spec refuses: compare with the default
		f, err = im.ProbeBare(nil, map[string]any{PoliciesKey: policiesNode(scps, nil)})
	}
	if err != nil {
		return nil, fmt.Errorf("import: compare SCPs with the library: %v", err)
	}
	desired := f.Desired().Org.Policies
	for i, c := range cands {
		if _, done := matched[c.p.Name]; done {
			continue
		}
		d := desired[estate.PolicyKey(estate.PolicyTypeSCP, fmt.Sprintf("c%d", i))]
		if d != nil && d.Description == c.p.Description && kinds.PrettyJSON(d.Content) == kinds.PrettyJSON(c.p.Content) {
			matched[c.p.Name] = c.libs
		}
	}
	return matched, nil
}

// regionsHint tells when an SCP would be the library's Region guardrail
// with other Regions than the import's.
func (im *policiesImport) regionsHint(p *estate.Policy, doc *policy.Document) {
	if doc == nil {
		return
	}
	for _, st := range doc.Statements {
		if st.Sid != regionsLibrary {
			continue
		}
		regions := st.Condition["StringNotEquals"]["aws:RequestedRegion"]
		if len(regions) > 0 && !slices.Equal(slices.Sorted(slices.Values(regions)), slices.Sorted(slices.Values(im.Options().Regions))) {
			im.Warnf("SCP %s denies Regions outside %s, and the import's Regions are %s; it is written as a file (import with --regions %s to write it as library policy %s)",
				p.Name, strings.Join(regions, ", "), strings.Join(im.Options().Regions, ", "), strings.Join(regions, ","), regionsLibrary)
		}
	}
}

var fileNameRE = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// fileName makes a policy name safe as a file name.
func fileName(name string) string {
	n := strings.Trim(fileNameRE.ReplaceAllString(name, "-"), "-.")
	if n == "" {
		n = "policy"
	}
	return n
}

// prettyDocument indents a policy document for review, keeping its key
// order; plan compares documents by content, not layout.
func prettyDocument(content string) []byte {
	var buf bytes.Buffer
	if err := json.Indent(&buf, []byte(content), "", "  "); err != nil {
		return []byte(content)
	}
	buf.WriteByte('\n')
	return buf.Bytes()
}
