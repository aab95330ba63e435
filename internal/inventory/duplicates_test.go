package inventory_test

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/groundwork-aws/groundwork/internal/audit"
	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/inventory"
	"github.com/groundwork-aws/groundwork/internal/kinds"
)

// Two accounts of one e-mail (one under the root, as a retried
// CreateAccount leaves it), two OUs named Security: the read keeps one of
// each, the lowest ID, and records the rest, which the plan notes and the
// audit reports instead of hiding.
func TestDuplicatesAreRecordedNotHidden(t *testing.T) {
	f := newFakeTree(2)
	f.addOU("r-root", "ou-b", "Security")
	f.addOU("r-root", "ou-a", "Security")
	f.addAccount("r-root", account("000000000001", "management", "root@example.com", types.AccountStateActive))
	f.addAccount("ou-a", account("222222222222", "log-archive", "logs@example.com", types.AccountStateActive))
	f.addAccount("r-root", account("111111111111", "log-archive", "LOGS@example.com", types.AccountStateActive))
	f.addAccount("ou-b", account("333333333333", "Log-Archive", "other@example.com", types.AccountStateActive))
	e, err := inventory.CollectOrganization(context.Background(), f, inventory.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []estate.Duplicate{
		{What: estate.DuplicateUnitPath, Key: "Security", IDs: []string{"ou-a", "ou-b"}},
		{What: estate.DuplicateAccountEmail, Key: "logs@example.com", IDs: []string{"111111111111", "222222222222"}},
		{What: estate.DuplicateAccountName, Key: "log-archive", IDs: []string{"111111111111", "222222222222", "333333333333"}},
	}
	if !reflect.DeepEqual(e.Duplicates, want) {
		t.Errorf("duplicates\n got %+v\nwant %+v", e.Duplicates, want)
	}
	if e.Units["Security"].ID != "ou-a" || e.Accounts["logs@example.com"].ID != "111111111111" {
		t.Errorf("kept %s and %s, want the lowest IDs", e.Units["Security"].ID, e.Accounts["logs@example.com"].ID)
	}

	p := kinds.Plan(estate.New(), e)
	notes := strings.Join(p.Notes, "\n")
	for _, want := range []string{
		"duplicate: 2 OUs are at Root/Security (ou-a, ou-b); groundwork manages only ou-a",
		`duplicate: 2 accounts share the account e-mail "logs@example.com" (111111111111, 222222222222); groundwork manages only 111111111111`,
		`duplicate: 3 accounts are named "log-archive"`,
	} {
		if !strings.Contains(notes, want) {
			t.Errorf("plan notes lack %q:\n%s", want, notes)
		}
	}

	res := audit.Run(e)
	var found []string
	for _, f := range res.Findings {
		if f.CheckID == "GW-ORG-017" {
			found = append(found, f.Resource)
		}
	}
	wantFound := []string{"account/111111111111", "account/111111111111", "account/222222222222",
		"account/222222222222", "account/333333333333", "ou/Root/Security"}
	if strings.Join(found, " ") != strings.Join(wantFound, " ") {
		t.Errorf("GW-ORG-017 findings %v, want %v", found, wantFound)
	}
}
