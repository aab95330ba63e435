package orglayer_test

import (
	"slices"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/kinds/kindstest"
	"github.com/groundwork-aws/groundwork/internal/layer/orglayer"
	"github.com/groundwork-aws/groundwork/internal/plan"
)

const (
	scp           = estate.PolicyTypeSCP
	tagPolicy     = estate.PolicyTypeTag
	configSvc     = "config.amazonaws.com"
	ssoSvc        = "sso.amazonaws.com"
	guardDutySvc  = "guardduty.amazonaws.com"
	newEmail      = "new@example.com"
	mgmtEmail     = "root@example.com"
	baselineID    = "p-baseline"
	fullAccessDoc = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`
	baselineDoc   = `{"Version":"2012-10-17","Statement":[{"Sid":"NoLeave","Effect":"Deny","Action":"organizations:LeaveOrganization","Resource":"*"}]}`
	// baselineReordered is baselineDoc with other key order and spacing.
	baselineReordered = "{\n  \"Statement\": [ {\"Resource\": \"*\", \"Action\": \"organizations:LeaveOrganization\",\n\t\"Effect\": \"Deny\", \"Sid\": \"NoLeave\"} ],\n  \"Version\": \"2012-10-17\"\n}\n"
	baselineSource    = "library:PreventMemberLeaveOrg"
	policyTypeReason  = "policies of this type can be attached only once it is enabled on the root"
)

var (
	mgmtSecurity = estate.Contact{Name: "Security", Title: "Security contact", Email: "management-security@example.com", Phone: "+1-555-0100"}
	logBilling   = estate.Contact{Name: "Billing", Title: "Billing contact", Email: "log-archive-billing@example.com", Phone: "+1-555-0100"}
	logSecurity  = estate.Contact{Name: "Security", Title: "Security contact", Email: "log-archive-security@example.com", Phone: "+1-555-0100"}
)

// desiredOrgEstate is kindstest.DesiredEstate with an organization layer: one SCP on
// the root, a unit and an account, two trusted services, config delegated
// to log-archive, and contacts for the management and log-archive
// accounts.
func desiredOrgEstate() *estate.Estate {
	e := kindstest.DesiredEstate()
	e.Org = estate.NewOrgLayer()
	e.Org.EnabledPolicyTypes = []string{scp}
	e.Org.Policies[estate.PolicyKey(scp, "baseline")] = &estate.Policy{Name: "baseline", Type: scp,
		Description: "Baseline guardrails", Content: baselineDoc, Source: baselineSource,
		Targets: []string{estate.RootTarget, "Workloads", kindstest.LogEmail}}
	e.Org.TrustedServices = []string{configSvc, ssoSvc}
	e.Org.DelegatedAdmins[configSvc] = kindstest.LogEmail
	e.Org.ManagementContacts = map[string]estate.Contact{estate.ContactSecurity: mgmtSecurity}
	e.Accounts[kindstest.LogEmail].Contacts = map[string]estate.Contact{estate.ContactBilling: logBilling, estate.ContactSecurity: logSecurity}
	return e
}

// matchingOrgEstate is kindstest.MatchingEstate with the organization layer
// desiredOrgEstate asks for, plus FullAWSAccess attached everywhere as AWS
// does.
func matchingOrgEstate() *estate.Estate {
	e := kindstest.MatchingEstate()
	e.Org = estate.NewOrgLayer()
	e.Org.EnabledPolicyTypes = []string{scp}
	e.Org.Policies[estate.PolicyKey(scp, estate.FullAWSAccess)] = &estate.Policy{ID: fullAWSAccessID, Name: estate.FullAWSAccess,
		Type: scp, Description: "Allows access to every operation", Content: fullAccessDoc, AWSManaged: true,
		Targets: []string{estate.RootTarget, "Security", "Workloads", "Workloads/Prod", kindstest.LogEmail, kindstest.PaymentsEmail, mgmtEmail}}
	e.Org.Policies[estate.PolicyKey(scp, "baseline")] = &estate.Policy{ID: baselineID, Name: "baseline", Type: scp,
		Description: "Baseline guardrails", Content: baselineDoc, Targets: []string{estate.RootTarget, "Workloads", kindstest.LogEmail},
		Tags: kinds.OwnerTags(nil)}
	e.Org.TrustedServices = []string{configSvc, ssoSvc}
	e.Org.DelegatedAdmins[configSvc] = kindstest.LogEmail
	e.Accounts[mgmtEmail].Contacts = map[string]estate.Contact{estate.ContactSecurity: mgmtSecurity}
	e.Accounts[kindstest.LogEmail].Contacts = map[string]estate.Contact{estate.ContactBilling: logBilling, estate.ContactSecurity: logSecurity}
	e.Accounts[kindstest.PaymentsEmail].Contacts = map[string]estate.Contact{}
	return e
}

// orgLayerKinds are the kinds this file tests; the others have TestPlan.
var orgLayerKinds = []string{orglayer.KindPolicyType, orglayer.KindPolicy, orglayer.KindAttachment,
	orglayer.KindTrustedAccess, orglayer.KindDelegatedAdmin, orglayer.KindContact}

func orgLayerChanges(p *plan.Plan) []plan.Change {
	var out []plan.Change
	for _, ch := range p.Changes {
		if slices.Contains(orgLayerKinds, ch.Kind) {
			out = append(out, ch)
		}
	}
	return out
}

// Change builders for the expectations below.

func policyAttrs(name, typ, description, content string) plan.Attrs {
	return plan.Attrs{"name": name, "type": typ, "description": description, "content": kinds.PrettyJSON(content)}
}

func attach(typ, name, target, group string, deps ...string) plan.Change {
	return plan.Change{Address: orglayer.AttachmentAddress(typ, name, target), Kind: orglayer.KindAttachment, Action: plan.Create,
		Group: group, After: plan.Attrs{"policy": name, "type": typ, "target": target}, DependsOn: deps}
}

func detach(typ, name, id, target, group string) plan.Change {
	return plan.Change{Address: orglayer.AttachmentAddress(typ, name, target), Kind: orglayer.KindAttachment, Action: plan.Delete,
		Group: group, Reason: "the spec does not attach it here", NeedsAllowDelete: true, Basis: plan.BasisMarked,
		Before: plan.Attrs{"policy": name, "type": typ, "target": target, "policy_id": id}}
}

func contactAttrs(c estate.Contact, account, accountID string) plan.Attrs {
	a := plan.Attrs{"name": c.Name, "title": c.Title, "email": c.Email, "phone": c.Phone, "account": account}
	if accountID != "" {
		a["account_id"] = accountID
	}
	return a
}

func setContact(account, group, ct string, c estate.Contact, accountID string, deps ...string) plan.Change {
	return plan.Change{Address: orglayer.ContactAddress(account, ct), Kind: orglayer.KindContact, Action: plan.Create,
		Group: group, After: contactAttrs(c, account, accountID), DependsOn: deps}
}

func TestPlanOrgLayer(t *testing.T) {
	var (
		baselineAddr = orglayer.PolicyAddress(scp, "baseline")
		scpTypeAddr  = orglayer.PolicyTypeAddress(scp)
		logAddr      = kinds.AccountAddress(kindstest.LogEmail)
		newAddr      = kinds.AccountAddress(newEmail)
		org          = kinds.OrganizationAddress
	)
	newAccount := func(e *estate.Estate) {
		kindstest.AddAccount(e, &estate.Account{Key: "new", Name: "new", Email: newEmail, Unit: "Security"})
	}
	tests := map[string]struct {
		desired   func(*estate.Estate) // changes desiredOrgEstate(); may be nil
		actual    func(*estate.Estate) // changes matchingOrgEstate(); may be nil
		empty     bool                 // start from an empty actual estate instead
		changes   []plan.Change        // of the organization layer kinds only
		notes     []string             // each must be part of exactly one note
		leftAlone []string             // the addresses the plan lists as left alone, sorted
	}{
		"matching organization layer has no changes and no notes": {},
		"everything waits for the organization being created": {
			empty: true,
			changes: []plan.Change{
				{Address: scpTypeAddr, Kind: orglayer.KindPolicyType, Action: plan.Create, Reason: policyTypeReason,
					Before: plan.Attrs{"status": "disabled"}, After: plan.Attrs{"status": "enabled"}, DependsOn: []string{org}},
				{Address: baselineAddr, Kind: orglayer.KindPolicy, Action: plan.Create,
					After:     kindstest.WithAttr(policyAttrs("baseline", scp, "Baseline guardrails", baselineDoc), "source", baselineSource),
					DependsOn: []string{org, scpTypeAddr}},
				attach(scp, "baseline", estate.RootTarget, "", baselineAddr, scpTypeAddr),
				attach(scp, "baseline", "Workloads", "Workloads", baselineAddr, scpTypeAddr, kinds.UnitAddress("Workloads")),
				attach(scp, "baseline", kindstest.LogEmail, "Security", baselineAddr, scpTypeAddr, logAddr),
				{Address: orglayer.TrustedAccessAddress(configSvc), Kind: orglayer.KindTrustedAccess, Action: plan.Create,
					After: plan.Attrs{"service": configSvc}, DependsOn: []string{org}},
				{Address: orglayer.TrustedAccessAddress(ssoSvc), Kind: orglayer.KindTrustedAccess, Action: plan.Create,
					After: plan.Attrs{"service": ssoSvc}, DependsOn: []string{org}},
				{Address: orglayer.DelegatedAdminAddress(configSvc), Kind: orglayer.KindDelegatedAdmin, Action: plan.Create,
					After:     plan.Attrs{"service": configSvc, "account": kindstest.LogEmail, "account_name": "log-archive"},
					DependsOn: []string{org, orglayer.TrustedAccessAddress(configSvc), logAddr}},
				// The management account's contacts are set once the
				// organization exists; the accounts' once they do.
				setContact("management", "", estate.ContactSecurity, mgmtSecurity, "", org),
				setContact(kindstest.LogEmail, "Security", estate.ContactBilling, logBilling, "", logAddr),
				setContact(kindstest.LogEmail, "Security", estate.ContactSecurity, logSecurity, "", logAddr),
			},
		},
		"missing policy type is enabled before its policy is created and attached": {
			desired: func(e *estate.Estate) {
				e.Org.EnabledPolicyTypes = []string{scp, tagPolicy}
				e.Org.Policies[estate.PolicyKey(tagPolicy, "tagging")] = &estate.Policy{Name: "tagging", Type: tagPolicy,
					Description: "Tags", Content: `{"tags":{}}`, Targets: []string{estate.RootTarget}, Source: "tagging"}
			},
			changes: []plan.Change{
				{Address: orglayer.PolicyTypeAddress(tagPolicy), Kind: orglayer.KindPolicyType, Action: plan.Create, Reason: policyTypeReason,
					Before: plan.Attrs{"status": "disabled"}, After: plan.Attrs{"status": "enabled"}},
				{Address: orglayer.PolicyAddress(tagPolicy, "tagging"), Kind: orglayer.KindPolicy, Action: plan.Create,
					After:     kindstest.WithAttr(policyAttrs("tagging", tagPolicy, "Tags", `{"tags":{}}`), "source", "tagging"),
					DependsOn: []string{orglayer.PolicyTypeAddress(tagPolicy)}},
				attach(tagPolicy, "tagging", estate.RootTarget, "", orglayer.PolicyAddress(tagPolicy, "tagging"), orglayer.PolicyTypeAddress(tagPolicy)),
			},
		},
		"policy of an enabled type is created without waiting for the type": {
			desired: func(e *estate.Estate) {
				e.Org.Policies[estate.PolicyKey(scp, "regions")] = &estate.Policy{Name: "regions", Type: scp,
					Content: `{"Statement":[]}`, Targets: []string{"Security"}}
			},
			changes: []plan.Change{
				{Address: orglayer.PolicyAddress(scp, "regions"), Kind: orglayer.KindPolicy, Action: plan.Create,
					After: policyAttrs("regions", scp, "", `{"Statement":[]}`)},
				attach(scp, "regions", "Security", "Security", orglayer.PolicyAddress(scp, "regions")),
			},
		},
		"policy type enabled outside the spec is left enabled": {
			actual: func(e *estate.Estate) { e.Org.EnabledPolicyTypes = []string{scp, tagPolicy} },
		},
		"content drift is an update with before and after": {
			actual: func(e *estate.Estate) {
				e.Org.Policies[estate.PolicyKey(scp, "baseline")].Content = `{"Version":"2012-10-17","Statement":[]}`
			},
			changes: []plan.Change{{Address: baselineAddr, Kind: orglayer.KindPolicy, Action: plan.Update,
				Before: kindstest.WithAttr(policyAttrs("baseline", scp, "Baseline guardrails", `{"Version":"2012-10-17","Statement":[]}`), "id", baselineID),
				After:  kindstest.WithAttr(policyAttrs("baseline", scp, "Baseline guardrails", baselineDoc), "id", baselineID)}},
		},
		"same content in another key order and spacing is not drift": {
			actual: func(e *estate.Estate) { e.Org.Policies[estate.PolicyKey(scp, "baseline")].Content = baselineReordered },
		},
		"description drift is an update": {
			actual: func(e *estate.Estate) { e.Org.Policies[estate.PolicyKey(scp, "baseline")].Description = "old" },
			changes: []plan.Change{{Address: baselineAddr, Kind: orglayer.KindPolicy, Action: plan.Update,
				Before: kindstest.WithAttr(policyAttrs("baseline", scp, "old", baselineDoc), "id", baselineID),
				After:  kindstest.WithAttr(policyAttrs("baseline", scp, "Baseline guardrails", baselineDoc), "id", baselineID)}},
		},
		"customer policy not in the spec is deleted after it is detached everywhere": {
			actual: func(e *estate.Estate) {
				e.Org.Policies[estate.PolicyKey(scp, "legacy")] = &estate.Policy{ID: "p-legacy", Name: "legacy", Type: scp,
					Content: `{"Statement":[]}`, Targets: []string{estate.RootTarget, "Security", kindstest.PaymentsEmail},
					Tags: kinds.OwnerTags(nil)}
			},
			changes: []plan.Change{
				{Address: orglayer.PolicyAddress(scp, "legacy"), Kind: orglayer.KindPolicy, Action: plan.Delete, Reason: "not in the spec",
					NeedsAllowDelete: true, Basis: plan.BasisMarked,
					Before: kindstest.WithAttr(plan.Attrs{"name": "legacy", "type": scp, "content": kinds.PrettyJSON(`{"Statement":[]}`)}, "id", "p-legacy"),
					DependsOn: []string{
						orglayer.AttachmentAddress(scp, "legacy", estate.RootTarget),
						orglayer.AttachmentAddress(scp, "legacy", "Security"),
						orglayer.AttachmentAddress(scp, "legacy", kindstest.PaymentsEmail),
					}},
				detach(scp, "legacy", "p-legacy", estate.RootTarget, ""),
				detach(scp, "legacy", "p-legacy", "Security", "Security"),
				detach(scp, "legacy", "p-legacy", kindstest.PaymentsEmail, "Workloads/Prod"),
			},
		},
		// The organization's own SCPs and tag policies, wherever they are
		// attached, are not groundwork's to delete or detach.
		"customer policies groundwork did not make are left alone": {
			actual: func(e *estate.Estate) {
				e.Org.Policies[estate.PolicyKey(scp, "custom")] = &estate.Policy{ID: "p-custom", Name: "custom", Type: scp,
					Content: `{"Statement":[]}`, Targets: []string{estate.RootTarget, "stray@example.com"}, Tags: map[string]string{"Owner": "sec"}}
				e.Org.Policies[estate.PolicyKey(tagPolicy, "org-tags")] = &estate.Policy{ID: "p-tags", Name: "org-tags", Type: tagPolicy,
					Content: `{"tags":{}}`, Targets: []string{estate.RootTarget}}
			},
			leftAlone: []string{
				orglayer.AttachmentAddress(scp, "custom", estate.RootTarget),
				orglayer.AttachmentAddress(scp, "custom", "stray@example.com"),
				orglayer.AttachmentAddress(tagPolicy, "org-tags", estate.RootTarget),
				orglayer.PolicyAddress(scp, "custom"),
				orglayer.PolicyAddress(tagPolicy, "org-tags"),
			},
		},
		// A declared policy without the marker is adopted: tagged, which is
		// no change to the organization; with content drift, the update
		// tags it too.
		"declared policy without the marker is adopted": {
			actual: func(e *estate.Estate) { e.Org.Policies[estate.PolicyKey(scp, "baseline")].Tags = map[string]string{} },
			changes: []plan.Change{{Address: baselineAddr, Kind: orglayer.KindPolicy, Action: plan.Update, Adopt: true,
				Before: plan.Attrs{"id": baselineID, "name": "baseline"},
				After:  plan.Attrs{"id": baselineID, "name": "baseline", "tags." + kinds.OwnerTagKey: kinds.OwnerTagValue}}},
		},
		"AWS-managed FullAWSAccess is neither changed nor detached": {
			desired: func(e *estate.Estate) {
				// Even a spec that names it with other content and fewer
				// targets leaves it as AWS keeps it.
				e.Org.Policies[estate.PolicyKey(scp, estate.FullAWSAccess)] = &estate.Policy{Name: estate.FullAWSAccess, Type: scp,
					Content: `{"Statement":[]}`, Targets: []string{estate.RootTarget}}
			},
			actual: func(e *estate.Estate) {
				p := e.Org.Policies[estate.PolicyKey(scp, estate.FullAWSAccess)]
				p.Targets = append(p.Targets, "Legacy", "stray@example.com")
			},
		},
		"missing attachment to an existing unit has no dependencies": {
			desired: func(e *estate.Estate) {
				p := e.Org.Policies[estate.PolicyKey(scp, "baseline")]
				p.Targets = append(p.Targets, "Workloads/Prod")
			},
			changes: []plan.Change{attach(scp, "baseline", "Workloads/Prod", "Workloads/Prod")},
		},
		"attachment to a unit being created waits for it": {
			desired: func(e *estate.Estate) {
				kindstest.AddUnit(e, "", "Sandbox", nil)
				p := e.Org.Policies[estate.PolicyKey(scp, "baseline")]
				p.Targets = append(p.Targets, "Sandbox")
			},
			changes: []plan.Change{attach(scp, "baseline", "Sandbox", "Sandbox", kinds.UnitAddress("Sandbox"))},
		},
		"attachment to an account being created waits for it": {
			desired: func(e *estate.Estate) {
				newAccount(e)
				p := e.Org.Policies[estate.PolicyKey(scp, "baseline")]
				p.Targets = append(p.Targets, newEmail)
			},
			changes: []plan.Change{attach(scp, "baseline", newEmail, "Security", newAddr)},
		},
		"extra attachment is detached only with allow-delete": {
			actual: func(e *estate.Estate) {
				p := e.Org.Policies[estate.PolicyKey(scp, "baseline")]
				p.Targets = append(p.Targets, "Workloads/Prod")
			},
			changes: []plan.Change{detach(scp, "baseline", baselineID, "Workloads/Prod", "Workloads/Prod")},
		},
		"missing trusted access is enabled": {
			desired: func(e *estate.Estate) { e.Org.TrustedServices = []string{configSvc, guardDutySvc, ssoSvc} },
			changes: []plan.Change{{Address: orglayer.TrustedAccessAddress(guardDutySvc), Kind: orglayer.KindTrustedAccess,
				Action: plan.Create, After: plan.Attrs{"service": guardDutySvc}}},
		},
		"trusted service outside the spec gets a note only": {
			actual: func(e *estate.Estate) { e.Org.TrustedServices = append(e.Org.TrustedServices, "ram.amazonaws.com") },
			notes:  []string{"trusted access for ram.amazonaws.com is enabled but not in services.trusted_access"},
		},
		"delegated admin waits for trusted access": {
			desired: func(e *estate.Estate) {
				e.Org.TrustedServices = []string{configSvc, guardDutySvc, ssoSvc}
				e.Org.DelegatedAdmins[guardDutySvc] = kindstest.PaymentsEmail
			},
			changes: []plan.Change{
				{Address: orglayer.TrustedAccessAddress(guardDutySvc), Kind: orglayer.KindTrustedAccess,
					Action: plan.Create, After: plan.Attrs{"service": guardDutySvc}},
				{Address: orglayer.DelegatedAdminAddress(guardDutySvc), Kind: orglayer.KindDelegatedAdmin, Action: plan.Create,
					After:     plan.Attrs{"service": guardDutySvc, "account": kindstest.PaymentsEmail, "account_name": "payments-prod"},
					DependsOn: []string{orglayer.TrustedAccessAddress(guardDutySvc)}},
			},
		},
		"delegated admin to an account being created waits for it": {
			desired: func(e *estate.Estate) {
				newAccount(e)
				e.Org.DelegatedAdmins[ssoSvc] = newEmail
			},
			changes: []plan.Change{{Address: orglayer.DelegatedAdminAddress(ssoSvc), Kind: orglayer.KindDelegatedAdmin, Action: plan.Create,
				After: plan.Attrs{"service": ssoSvc, "account": newEmail, "account_name": "new"}, DependsOn: []string{newAddr}}},
		},
		"delegated admin on another account is moved with allow-delete": {
			actual: func(e *estate.Estate) { e.Org.DelegatedAdmins[configSvc] = kindstest.PaymentsEmail },
			changes: []plan.Change{{Address: orglayer.DelegatedAdminAddress(configSvc), Kind: orglayer.KindDelegatedAdmin, Action: plan.Update,
				Reason: "the current administrator is deregistered first", NeedsAllowDelete: true, Basis: plan.BasisSpec,
				Before: plan.Attrs{"service": configSvc, "account": kindstest.PaymentsEmail, "account_name": "payments-prod", "account_id": kindstest.PaymentsID},
				After:  plan.Attrs{"service": configSvc, "account": kindstest.LogEmail, "account_name": "log-archive"}}},
		},
		"delegated service outside the spec gets a note only": {
			actual: func(e *estate.Estate) { e.Org.DelegatedAdmins[guardDutySvc] = kindstest.PaymentsEmail },
			notes:  []string{"guardduty.amazonaws.com is delegated to payments-prod but not in services.delegated_admins"},
		},
		"missing contact is created": {
			actual: func(e *estate.Estate) { delete(e.Accounts[kindstest.LogEmail].Contacts, estate.ContactBilling) },
			changes: []plan.Change{
				setContact(kindstest.LogEmail, "Security", estate.ContactBilling, logBilling, kindstest.LogID),
			},
		},
		"differing contacts are updated, the management account's too": {
			actual: func(e *estate.Estate) {
				e.Accounts[kindstest.LogEmail].Contacts[estate.ContactSecurity] = estate.Contact{Name: "Old", Email: "old@example.com"}
				e.Accounts[mgmtEmail].Contacts[estate.ContactSecurity] = estate.Contact{Name: "Old"}
			},
			changes: []plan.Change{
				{Address: orglayer.ContactAddress(kindstest.LogEmail, estate.ContactSecurity), Kind: orglayer.KindContact, Action: plan.Update,
					Group:  "Security",
					Before: contactAttrs(estate.Contact{Name: "Old", Email: "old@example.com"}, kindstest.LogEmail, kindstest.LogID),
					After:  contactAttrs(logSecurity, kindstest.LogEmail, kindstest.LogID)},
				{Address: orglayer.ContactAddress("management", estate.ContactSecurity), Kind: orglayer.KindContact, Action: plan.Update,
					Before: contactAttrs(estate.Contact{Name: "Old"}, "management", kindstest.ManagementID),
					After:  contactAttrs(mgmtSecurity, "management", kindstest.ManagementID)},
			},
		},
		"contacts that were not read are left alone": {
			actual: func(e *estate.Estate) {
				e.Accounts[kindstest.LogEmail].Contacts = nil
				e.Accounts[mgmtEmail].Contacts = nil
			},
		},
		"account being created gets its contacts after it": {
			desired: func(e *estate.Estate) {
				newAccount(e)
				e.Accounts[newEmail].Contacts = map[string]estate.Contact{estate.ContactSecurity: logSecurity}
			},
			changes: []plan.Change{setContact(newEmail, "Security", estate.ContactSecurity, logSecurity, "", newAddr)},
		},
		"member contacts wait for trusted access for account management": {
			// PutAlternateContact with an AccountId needs it (see
			// fakeOrgLayer); the management account's own do not.
			desired: func(e *estate.Estate) { e.Org.TrustedServices = []string{accountService, configSvc, ssoSvc} },
			actual: func(e *estate.Estate) {
				e.Accounts[kindstest.LogEmail].Contacts = map[string]estate.Contact{}
				e.Accounts[mgmtEmail].Contacts = map[string]estate.Contact{}
			},
			changes: []plan.Change{
				{Address: orglayer.TrustedAccessAddress(accountService), Kind: orglayer.KindTrustedAccess,
					Action: plan.Create, After: plan.Attrs{"service": accountService}},
				setContact("management", "", estate.ContactSecurity, mgmtSecurity, kindstest.ManagementID),
				setContact(kindstest.LogEmail, "Security", estate.ContactBilling, logBilling, kindstest.LogID, orglayer.TrustedAccessAddress(accountService)),
				setContact(kindstest.LogEmail, "Security", estate.ContactSecurity, logSecurity, kindstest.LogID, orglayer.TrustedAccessAddress(accountService)),
			},
		},
		"spec without an organization layer changes none of it": {
			desired: func(e *estate.Estate) { e.Org = nil },
			actual: func(e *estate.Estate) {
				e.Org.EnabledPolicyTypes = []string{scp, tagPolicy}
				e.Org.Policies[estate.PolicyKey(scp, "legacy")] = &estate.Policy{ID: "p-legacy", Name: "legacy", Type: scp,
					Targets: []string{estate.RootTarget}}
				e.Org.Policies[estate.PolicyKey(scp, "baseline")].Content = `{"Statement":[]}`
				e.Org.TrustedServices = append(e.Org.TrustedServices, "ram.amazonaws.com")
				e.Org.DelegatedAdmins[configSvc] = kindstest.PaymentsEmail
				e.Org.DelegatedAdmins[guardDutySvc] = kindstest.PaymentsEmail
				e.Accounts[mgmtEmail].Contacts = map[string]estate.Contact{}
			},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			desired, actual := desiredOrgEstate(), matchingOrgEstate()
			if tt.empty {
				actual = estate.New()
			}
			if tt.desired != nil {
				tt.desired(desired)
			}
			if tt.actual != nil {
				tt.actual(actual)
			}
			p := kinds.Plan(desired, actual)
			if err := p.Validate(); err != nil {
				t.Fatalf("plan does not validate: %v", err)
			}
			kindstest.CheckChanges(t, kindstest.WithoutValues(orgLayerChanges(p)), tt.changes)
			kindstest.CheckNotes(t, p.Notes, tt.notes)
			var left []string
			for _, l := range p.LeftAlone {
				left = append(left, l.Address)
			}
			if !slices.Equal(left, tt.leftAlone) {
				t.Errorf("left alone %v, want %v", left, tt.leftAlone)
			}
		})
	}
}
