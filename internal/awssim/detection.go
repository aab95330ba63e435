package awssim

import (
	"net/http"
)

// Security Hub, IAM Access Analyzer, Macie, IAM Identity Center and
// Support, read-only: a baselined organization has Security Hub and an
// organization analyzer administered from Security Tooling (every 35th
// workload without Security Hub), Identity Center in the management
// account, Macie off.
func init() {
	serve("securityhub", map[string]handler{
		"GET /accounts": func(s *Server, w http.ResponseWriter, c *call) {
			a := s.lock(c)
			on := a.baselined() && !a.flawed(35)
			a.mu.Unlock()
			if !on {
				writeError(w, c, http.StatusUnauthorized, "InvalidAccessException", "Account "+c.account+" is not subscribed to AWS Security Hub")
				return
			}
			writeJSON(w, map[string]any{"HubArn": "arn:aws:securityhub:" + c.region + ":" + c.account + ":hub/default",
				"SubscribedAt": "2024-01-02T03:04:05.000Z", "AutoEnableControls": true, "ControlFindingGenerator": "SECURITY_CONTROL"})
		},
	})
	serve("access-analyzer", map[string]handler{
		"GET /analyzer": func(s *Server, w http.ResponseWriter, c *call) {
			a := s.lock(c)
			analyzers := []any{}
			if a.baselined() && a.is(SecurityTooling) {
				analyzers = append(analyzers, map[string]any{"arn": "arn:aws:access-analyzer:" + c.region + ":" + c.account + ":analyzer/groundwork-org",
					"name": "groundwork-org", "type": "ORGANIZATION", "status": "ACTIVE", "createdAt": "2024-01-02T03:04:05Z"})
			}
			a.mu.Unlock()
			writeJSON(w, map[string]any{"analyzers": analyzers})
		},
	})
	serve("macie2", map[string]handler{
		"GET /macie": func(_ *Server, w http.ResponseWriter, c *call) {
			writeError(w, c, http.StatusForbidden, "AccessDeniedException", "Macie is not enabled.")
		},
		"GET /automated-discovery/configuration": func(_ *Server, w http.ResponseWriter, c *call) {
			writeError(w, c, http.StatusForbidden, "AccessDeniedException", "Macie is not enabled.")
		},
		"POST /jobs/list": func(_ *Server, w http.ResponseWriter, c *call) {
			writeError(w, c, http.StatusForbidden, "AccessDeniedException", "Macie is not enabled.")
		},
	})
	// IAM Identity Center: the organization's instance, with an empty
	// identity store and no permission sets or attributes for access
	// control yet.
	serve("identitystore", map[string]handler{
		"ListUsers":            emptyList("Users"),
		"ListGroups":           emptyList("Groups"),
		"ListGroupMemberships": emptyList("GroupMemberships"),
	})
	serve("sso", map[string]handler{
		"ListPermissionSets": emptyList("PermissionSets"),
		"DescribeInstanceAccessControlAttributeConfiguration": func(_ *Server, w http.ResponseWriter, c *call) {
			notFound(w, c, "ResourceNotFoundException", "no attributes for access control are configured")
		},
		"ListInstances": func(_ *Server, w http.ResponseWriter, c *call) {
			writeJSON(w, map[string]any{"Instances": []any{map[string]any{"InstanceArn": "arn:aws:sso:::instance/ssoins-sim",
				"IdentityStoreId": "d-sim", "OwnerAccountId": Management, "Status": "ACTIVE", "Name": "primary"}}})
		},
	})
	serve("support", map[string]handler{
		"DescribeSeverityLevels": func(_ *Server, w http.ResponseWriter, _ *call) {
			writeJSON(w, map[string]any{"severityLevels": []any{map[string]any{"code": "low", "name": "Low"},
				map[string]any{"code": "normal", "name": "Normal"}, map[string]any{"code": "high", "name": "High"}}})
		},
	})
}

// emptyList answers a JSON list operation with nothing in the list.
func emptyList(key string) handler {
	return func(_ *Server, w http.ResponseWriter, _ *call) { writeJSON(w, map[string]any{key: []any{}}) }
}
