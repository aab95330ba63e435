package awssim

import (
	"net/http"
	"strings"
)

// ContactTypes are the alternate contacts' types, in the order AWS
// lists them.
var ContactTypes = []string{"BILLING", "OPERATIONS", "SECURITY"}

const contactPhone = "+1-555-0100"

func init() {
	serve("account", map[string]handler{
		"POST /getAlternateContact":    (*Server).getAlternateContact,
		"POST /putAlternateContact":    (*Server).putAlternateContact,
		"POST /getContactInformation":  (*Server).getContactInformation,
		"POST /deleteAlternateContact": (*Server).deleteAlternateContact,
	})
	// A baselined account has the contacts the starter foundation's
	// contacts section writes: [account name]-[type]@example.com.
	generate("account/contacts", func(a *account, _ string) map[string]any {
		out := map[string]any{}
		if !a.baselined() || a.flawed(15) {
			return out
		}
		name := "aws-management-account-primary"
		if !a.management() {
			name = MemberName(a.index)
		}
		for _, t := range ContactTypes {
			word := strings.ToLower(t)
			title := strings.ToUpper(word[:1]) + word[1:]
			out[t] = map[string]any{"AlternateContactType": t, "EmailAddress": name + "-" + word + "@example.com",
				"Name": title, "PhoneNumber": contactPhone, "Title": title + " contact"}
		}
		return out
	})
}

// contactAccount is the account a contact call is about: AccountId when
// given (the management account acting for a member), else the caller.
func (s *Server) contactAccount(c *call) *account {
	id := c.str("AccountId")
	if id == "" {
		id = c.account
	}
	a := s.acct(id)
	if a == nil {
		return nil
	}
	a.mu.Lock()
	return a
}

func (s *Server) getAlternateContact(w http.ResponseWriter, c *call) {
	a := s.contactAccount(c)
	if a == nil {
		writeError(w, c, http.StatusForbidden, "AccessDeniedException", "not an account of the organization")
		return
	}
	defer a.mu.Unlock()
	v, ok := a.coll("", "account/contacts")[c.str("AlternateContactType")]
	if !ok {
		notFound(w, c, "ResourceNotFoundException", "No contact of the requested type can be found.")
		return
	}
	writeJSON(w, map[string]any{"AlternateContact": v})
}

func (s *Server) putAlternateContact(w http.ResponseWriter, c *call) {
	a := s.contactAccount(c)
	if a == nil {
		writeError(w, c, http.StatusForbidden, "AccessDeniedException", "not an account of the organization")
		return
	}
	defer a.mu.Unlock()
	t := c.str("AlternateContactType")
	a.coll("", "account/contacts")[t] = map[string]any{"AlternateContactType": t, "EmailAddress": c.str("EmailAddress"),
		"Name": c.str("Name"), "PhoneNumber": c.str("PhoneNumber"), "Title": c.str("Title")}
	s.Writes.Add(1)
	writeJSON(w, nil)
}

func (s *Server) deleteAlternateContact(w http.ResponseWriter, c *call) {
	a := s.contactAccount(c)
	if a == nil {
		writeError(w, c, http.StatusForbidden, "AccessDeniedException", "not an account of the organization")
		return
	}
	defer a.mu.Unlock()
	delete(a.coll("", "account/contacts"), c.str("AlternateContactType"))
	s.Writes.Add(1)
	writeJSON(w, nil)
}

func (s *Server) getContactInformation(w http.ResponseWriter, c *call) {
	writeJSON(w, map[string]any{"ContactInformation": map[string]any{"FullName": "Platform Team", "CompanyName": "Example Corp",
		"PhoneNumber": contactPhone, "AddressLine1": "1 Main Street", "City": "Seattle", "PostalCode": "98101", "CountryCode": "US"}})
}
