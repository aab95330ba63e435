package orglayer

import (
	"errors"
	"strings"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/inventory"
	"github.com/groundwork-aws/groundwork/internal/inventory/inventorytest"
)

// Contacts that could not be read are recorded as such, with AWS's own
// cause; trusted access is named only when it is what is missing.
func TestContactsNotReadNamesTheRealCause(t *testing.T) {
	denied := inventorytest.APIError("AccessDenied")
	on := &estate.OrgLayer{TrustedServices: []string{accountService}}
	off := &estate.OrgLayer{}
	for name, tt := range map[string]struct {
		err     error
		org     *estate.OrgLayer
		trusted bool
	}{
		"denied, trusted access on":         {denied, on, false},
		"denied, policies not read":         {denied, nil, false},
		"trusted access off":                {denied, off, true},
		"AWS says trusted access is needed": {errors.New("AccessDeniedException: enable trusted access first"), on, true},
	} {
		t.Run(name, func(t *testing.T) {
			err := contactsNotRead(tt.err, tt.org)
			u := inventory.UnreadOf(err)
			if u.Read != readContactsName || (tt.err == denied && u.Code != "AccessDenied") {
				t.Errorf("recorded %+v", u)
			}
			want := tt.trusted && tt.org != nil && tt.org != on
			// The read's record and import's warning give one cause.
			for _, err := range []error{err, contactsLeftOut(tt.err, tt.org)} {
				if hinted := strings.Contains(err.Error(), "trusted access for "+accountService); hinted != want {
					t.Errorf("%v: names trusted access %v", err, hinted)
				}
			}
		})
	}
}
