package awssim

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// iamUser is an IAM user of an account.
type iamUser struct {
	name, created     string
	password, mfa     bool
	key               bool   // one active access key
	keyRotated        string // RFC 3339
	managed, inline   []string
	passwordLastUsed  string
	keyLastUsed       string
	consoleWithoutMFA bool
}

// iamRole is an IAM role of an account.
type iamRole struct {
	name, path, trust, created string
	managed                    []string
	inline                     map[string]string
}

func (r *iamRole) arn(account string) string {
	return "arn:aws:iam::" + account + ":role" + r.path + r.name
}

// iamPolicy is a customer-managed policy.
type iamPolicy struct {
	name, document string
}

// iamState is an account's IAM: users, roles, policies, the password
// policy (its query fields as UpdateAccountPasswordPolicy took them)
// and the credential report's generation.
type iamState struct {
	users          map[string]*iamUser
	roles          map[string]*iamRole
	policies       map[string]*iamPolicy
	passwordPolicy url.Values
	rootMFA        bool
	reportAt       time.Time // when the credential report was asked for; zero: never
}

// reportDelay is how long IAM takes to generate a credential report.
const reportDelay = time.Second

const simEpoch = "2024-01-02T03:04:05Z"

// iamOf is the account's IAM, generated on first use. The caller holds a.mu.
func (a *account) iam() *iamState {
	st, ok := a.coll("", "iam")["state"].(*iamState)
	if !ok {
		st = newIAM(a)
		a.coll("", "iam")["state"] = st
	}
	return st
}

