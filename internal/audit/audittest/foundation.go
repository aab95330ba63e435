package audittest

import (
	"github.com/groundwork-aws/groundwork/internal/estate"
)

// The Regions the layers' clean estates are read in: Home is the home
// Region.
const (
	Home  = "eu-west-1"
	Other = "us-east-1"
)

// Keys of the foundation's accounts as the layers name them: e-mail keys,
// and estate.ManagementKey for the management account.
const (
	MgmtKey     = estate.ManagementKey
	ArchiveKey  = "log-archive@example.com"
	ToolingKey  = "security-tooling@example.com"
	IdentityKey = "identity-center@example.com"
	ProdKey     = "payments-prod@example.com"
	DevKey      = "payments-dev@example.com"
	SandboxKey  = "sandbox-ana@example.com"
)

// AccountKeys returns the keys of every account of the foundation, in a
// new slice: the accounts a layer's clean estate is read in.
func AccountKeys() []string {
	return []string{MgmtKey, ArchiveKey, ToolingKey, IdentityKey, ProdKey, DevKey, SandboxKey}
}

// Foundation is the recommended foundation of guidance 000, with no layer
// read: every check on the organization, its OUs and accounts passes on
// it, and every layer's check is silent.
func Foundation() *estate.Estate {
	e := estate.New()
	e.Organization = &estate.Organization{ID: "o-abc123", FeatureSet: "ALL", ManagementAccountID: "000000000000"}
	for _, p := range []string{"Security", "Infrastructure", "Workloads", "Workloads/Prod", "Workloads/NonProd", "Exceptions", "Sandbox"} {
		e.Units[p] = &estate.Unit{Path: p, Guardrails: p != "Exceptions"}
	}
	AddAccount(e, "000000000000", "management", estate.RootPath, estate.RoleManagement, "")
	AddAccount(e, "111111111111", "log-archive", "Security", estate.RoleLogArchive, "")
	AddAccount(e, "222222222222", "security-tooling", "Security", estate.RoleSecurityTooling, "")
	AddAccount(e, "333333333333", "identity-center", "Infrastructure", estate.RoleIdentityCenter, "")
	AddAccount(e, "444444444444", "payments-prod", "Workloads/Prod", estate.RoleWorkload, "prod")
	AddAccount(e, "555555555555", "payments-dev", "Workloads/NonProd", estate.RoleWorkload, "dev")
	AddAccount(e, "666666666666", "sandbox-ana", "Sandbox", estate.RoleSandbox, "")
	return e
}

// AddAccount adds an ACTIVE account named name, with e-mail
// name@example.com as its key, and returns it.
func AddAccount(e *estate.Estate, id, name, unit string, role estate.Role, env string) *estate.Account {
	a := &estate.Account{ID: id, Name: name, Email: name + "@example.com", Status: "ACTIVE", Unit: unit, Role: role, Environment: env}
	e.Accounts[a.Email] = a
	return a
}

// Account finds the account AddAccount added by name.
func Account(e *estate.Estate, name string) *estate.Account { return e.Accounts[name+"@example.com"] }
