package checklist

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/account"
	"github.com/aws/aws-sdk-go-v2/service/account/types"
)

// The contact steps of the management account: its primary contact and
// its billing, operations and security alternate contacts. Guidance 000
// has the root user set the management account's alternate contacts;
// groundwork apply sets them too when foundation.yaml names contacts. The
// audit checks every account's alternate contacts (GW-ACC-001); this
// step is the management account's alone, read with its own credentials.

func init() {
	register(step{
		ID:          "CL-007",
		Title:       "Primary contact information of the management account",
		Guidance:    "003 Communication with AWS",
		ConsolePath: "account menu (top right) > Account > Contact information > Edit",
		Scope:       scopeManagement,
		Detect:      detectPrimaryContact,
	})
	register(step{
		ID:          "CL-008",
		Title:       "Billing, operations and security alternate contacts of the management account",
		Guidance:    "000 Set management account alternate contacts for operations, security, billing; 003 Communication with AWS",
		ConsolePath: "account menu (top right) > Account > Alternate contacts > Edit (or contacts: in foundation.yaml and groundwork apply)",
		Scope:       scopeManagement,
		Detect:      detectAlternateContacts,
	})
}

func detectPrimaryContact(ctx context.Context, e *env, _ Account) (Status, string) {
	out, err := e.r.Account().GetContactInformation(ctx, &account.GetContactInformationInput{})
	var none *types.ResourceNotFoundException
	switch {
	case errors.As(err, &none):
		return Todo, "the account has no primary contact information"
	case err != nil:
		return Unknown, "get contact information: " + err.Error()
	case out == nil || out.ContactInformation == nil:
		return Todo, "the account has no primary contact information"
	}
	c := out.ContactInformation
	var missing []string
	for _, f := range []struct {
		name  string
		value *string
	}{
		{"full name", c.FullName}, {"phone number", c.PhoneNumber}, {"address", c.AddressLine1},
		{"city", c.City}, {"postal code", c.PostalCode}, {"country", c.CountryCode},
	} {
		if strings.TrimSpace(aws.ToString(f.value)) == "" {
			missing = append(missing, f.name)
		}
	}
	if len(missing) > 0 {
		return Todo, "the primary contact lacks " + strings.Join(missing, ", ")
	}
	who := aws.ToString(c.FullName)
	if company := aws.ToString(c.CompanyName); company != "" {
		who += ", " + company
	}
	return Done, fmt.Sprintf("%s, phone %s: check that they are the company's, not one person's", who, aws.ToString(c.PhoneNumber))
}

// contactTypes are the alternate contacts every account should name, in
// the order messages list them.
var contactTypes = []types.AlternateContactType{
	types.AlternateContactTypeBilling, types.AlternateContactTypeOperations, types.AlternateContactTypeSecurity,
}

func detectAlternateContacts(ctx context.Context, e *env, _ Account) (Status, string) {
	api := e.r.Account()
	var set, missing, failed []string
	for _, ct := range contactTypes {
		word := strings.ToLower(string(ct))
		out, err := api.GetAlternateContact(ctx, &account.GetAlternateContactInput{AlternateContactType: ct})
		var none *types.ResourceNotFoundException
		switch {
		case errors.As(err, &none) || (err == nil && (out == nil || out.AlternateContact == nil)):
			missing = append(missing, word)
		case err != nil:
			failed = append(failed, fmt.Sprintf("get %s contact: %v", word, err))
		default:
			set = append(set, word+" "+aws.ToString(out.AlternateContact.EmailAddress))
		}
	}
	switch {
	case len(missing) > 0:
		detail := "no " + strings.Join(missing, ", ") + " contact"
		if len(failed) > 0 {
			detail += "; " + strings.Join(failed, "; ")
		}
		return Todo, detail
	case len(failed) > 0:
		return Unknown, strings.Join(failed, "; ")
	}
	return Done, strings.Join(set, ", ")
}