// newIAM generates an account's IAM. Every member has the role
// Organizations made; a baselined account has the foundation's password
// policy, the support role and, for workloads, two users (a person with
// a password and MFA, a deployment user with an access key and a
// customer-managed policy). Flaws: every 10th workload's person has no
// MFA, every 12th's key is a year old, every 20th's policy allows
// everything, every 25th's root has no MFA, every 30th's password policy
// is weak; the management account has one IAM user.
func newIAM(a *account) *iamState {
	st := &iamState{users: map[string]*iamUser{}, roles: map[string]*iamRole{}, policies: map[string]*iamPolicy{}, rootMFA: true}
	if !a.management() {
		st.roles["OrganizationAccountAccessRole"] = &iamRole{name: "OrganizationAccountAccessRole", path: "/", created: simEpoch,
			trust:   `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + Management + `:root"},"Action":"sts:AssumeRole"}]}`,
			managed: []string{"arn:aws:iam::aws:policy/AdministratorAccess"}}
	}
	if !a.baselined() {
		return st
	}
	st.passwordPolicy = url.Values{"MinimumPasswordLength": {"14"}, "RequireSymbols": {"true"}, "RequireNumbers": {"true"},
		"RequireUppercaseCharacters": {"true"}, "RequireLowercaseCharacters": {"true"}, "AllowUsersToChangePassword": {"true"},
		"MaxPasswordAge": {"90"}, "PasswordReusePrevention": {"24"}}
	if a.flawed(30) {
		st.passwordPolicy = url.Values{"MinimumPasswordLength": {"8"}, "AllowUsersToChangePassword": {"true"}}
	}
	st.roles["groundwork-support"] = &iamRole{name: "groundwork-support", path: "/org-admin/", created: simEpoch,
		trust:   `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + a.id + `:root"},"Action":"sts:AssumeRole"}]}`,
		managed: []string{"arn:aws:iam::aws:policy/AWSSupportAccess"}}
	st.rootMFA = !a.flawed(25)
	recent := time.Now().UTC().Add(-24 * time.Hour).Format(time.RFC3339)
	switch {
	case a.management():
		st.users["break-glass"] = &iamUser{name: "break-glass", created: simEpoch, password: true, mfa: true}
	case a.index >= Foundation:
		st.users["alice"] = &iamUser{name: "alice", created: simEpoch, password: true, mfa: !a.flawed(10), passwordLastUsed: recent}
		rotated := time.Now().UTC().Add(-30 * 24 * time.Hour)
		if a.flawed(12) {
			rotated = rotated.Add(-335 * 24 * time.Hour)
		}
		st.users["ci-deploy"] = &iamUser{name: "ci-deploy", created: simEpoch, key: true, keyRotated: rotated.Format(time.RFC3339),
			keyLastUsed: recent, managed: []string{"arn:aws:iam::" + a.id + ":policy/workload-deploy"}}
		doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:PutObject","ecs:UpdateService"],"Resource":"*"}]}`
		if a.flawed(20) {
			doc = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`
		}
		st.policies["workload-deploy"] = &iamPolicy{name: "workload-deploy", document: doc}
	}
	return st
}

func init() {
	serve("iam", map[string]handler{
		"GetAccountPasswordPolicy":       iamRead((*iamState).getPasswordPolicy),
		"UpdateAccountPasswordPolicy":    iamWrite((*iamState).updatePasswordPolicy),
		"GetAccountSummary":              iamRead((*iamState).accountSummary),
		"ListUsers":                      iamRead((*iamState).listUsers),
		"GetUser":                        iamRead((*iamState).getUser),
		"GenerateCredentialReport":       iamWrite((*iamState).generateReport),
		"GetCredentialReport":            iamRead((*iamState).getReport),
		"ListAttachedUserPolicies":       iamRead((*iamState).listAttachedUserPolicies),
		"ListUserPolicies":               iamRead((*iamState).listUserPolicies),
		"ListAccessKeys":                 iamRead((*iamState).listAccessKeys),
		"ListMFADevices":                 iamRead((*iamState).listMFADevices),
		"ListGroupsForUser":              iamRead(emptyIAMList("Groups")),
		"ListSSHPublicKeys":              iamRead(emptyIAMList("SSHPublicKeys")),
		"ListServiceSpecificCredentials": iamRead(func(*iamState, *call) (string, string, string) { return "<ServiceSpecificCredentials/>", "", "" }),
		"ListSigningCertificates":        iamRead(emptyIAMList("Certificates")),
		"ListServerCertificates":         iamRead(emptyIAMList("ServerCertificateMetadataList")),
		"ListVirtualMFADevices":          iamRead(emptyIAMList("VirtualMFADevices")),
		"ListPolicies":                   iamRead((*iamState).listPolicies),
		"GetPolicyVersion":               iamRead((*iamState).getPolicyVersion),
		"ListEntitiesForPolicy":          iamRead((*iamState).listEntitiesForPolicy),
		"GetRole":                        iamRead((*iamState).getRole),
		"ListRoles":                      iamRead((*iamState).listRoles),
		"CreateRole":                     iamWrite((*iamState).createRole),
		"UpdateAssumeRolePolicy":         iamWrite((*iamState).updateAssumeRolePolicy),
		"AttachRolePolicy":               iamWrite((*iamState).attachRolePolicy),
		"ListAttachedRolePolicies":       iamRead((*iamState).listAttachedRolePolicies),
		"PutRolePolicy":                  iamWrite((*iamState).putRolePolicy),
		"GetRolePolicy":                  iamRead((*iamState).getRolePolicy),
		"ListRolePolicies":               iamRead((*iamState).listRolePolicies),
	})
}

// An IAM operation answers the inside of its result, or an error code,
// its HTTP status and message.
type iamOp func(st *iamState, c *call) (result, code, msg string)

func iamRead(op iamOp) handler  { return iamHandler(op, false) }
func iamWrite(op iamOp) handler { return iamHandler(op, true) }

func iamHandler(op iamOp, write bool) handler {
	return func(s *Server, w http.ResponseWriter, c *call) {
		a := s.lock(c)
		result, code, msg := op(a.iam(), c)
		a.mu.Unlock()
		switch code {
		case "":
			if write {
				s.Writes.Add(1)
			}
			writeQuery(w, c, result)
		case "NoSuchEntity", "ReportNotPresent", "ReportInProgress":
			notFound(w, c, code, msg)
		case "EntityAlreadyExists":
			writeError(w, c, http.StatusConflict, code, msg)
		default:
			writeError(w, c, http.StatusBadRequest, code, msg)
		}
	}
}

func emptyIAMList(list string) iamOp {
	return func(*iamState, *call) (string, string, string) {
		return "<" + list + "/><IsTruncated>false</IsTruncated>", "", ""
	}
}

func noSuch(what string) (string, string, string) {
	return "", "NoSuchEntity", "The " + what + " cannot be found."
}

var passwordFields = []string{"MinimumPasswordLength", "RequireSymbols", "RequireNumbers", "RequireUppercaseCharacters",
	"RequireLowercaseCharacters", "AllowUsersToChangePassword", "MaxPasswordAge", "PasswordReusePrevention", "HardExpiry"}

func (st *iamState) getPasswordPolicy(*call) (string, string, string) {
	if st.passwordPolicy == nil {
		return noSuch("Password Policy with domain name " + "sim")
	}
	var b strings.Builder
	b.WriteString("<PasswordPolicy>")
	for _, f := range passwordFields {
		if v := st.passwordPolicy.Get(f); v != "" {
			b.WriteString(el(f, v))
		} else if f != "MaxPasswordAge" && f != "PasswordReusePrevention" && f != "MinimumPasswordLength" {
			b.WriteString(el(f, "false"))
		}
	}
	if st.passwordPolicy.Get("MaxPasswordAge") != "" {
		b.WriteString(el("ExpirePasswords", "true"))
	} else {
		b.WriteString(el("ExpirePasswords", "false"))
	}
	b.WriteString("</PasswordPolicy>")
	return b.String(), "", ""
}

func (st *iamState) updatePasswordPolicy(c *call) (string, string, string) {
	p := url.Values{}
	for _, f := range passwordFields {
		if v := c.form.Get(f); v != "" {
			p.Set(f, v)
		}
	}
	st.passwordPolicy = p
	return "", "", ""
}

func (st *iamState) accountSummary(*call) (string, string, string) {
	keys := 0
	mfa := 0
	if st.rootMFA {
		mfa = 1
	}
	entry := func(k string, v int) string {
		return fmt.Sprintf("<entry><key>%s</key><value>%d</value></entry>", k, v)
	}
	return "<SummaryMap>" + entry("AccountMFAEnabled", mfa) + entry("AccountAccessKeysPresent", keys) +
		entry("Users", len(st.users)) + entry("Roles", len(st.roles)) + entry("Policies", len(st.policies)) + "</SummaryMap>", "", ""
}

func (st *iamState) userXML(account string, u *iamUser) string {
	return "<member>" + el("UserName", u.name) + el("Path", "/") + el("UserId", "AIDA"+strings.ToUpper(u.name)) +
		el("Arn", "arn:aws:iam::"+account+":user/"+u.name) + el("CreateDate", u.created) + "</member>"
}

func (st *iamState) listUsers(c *call) (string, string, string) {
	var b strings.Builder
	for _, name := range sortedKeys(st.users) {
		b.WriteString(st.userXML(c.account, st.users[name]))
	}
	return "<Users>" + b.String() + "</Users><IsTruncated>false</IsTruncated>", "", ""
}

func (st *iamState) getUser(c *call) (string, string, string) {
	name := c.form.Get("UserName")
	if name == "" {
		return "<User>" + el("UserName", "groundwork") + el("Path", "/") + el("UserId", "AIDASIM") +
			el("Arn", "arn:aws:iam::"+c.account+":user/groundwork") + el("CreateDate", simEpoch) + "</User>", "", ""
	}
	u, ok := st.users[name]
	if !ok {
		return noSuch("user with name " + name)
	}
	return strings.Replace(strings.Replace(st.userXML(c.account, u), "<member>", "<User>", 1), "</member>", "</User>", 1), "", ""
}

// generateReport starts a credential report; it is ready reportDelay
// later, and a report younger than four hours is not made again.
func (st *iamState) generateReport(*call) (string, string, string) {
	now := time.Now()
	switch {
	case st.reportAt.IsZero() || now.Sub(st.reportAt) > 4*time.Hour:
		st.reportAt = now
		return el("State", "STARTED") + el("Description", "No report exists. Starting a new report generation task"), "", ""
	case now.Sub(st.reportAt) < reportDelay:
		return el("State", "INPROGRESS"), "", ""
	}
	return el("State", "COMPLETE"), "", ""
}

func (st *iamState) getReport(c *call) (string, string, string) {
	switch {
	case st.reportAt.IsZero():
		return "", "ReportNotPresent", "Credential report not present."
	case time.Since(st.reportAt) < reportDelay:
		return "", "ReportInProgress", "Credential report is being generated."
	}
	return el("Content", st.report(c.account)) + el("ReportFormat", "text/csv") +
		el("GeneratedTime", st.reportAt.Add(reportDelay).UTC().Format(time.RFC3339)), "", ""
}

// report is the credential report, base64 as IAM sends it.
func (st *iamState) report(account string) string {
	var b strings.Builder
	b.WriteString("user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation," +
		"mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region," +
		"access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date," +
		"access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated\n")
	na := func(s string) string {
		if s == "" {
			return "N/A"
		}
		return s
	}
	fmt.Fprintf(&b, "<root_account>,arn:aws:iam::%s:root,%s,not_supported,%s,not_supported,not_supported,%t,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n",
		account, simEpoch, "2024-01-02T03:04:05Z", st.rootMFA)
	for _, name := range sortedKeys(st.users) {
		u := st.users[name]
		fmt.Fprintf(&b, "%s,arn:aws:iam::%s:user/%s,%s,%t,%s,N/A,N/A,%t,%t,%s,%s,us-east-1,s3,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n",
			u.name, account, u.name, u.created, u.password, na(u.passwordLastUsed), u.mfa, u.key, na(u.keyRotated), na(u.keyLastUsed))
	}
	return base64(b.String())
}

func (st *iamState) listAttachedUserPolicies(c *call) (string, string, string) {
	u, ok := st.users[c.form.Get("UserName")]
	if !ok {
		return noSuch("user")
	}
	return attachedXML(u.managed), "", ""
}

func attachedXML(arns []string) string {
	var b strings.Builder
	for _, arn := range arns {
		b.WriteString("<member>" + el("PolicyName", arn[strings.LastIndex(arn, "/")+1:]) + el("PolicyArn", arn) + "</member>")
	}
	return "<AttachedPolicies>" + b.String() + "</AttachedPolicies><IsTruncated>false</IsTruncated>"
}

func namesXML(list string, names []string) string {
	var b strings.Builder
	for _, n := range names {
		b.WriteString(el("member", n))
	}
	return "<" + list + ">" + b.String() + "</" + list + "><IsTruncated>false</IsTruncated>"
}

func (st *iamState) listUserPolicies(c *call) (string, string, string) {
	u, ok := st.users[c.form.Get("UserName")]
	if !ok {
		return noSuch("user")
	}
	return namesXML("PolicyNames", u.inline), "", ""
}

func (st *iamState) listAccessKeys(c *call) (string, string, string) {
	name := c.form.Get("UserName")
	u, ok := st.users[name]
	if !ok {
		return noSuch("user")
	}
	keys := ""
	if u.key {
		keys = "<member>" + el("UserName", name) + el("AccessKeyId", "AKIASIM"+strings.ToUpper(name)) + el("Status", "Active") +
			el("CreateDate", u.keyRotated) + "</member>"
	}
	return "<AccessKeyMetadata>" + keys + "</AccessKeyMetadata><IsTruncated>false</IsTruncated>", "", ""
}

func (st *iamState) listMFADevices(c *call) (string, string, string) {
	name := c.form.Get("UserName")
	u, ok := st.users[name]
	if !ok {
		return noSuch("user")
	}
	devices := ""
	if u.mfa {
		devices = "<member>" + el("UserName", name) + el("SerialNumber", "arn:aws:iam::"+c.account+":mfa/"+name) + el("EnableDate", u.created) + "</member>"
	}
	return "<MFADevices>" + devices + "</MFADevices><IsTruncated>false</IsTruncated>", "", ""
}

// attachments counts the users and roles that hold a policy.
func (st *iamState) attachments(arn string) (users, roles []string) {
	for _, name := range sortedKeys(st.users) {
		if slices.Contains(st.users[name].managed, arn) {
			users = append(users, name)
		}
	}
	for _, name := range sortedKeys(st.roles) {
		if slices.Contains(st.roles[name].managed, arn) {
			roles = append(roles, name)
		}
	}
	return users, roles
}

func (st *iamState) listPolicies(c *call) (string, string, string) {
	var b strings.Builder
	if c.form.Get("Scope") != "AWS" {
		for _, name := range sortedKeys(st.policies) {
			arn := "arn:aws:iam::" + c.account + ":policy/" + name
			users, roles := st.attachments(arn)
			n := len(users) + len(roles)
			if n == 0 && c.form.Get("OnlyAttached") == "true" {
				continue
			}
			fmt.Fprintf(&b, "<member>%s%s%s%s<AttachmentCount>%d</AttachmentCount>%s</member>", el("PolicyName", name), el("Arn", arn),
				el("DefaultVersionId", "v1"), el("PolicyId", "ANPA"+strings.ToUpper(name)), n, el("Path", "/"))
		}
	}
	return "<Policies>" + b.String() + "</Policies><IsTruncated>false</IsTruncated>", "", ""
}

func (st *iamState) getPolicyVersion(c *call) (string, string, string) {
	arn := c.form.Get("PolicyArn")
	p, ok := st.policies[arn[strings.LastIndex(arn, "/")+1:]]
	if !ok || !strings.Contains(arn, ":"+c.account+":") {
		return noSuch("policy " + arn)
	}
	return "<PolicyVersion>" + el("Document", url.QueryEscape(p.document)) + el("VersionId", "v1") +
		el("IsDefaultVersion", "true") + el("CreateDate", simEpoch) + "</PolicyVersion>", "", ""
}

func (st *iamState) listEntitiesForPolicy(c *call) (string, string, string) {
	users, roles := st.attachments(c.form.Get("PolicyArn"))
	var b strings.Builder
	b.WriteString("<PolicyUsers>")
	for _, u := range users {
		b.WriteString("<member>" + el("UserName", u) + "</member>")
	}
	b.WriteString("</PolicyUsers><PolicyGroups/><PolicyRoles>")
	for _, r := range roles {
		b.WriteString("<member>" + el("RoleName", r) + "</member>")
	}
	b.WriteString("</PolicyRoles><IsTruncated>false</IsTruncated>")
	return b.String(), "", ""
}

func (st *iamState) roleXML(account string, r *iamRole) string {
	return "<Role>" + el("RoleName", r.name) + el("Path", r.path) + el("RoleId", "AROA"+strings.ToUpper(strings.ReplaceAll(r.name, "-", ""))) +
		el("Arn", r.arn(account)) + el("CreateDate", r.created) +
		el("AssumeRolePolicyDocument", url.QueryEscape(r.trust)) + "</Role>"
}

func (st *iamState) getRole(c *call) (string, string, string) {
	r, ok := st.roles[c.form.Get("RoleName")]
	if !ok {
		return noSuch("role with name " + c.form.Get("RoleName"))
	}
	return st.roleXML(c.account, r), "", ""
}

func (st *iamState) listRoles(c *call) (string, string, string) {
	var b strings.Builder
	for _, name := range sortedKeys(st.roles) {
		x := st.roleXML(c.account, st.roles[name])
		b.WriteString("<member>" + strings.TrimSuffix(strings.TrimPrefix(x, "<Role>"), "</Role>") + "</member>")
	}
	return "<Roles>" + b.String() + "</Roles><IsTruncated>false</IsTruncated>", "", ""
}

func (st *iamState) createRole(c *call) (string, string, string) {
	name := c.form.Get("RoleName")
	if _, ok := st.roles[name]; ok {
		return "", "EntityAlreadyExists", "Role with name " + name + " already exists."
	}
	path := c.form.Get("Path")
	if path == "" {
		path = "/"
	}
	r := &iamRole{name: name, path: path, trust: c.form.Get("AssumeRolePolicyDocument"), created: time.Now().UTC().Format(time.RFC3339)}
	st.roles[name] = r
	return st.roleXML(c.account, r), "", ""
}

func (st *iamState) updateAssumeRolePolicy(c *call) (string, string, string) {
	r, ok := st.roles[c.form.Get("RoleName")]
	if !ok {
		return noSuch("role")
	}
	r.trust = c.form.Get("PolicyDocument")
	return "", "", ""
}

func (st *iamState) attachRolePolicy(c *call) (string, string, string) {
	r, ok := st.roles[c.form.Get("RoleName")]
	if !ok {
		return noSuch("role")
	}
	if arn := c.form.Get("PolicyArn"); !slices.Contains(r.managed, arn) {
		r.managed = append(r.managed, arn)
	}
	return "", "", ""
}

func (st *iamState) listAttachedRolePolicies(c *call) (string, string, string) {
	r, ok := st.roles[c.form.Get("RoleName")]
	if !ok {
		return noSuch("role")
	}
	return attachedXML(r.managed), "", ""
}

func (st *iamState) putRolePolicy(c *call) (string, string, string) {
	r, ok := st.roles[c.form.Get("RoleName")]
	if !ok {
		return noSuch("role")
	}
	if r.inline == nil {
		r.inline = map[string]string{}
	}
	r.inline[c.form.Get("PolicyName")] = c.form.Get("PolicyDocument")
	return "", "", ""
}

func (st *iamState) getRolePolicy(c *call) (string, string, string) {
	r, ok := st.roles[c.form.Get("RoleName")]
	if !ok {
		return noSuch("role")
	}
	name := c.form.Get("PolicyName")
	doc, ok := r.inline[name]
	if !ok {
		return noSuch("role policy with name " + name)
	}
	return el("RoleName", r.name) + el("PolicyName", name) + el("PolicyDocument", url.QueryEscape(doc)), "", ""
}

func (st *iamState) listRolePolicies(c *call) (string, string, string) {
	r, ok := st.roles[c.form.Get("RoleName")]
	if !ok {
		return noSuch("role")
	}
	return namesXML("PolicyNames", sortedKeys(r.inline)), "", ""
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
