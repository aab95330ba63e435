package orglayer

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/account"
	"github.com/aws/aws-sdk-go-v2/service/organizations"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/importer"
	"github.com/groundwork-aws/groundwork/internal/inventory"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/policy"
)

// The organization layer imports itself in three sections, before every
// other layer: the sections after it decide against its delegated
// administrators (where the logging layer's trail may be) and its contacts
// (the defaults of the security topic's subscribers), and its warnings
// come first. The contacts are written at the end of the spec, where a
// reader looks for them least.
func init() {
	importer.RegisterSection(importer.SectionType{Key: PoliciesKey, Order: 10,
		Read: readForImport, Write: writePolicies,
		Bare: Policies{SCPs: map[string]*SCP{}}})
	importer.RegisterSection(importer.SectionType{Key: ServicesKey, Order: 20, Write: writeServices,
		Bare: Services{TrustedAccess: []string{}, DelegatedAdmins: map[string]string{}}})
	importer.RegisterSection(importer.SectionType{Key: ContactsKey, Order: 30, Position: contactsPosition, Write: writeContacts})
}

// contactsPosition writes the contacts section after every other section.
const contactsPosition = math.MaxInt32

// errNotRead is the import's refusal of an estate without the layer.
var errNotRead = errors.New("import: the organization layer (policies, trusted access, delegated administrators) was not read")

// readForImport reads the whole layer, as the audit does: the policies,
// trusted access and delegated administrators, which the import cannot do
// without, and every account's alternate contacts, which it can: when they
// cannot be read, r.Warn says so and the spec manages none. Its messages
// are those of the layer's read (see read).
func readForImport(ctx context.Context, r inventory.Reader, im *importer.Import) error {
	actual := im.Actual()
	opts := r.Options()
	if err := readPolicies(ctx, organizations.NewFromConfig(r.Session.Config("", "", "")), actual, opts); err != nil {
		actual.Org = nil
		return fmt.Errorf("read the organization: the organization layer (policies, trusted access, delegated administrators) was not read, so nothing can be imported: %w", err)
	}
	if err := readContacts(ctx, account.NewFromConfig(r.Session.Config("", "", "")), actual, opts); err != nil {
		for _, a := range actual.Accounts {
			a.Contacts = nil
		}
		r.Warn(contactsLeftOut(err, actual.Org))
	}
	return nil
}

// contactsLeftOut is import's warning when the contacts could not be read:
// the same cause as the read records (contactsNotRead), and what it means
// for the spec written.
func contactsLeftOut(err error, org *estate.OrgLayer) error {
	return fmt.Errorf("alternate contacts not read: %w; the spec will not manage alternate contacts", contactsNotRead(err, org))
}

// importTargets converts a policy's targets to the spec's (the management
// account is management), warning about those the spec cannot name.
func importTargets(im *importer.Import, what string, p *estate.Policy) []string {
	out := []string{}
	mgmt := ""
	if m := im.Management(); m != nil {
		if src, _ := im.Account(estate.ManagementKey); src == nil {
			mgmt = estate.EmailKey(m.Email) // no member account has the key management
		}
	}
	for _, t := range p.Targets {
		st, ok := im.Target(t)
		if !ok && t == mgmt {
			st, ok = estate.ManagementKey, true
		}
		if !ok {
			im.Warnf("%s is attached to %s, which the spec does not declare; %s", what, t, leftOutFate(p, "detaching"))
			continue
		}
		out = append(out, st)
	}
	sort.Strings(out)
	return out
}

// leftOutFate says what plan does with a policy, or one of its
// attachments, that the spec leaves out: it proposes deleting (doing) it
// when groundwork made the policy, and leaves it alone otherwise.
func leftOutFate(p *estate.Policy, doing string) string {
	if kinds.Owned(p.Tags) {
		return "groundwork made it, so plan will propose " + doing + " it (held unless --allow-delete)"
	}
	return "groundwork did not make it, so plan leaves it alone"
}

// warnRefused says that import leaves out a policy the spec would refuse
// (problems, as policy.Lint gives them), and what plan then does with it.
func warnRefused(im *importer.Import, what string, problems []policy.Problem, p *estate.Policy) {
	msgs := make([]string, len(problems))
	for i, prob := range problems {
		msgs[i] = prob.Error()
	}
	im.Warnf("%s cannot be in the spec, which refuses it (%s); it is left out: %s",
		what, strings.Join(msgs, "; "), leftOutFate(p, "deleting"))
}

// writeServices writes the trusted access and the delegated administrators
// the spec can name.
func writeServices(im *importer.Import) (any, string, error) {
	l := im.Actual().Org
	if l == nil {
		return nil, "", errNotRead
	}
	s := &Services{TrustedAccess: []string{}, DelegatedAdmins: map[string]string{}}
	trusted := map[string]bool{}
	for _, svc := range l.TrustedServices {
		if !servicePrincipalRE.MatchString(svc) {
			im.Warnf("trusted access for %s cannot be written in the spec; groundwork leaves it on", svc)
			continue
		}
		trusted[svc] = true
		s.TrustedAccess = append(s.TrustedAccess, svc)
	}
	slices.Sort(s.TrustedAccess)
	for _, svc := range slices.Sorted(maps.Keys(l.DelegatedAdmins)) {
		email := l.DelegatedAdmins[svc]
		key, ok := im.AccountKey(email)
		switch {
		case !ok:
			im.Warnf("%s is delegated to %s, which the spec does not declare; the delegation is left out and groundwork leaves it", svc, email)
		case !trusted[svc]:
			im.Warnf("%s is delegated to %s without trusted access, which the spec requires; the delegation is left out and groundwork leaves it", svc, key)
		default:
			s.DelegatedAdmins[svc] = key
		}
	}
	return s, "", nil
}
