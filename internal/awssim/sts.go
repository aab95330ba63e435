package awssim

import (
	"fmt"
	"net/http"
	"strings"
)

func init() {
	serve("sts", map[string]handler{
		"GetCallerIdentity": func(_ *Server, w http.ResponseWriter, c *call) {
			writeQuery(w, c, fmt.Sprintf(`<Arn>arn:aws:iam::%s:user/groundwork</Arn><UserId>AIDASIM</UserId><Account>%s</Account>`, c.account, c.account))
		},
		"AssumeRole": (*Server).assumeRole,
	})
}

// assumeRole hands out keys that name the role's account, ASIA + its ID,
// which is how later calls are told apart.
func (s *Server) assumeRole(w http.ResponseWriter, c *call) {
	parts := strings.Split(c.form.Get("RoleArn"), ":")
	if len(parts) < 6 || s.acct(parts[4]) == nil {
		writeError(w, c, http.StatusForbidden, "AccessDenied", "not authorized to perform sts:AssumeRole on "+c.form.Get("RoleArn"))
		return
	}
	account := parts[4]
	writeQuery(w, c, fmt.Sprintf(`<Credentials><AccessKeyId>ASIA%sSIM</AccessKeyId><SecretAccessKey>sim</SecretAccessKey>`+
		`<SessionToken>sim</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials>`+
		`<AssumedRoleUser><Arn>arn:aws:sts::%s:assumed-role/OrganizationAccountAccessRole/groundwork</Arn><AssumedRoleId>AROASIM:groundwork</AssumedRoleId></AssumedRoleUser>`,
		account, account))
}
