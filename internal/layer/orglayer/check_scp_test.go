package orglayer

import (
	"slices"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/policy"
)

func TestStatementTests(t *testing.T) {
	parse := func(content string) policy.Statement {
		t.Helper()
		d, err := policy.Parse([]byte(content))
		if err != nil || len(d.Statements) != 1 {
			t.Fatalf("parse %s: %v", content, err)
		}
		return d.Statements[0]
	}
	tests := map[string]struct {
		statement   string
		action, arn string
		denies      bool
		covers      bool
		forEveryone bool
		principals  []string // conditionValues for aws:PrincipalArn
	}{
		"root user": {
			statement: scp(denyRoot), action: "IAM:CreateUser", arn: "arn:aws:s3:::b",
			denies: true, covers: true, principals: []string{"arn:aws:iam::*:root"},
		},
		"exempt administrators": {
			statement: `{"Statement":{"Effect":"Deny","Action":"organizations:*","Resource":"*",` +
				`"Condition":{"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/org-admin/*"}}}}`,
			action: "organizations:LeaveOrganization", arn: "x", denies: true, covers: true, forEveryone: true,
		},
		"org-admin roles": {
			statement: scp(protectOrgAdmin), action: "iam:DeleteRole", arn: "arn:aws:iam::123456789012:role/org-admin/x",
			denies: true, covers: true, forEveryone: true,
		},
		"another path": {
			statement: scp(protectOrgAdmin), action: "iam:DeleteRole", arn: "arn:aws:iam::123456789012:role/admin/x",
			denies: true, forEveryone: true,
		},
		"another action": {
			statement: scp(denyLeave), action: "organizations:DeleteOrganization", arn: "x", covers: true, forEveryone: true,
		},
		"allow": {
			statement: `{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`, action: "iam:DeleteRole", arn: "x",
			covers: true, forEveryone: true,
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			s := parse(tt.statement)
			if got := denies(s, tt.action); got != tt.denies {
				t.Errorf("denies(%s) = %v", tt.action, got)
			}
			if got := covers(s, tt.arn); got != tt.covers {
				t.Errorf("covers(%s) = %v", tt.arn, got)
			}
			if got := forEveryone(s); got != tt.forEveryone {
				t.Errorf("forEveryone = %v", got)
			}
			if got := conditionValues(s, "AWS:PRINCIPALARN"); !slices.Equal(got, tt.principals) {
				t.Errorf("conditionValues = %q, want %q", got, tt.principals)
			}
		})
	}
}
