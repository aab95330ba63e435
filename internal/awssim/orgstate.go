package awssim

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
)

// orgState is what has been written to the organization.
type orgState struct {
	mu          sync.Mutex
	tags        map[string]map[string]string // resource ID -> tags set by TagResource
	untagged    map[string][]string          // resource ID -> keys removed from generated tags
	policies    map[string]*orgPolicy        // by ID
	policyTypes map[string]bool
	services    []string
	delegated   map[string][]string // account ID -> service principals
}

type orgPolicy struct {
	summary map[string]any
	content string
	targets []string
}

func (s *Server) organization() *orgState {
	s.orgOnce.Do(func() {
		s.orgWrites = &orgState{tags: map[string]map[string]string{}, untagged: map[string][]string{}, policies: map[string]*orgPolicy{},
			policyTypes: map[string]bool{"SERVICE_CONTROL_POLICY": true}, delegated: map[string][]string{}}
		full := &orgPolicy{summary: fullAccess, content: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`,
			targets: []string{rootID}}
		s.orgWrites.policies["p-FullAWSAccess"] = full
		if !s.org.Bare { // as the starter foundation's apply leaves it
			s.orgWrites.services = slices.Sorted(slices.Values(FoundationTrustedAccess))
			for _, p := range sortedKeys(FoundationDelegatedAdmins) {
				if i := FoundationDelegatedAdmins[p]; i < s.org.Accounts {
					s.orgWrites.delegated[MemberID(i)] = append(s.orgWrites.delegated[MemberID(i)], p)
				}
			}
		}
	})
	return s.orgWrites
}

// An Organizations operation answers its output, or an error code.
type orgOp func(o *orgState, c *call) (out any, code string)

func orgRead(op orgOp) handler  { return orgHandler(op, false) }
func orgWrite(op orgOp) handler { return orgHandler(op, true) }

func orgHandler(op orgOp, write bool) handler {
	return func(s *Server, w http.ResponseWriter, c *call) {
		o := s.organization()
		o.mu.Lock()
		out, code := op(o, c)
		o.mu.Unlock()
		if code != "" {
			msg, _ := out.(string)
			writeError(w, c, http.StatusBadRequest, code, msg)
			return
		}
		if write {
			s.Writes.Add(1)
		}
		writeJSON(w, out)
	}
}

func (s *Server) listTags(w http.ResponseWriter, c *call) {
	id := c.str("ResourceId")
	tags := map[string]string{}
	if a := s.acct(id); a != nil && !a.management() {
		for k, v := range WorkloadTags(a.index) {
			tags[k] = v
		}
	}
	o := s.organization()
	o.mu.Lock()
	for _, k := range o.untagged[id] {
		delete(tags, k)
	}
	for k, v := range o.tags[id] {
		tags[k] = v
	}
	o.mu.Unlock()
	out := []any{}
	for _, k := range sortedKeys(tags) {
		out = append(out, map[string]any{"Key": k, "Value": tags[k]})
	}
	writeJSON(w, map[string]any{"Tags": out})
}

func (o *orgState) tagResource(c *call) (any, string) {
	id := c.str("ResourceId")
	if o.tags[id] == nil {
		o.tags[id] = map[string]string{}
	}
	list, _ := c.in["Tags"].([]any)
	for _, t := range list {
		m, _ := t.(map[string]any)
		k, _ := m["Key"].(string)
		v, _ := m["Value"].(string)
		o.tags[id][k] = v
		o.untagged[id] = slices.DeleteFunc(o.untagged[id], func(x string) bool { return x == k })
	}
	return nil, ""
}

func (o *orgState) untagResource(c *call) (any, string) {
	id := c.str("ResourceId")
	for _, k := range c.strs("TagKeys") {
		delete(o.tags[id], k)
		o.untagged[id] = append(o.untagged[id], k)
	}
	return nil, ""
}

func (o *orgState) listPolicies(c *call) (any, string) {
	out := []any{}
	for _, id := range sortedKeys(o.policies) {
		if p := o.policies[id]; p.summary["Type"] == c.str("Filter") {
			out = append(out, p.summary)
		}
	}
	return map[string]any{"Policies": out}, ""
}

func (o *orgState) describePolicy(c *call) (any, string) {
	p, ok := o.policies[c.str("PolicyId")]
	if !ok {
		return "no policy " + c.str("PolicyId"), "PolicyNotFoundException"
	}
	return map[string]any{"Policy": map[string]any{"PolicySummary": p.summary, "Content": p.content}}, ""
}

func (o *orgState) createPolicy(c *call) (any, string) {
	name, typ := c.str("Name"), c.str("Type")
	for _, p := range o.policies {
		if p.summary["Name"] == name && p.summary["Type"] == typ {
			return "A policy with the same name already exists.", "DuplicatePolicyException"
		}
	}
	id := fmt.Sprintf("p-sim%05d", len(o.policies))
	kind := strings.ToLower(typ)
	p := &orgPolicy{content: c.str("Content"), summary: map[string]any{"Id": id, "Arn": orgARN + ":policy/o-sim/" + kind + "/" + id,
		"Name": name, "Description": c.str("Description"), "Type": typ, "AwsManaged": false}}
	o.policies[id] = p
	if list, ok := c.in["Tags"].([]any); ok && len(list) > 0 {
		o.tags[id] = map[string]string{}
		for _, t := range list {
			m, _ := t.(map[string]any)
			k, _ := m["Key"].(string)
			v, _ := m["Value"].(string)
			o.tags[id][k] = v
		}
	}
	return map[string]any{"Policy": map[string]any{"PolicySummary": p.summary, "Content": p.content}}, ""
}

func (o *orgState) updatePolicy(c *call) (any, string) {
	p, ok := o.policies[c.str("PolicyId")]
	if !ok {
		return "no policy", "PolicyNotFoundException"
	}
	if v := c.str("Content"); v != "" {
		p.content = v
	}
	summary := merged(p.summary, nil)
	for _, k := range []string{"Name", "Description"} {
		if v, ok := c.in[k].(string); ok {
			summary[k] = v
		}
	}
	p.summary = summary
	return map[string]any{"Policy": map[string]any{"PolicySummary": p.summary, "Content": p.content}}, ""
}

func (s *Server) listTargetsForPolicy(w http.ResponseWriter, c *call) {
	o := s.organization()
	o.mu.Lock()
	p, ok := o.policies[c.str("PolicyId")]
	var targets []string
	if ok {
		targets = slices.Clone(p.targets)
	}
	o.mu.Unlock()
	if !ok {
		writeError(w, c, http.StatusBadRequest, "PolicyNotFoundException", "no policy")
		return
	}
	out := []any{}
	for _, t := range targets {
		out = append(out, s.target(t))
	}
	writeJSON(w, map[string]any{"Targets": out})
}

// target describes a policy's target: the root, an OU or an account.
func (s *Server) target(id string) map[string]any {
	switch {
	case id == rootID:
		return map[string]any{"TargetId": id, "Arn": orgARN + ":root/o-sim/" + id, "Name": "Root", "Type": "ROOT"}
	case strings.HasPrefix(id, "ou-"):
		var j int
		fmt.Sscanf(strings.TrimPrefix(id, "ou-sim0-"), "%d", &j)
		return map[string]any{"TargetId": id, "Arn": orgARN + ":ou/o-sim/" + id, "Name": UnitName(j), "Type": "ORGANIZATIONAL_UNIT"}
	}
	name := "aws-management-account-primary"
	if a := s.acct(id); a != nil && !a.management() {
		name = MemberName(a.index)
	}
	return map[string]any{"TargetId": id, "Arn": orgARN + ":account/o-sim/" + id, "Name": name, "Type": "ACCOUNT"}
}

func (o *orgState) attachPolicy(c *call) (any, string) {
	p, ok := o.policies[c.str("PolicyId")]
	if !ok {
		return "no policy", "PolicyNotFoundException"
	}
	t := c.str("TargetId")
	if slices.Contains(p.targets, t) {
		return "The policy is already attached.", "DuplicatePolicyAttachmentException"
	}
	p.targets = append(p.targets, t)
	return nil, ""
}

func (o *orgState) detachPolicy(c *call) (any, string) {
	p, ok := o.policies[c.str("PolicyId")]
	if !ok {
		return "no policy", "PolicyNotFoundException"
	}
	t := c.str("TargetId")
	if !slices.Contains(p.targets, t) {
		return "The policy is not attached.", "PolicyNotAttachedException"
	}
	p.targets = slices.DeleteFunc(p.targets, func(x string) bool { return x == t })
	return nil, ""
}

func (o *orgState) enablePolicyType(c *call) (any, string) {
	o.policyTypes[c.str("PolicyType")] = true
	types := []any{}
	for _, t := range sortedKeys(o.policyTypes) {
		types = append(types, map[string]any{"Type": t, "Status": "ENABLED"})
	}
	return map[string]any{"Root": map[string]any{"Id": rootID, "Name": "Root", "PolicyTypes": types}}, ""
}

func (o *orgState) listServiceAccess(*call) (any, string) {
	out := []any{}
	for _, p := range o.services {
		out = append(out, map[string]any{"ServicePrincipal": p, "DateEnabled": 1.7e9})
	}
	return map[string]any{"EnabledServicePrincipals": out}, ""
}

func (o *orgState) enableServiceAccess(c *call) (any, string) {
	if p := c.str("ServicePrincipal"); !slices.Contains(o.services, p) {
		o.services = append(o.services, p)
		slices.Sort(o.services)
	}
	return nil, ""
}

func (s *Server) listDelegatedAdministrators(w http.ResponseWriter, c *call) {
	o := s.organization()
	o.mu.Lock()
	var ids []string
	for _, id := range sortedKeys(o.delegated) {
		if p := c.str("ServicePrincipal"); p == "" || slices.Contains(o.delegated[id], p) {
			ids = append(ids, id)
		}
	}
	o.mu.Unlock()
	out := []any{}
	for _, id := range ids {
		if a := s.acct(id); a != nil && !a.management() {
			m := accountJSON(id, MemberName(a.index), MemberEmail(a.index))
			m["DelegationEnabledDate"] = 1.7e9
			out = append(out, m)
		}
	}
	writeJSON(w, map[string]any{"DelegatedAdministrators": out})
}

func (o *orgState) listDelegatedServices(c *call) (any, string) {
	services, ok := o.delegated[c.str("AccountId")]
	if !ok {
		return "The provided account is not a registered delegated administrator for your organization.", "AccountNotRegisteredException"
	}
	out := []any{}
	for _, p := range services {
		out = append(out, map[string]any{"ServicePrincipal": p, "DelegationEnabledDate": 1.7e9})
	}
	return map[string]any{"DelegatedServices": out}, ""
}

func (o *orgState) registerDelegatedAdministrator(c *call) (any, string) {
	id, p := c.str("AccountId"), c.str("ServicePrincipal")
	if slices.Contains(o.delegated[id], p) {
		return "The provided account is already a delegated administrator for your organization.", "AccountAlreadyRegisteredException"
	}
	o.delegated[id] = append(o.delegated[id], p)
	return nil, ""
}

// fullAccess is the SCP AWS attaches to the root of every organization.
var fullAccess = map[string]any{"Id": "p-FullAWSAccess", "Arn": "arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess",
	"Name": "FullAWSAccess", "Description": "Allows access to every operation", "Type": "SERVICE_CONTROL_POLICY", "AwsManaged": true}
