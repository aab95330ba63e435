package cli

// End-to-end test of `groundwork import` of the identity section: the
// Identity Center the known-misconfigurations test builds by hand, read
// and written as a spec, on which plan shows no changes.
//
// moto gaps: it provisions a permission set only to the caller's
// account, and an import has no spec to name the member accounts a set is
// assigned in, so the import sees the management account's assignments
// alone (internal/layer/all's import tests cover OUs and the root); its
// Identity Store users have no e-mail here, which makes the section
// source: external; it has no access control attribute API.

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/testenv"
)

// importedIdentity is the identity section import writes for the
// organization buildIDCEstate makes.
const importedIdentity = `identity:
  source: external
  users:
    ana: {}
    ben: {}
    carl: {}
  permission_sets:
    Auditor:
      session_duration: PT8H
      managed_policies: [SecurityAudit]
    Developer:
      session_duration: PT12H
      managed_policies: [PowerUserAccess]
    Everything:
      inline_policy: policies/permission-sets/Everything.json
    LogArchiveAdminAccess:
      managed_policies: [AdministratorAccess]
    MA-Administrator:
      managed_policies: [AdministratorAccess]
    MA-ReadOnly:
      managed_policies: [ReadOnlyAccess]
  assignments:
    - permission_set: MA-ReadOnly
      users: [ana, ben, carl]
      accounts: [management]
  access_control_attributes: {}
`

func TestImportIdentity(t *testing.T) {
	m := testenv.Moto(t)
	m.Setenv(t)
	buildIDCEstate(t, m)

	dir := t.TempDir()
	_, errOut := mustRun(t, dir, ExitOK, "import", "--org-id", "primary", "--domain", "example.com",
		"--regions", testenv.Region, "--home-region", testenv.Region, "--out", "imported.yaml")
	// The group on the management account is what the spec cannot
	// write, and so what a plan would remove.
	for _, want := range []string{"group ops's assignment of MA-Administrator on the management account is left out",
		"source: external",
		"the identity section differs from the organization's Identity Center in 1 place(s); plan shows them: delete account-assignment/management/MA-Administrator/GROUP/ops"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("import stderr lacks %q:\n%s", want, errOut)
		}
	}
	got, err := os.ReadFile(filepath.Join(dir, "imported.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(got), importedIdentity) {
		t.Errorf("imported spec lacks\n%s\n--- spec:\n%s", importedIdentity, got)
	}
	policy, err := os.ReadFile(filepath.Join(dir, "policies", "permission-sets", "Everything.json"))
	if err != nil || string(policy) != idcEverything {
		t.Errorf("the inline policy file holds %q (%v), want %q", policy, err, idcEverything)
	}
	// The plan changes nothing but the warned-of removal, which waits for
	// --allow-delete.
	out, _ := mustRun(t, dir, ExitOK, "plan", "-f", "imported.yaml")
	if !strings.Contains(out, "Plan: 0 to create, 0 to update, 1 to delete.") ||
		!strings.Contains(out, "- account-assignment management/MA-Administrator/GROUP/ops  (needs --allow-delete)") {
		t.Errorf("plan of the imported spec:\n%s", out)
	}
}
