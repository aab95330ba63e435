package policy

import (
	"strings"
	"testing"
)

func mustParse(t *testing.T, src string) *Document {
	t.Helper()
	doc, err := Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func TestDeniesAccessFiresOnDenyAllSTS(t *testing.T) {
	doc := mustParse(t, scpWith(
		`{"Sid": "DenyLeave", "Effect": "Deny", "Action": "organizations:LeaveOrganization", "Resource": "*"}`,
		`{"Sid": "DenyAll", "Effect": "Deny", "Action": "sts:*", "Resource": "*"}`,
	))
	got := DeniesAccess(doc, "OrganizationAccountAccessRole", "*")
	if len(got) != 1 {
		t.Fatalf("DeniesAccess = %v, want one problem", got)
	}
	p := got[0]
	want := `statement 1 (Sid "DenyAll") denies sts:AssumeRole on arn:aws:iam::*:role/OrganizationAccountAccessRole: groundwork could not enter member accounts`
	if p.Statement != 1 || p.Sid != "DenyAll" || !strings.HasPrefix(p.Message, want) {
		t.Errorf("problem = %+v\nwant message starting %q", p, want)
	}
	if !strings.Contains(p.Message, `Action "sts:*" matches sts:AssumeRole`) {
		t.Errorf("message %q does not say which action matched", p.Message)
	}
	p.File = "policies/deny.json"
	if !strings.HasPrefix(p.Error(), "policies/deny.json: "+want) {
		t.Errorf("Error() = %q", p.Error())
	}
}

func TestDeniesAccess(t *testing.T) {
	tests := map[string]struct {
		statement string
		role      string // default OrganizationAccountAccessRole
		account   string // default "*"
		fires     bool
		phrase    string
	}{
		"deny everything":             {statement: `{"Effect": "Deny", "Action": "*", "Resource": "*"}`, fires: true, phrase: `Action "*" matches`},
		"deny sts:Assume*":            {statement: `{"Effect": "Deny", "Action": ["s3:*", "sts:Assume*"], "Resource": "*"}`, fires: true},
		"deny in another case":        {statement: `{"Effect": "Deny", "Action": "STS:assumerole", "Resource": "*"}`, fires: true},
		"deny a different sts action": {statement: `{"Effect": "Deny", "Action": "sts:AssumeRoleWithSAML", "Resource": "*"}`},
		"deny other services":         {statement: `{"Effect": "Deny", "Action": ["iam:*", "s3:*"], "Resource": "*"}`},
		"NotAction iam fires for sts": {statement: `{"Effect": "Deny", "NotAction": ["iam:*"], "Resource": "*"}`, fires: true,
			phrase: "NotAction does not exclude sts:AssumeRole"},
		"NotAction sts exempts": {statement: `{"Effect": "Deny", "NotAction": ["iam:*", "sts:*"], "Resource": "*"}`},
		"allow is ignored":      {statement: `{"Effect": "Allow", "Action": "*", "Resource": "*"}`},
		"exempted by ArnNotLike": {statement: `{"Effect": "Deny", "Action": "*", "Resource": "*",
			"Condition": {"ArnNotLike": {"aws:PrincipalARN": "arn:aws:iam::*:role/OrganizationAccountAccessRole"}}}`},
		"exempted by ArnNotLike among others": {statement: `{"Effect": "Deny", "Action": "*", "Resource": "*",
			"Condition": {"StringNotEquals": {"aws:RequestedRegion": "eu-west-1"}, "ArnNotLikeIfExists": {"aws:PrincipalArn": ["arn:aws:iam::*:role/Admin", "arn:aws:iam::*:role/Organization*"]}}}`},
		"exempted by StringNotLike": {statement: `{"Effect": "Deny", "Action": "*", "Resource": "*",
			"Condition": {"StringNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/*"}}}`},
		"ArnNotLike on another role": {statement: `{"Effect": "Deny", "Action": "*", "Resource": "*",
			"Condition": {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/BreakGlass"}}}`, fires: true},
		"ArnNotLike in one account only": {statement: `{"Effect": "Deny", "Action": "*", "Resource": "*",
			"Condition": {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::111111111111:role/OrganizationAccountAccessRole"}}}`, fires: true},
		"StringNotEquals takes no wildcards": {statement: `{"Effect": "Deny", "Action": "*", "Resource": "*",
			"Condition": {"StringNotEquals": {"aws:PrincipalArn": "arn:aws:iam::*:role/OrganizationAccountAccessRole"}}}`, fires: true},
		"StringNotEquals exact ARN exempts one account": {statement: `{"Effect": "Deny", "Action": "*", "Resource": "*",
			"Condition": {"StringNotEquals": {"aws:PrincipalArn": "arn:aws:iam::111111111111:role/OrganizationAccountAccessRole"}}}`,
			account: "111111111111"},
		"ForAnyValue on PrincipalArn is not trusted": {statement: `{"Effect": "Deny", "Action": "*", "Resource": "*",
			"Condition": {"ForAnyValue:ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/OrganizationAccountAccessRole"}}}`, fires: true},
		"unknown condition is reported": {statement: `{"Effect": "Deny", "Action": "*", "Resource": "*",
			"Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1"]}}}`, fires: true,
			phrase: "conditions (StringNotEquals aws:RequestedRegion) do not exempt the role and may hold, and it is reported because a lockout is worse than a false alarm"},
		"root only": {statement: `{"Effect": "Deny", "Action": "*", "Resource": "*",
			"Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:root"}}}`},
		"scoped to other principals": {statement: `{"Effect": "Deny", "Action": "*", "Resource": "*",
			"Condition": {"StringLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/Developer*"}}}`},
		"scoped to the role": {statement: `{"Effect": "Deny", "Action": "*", "Resource": "*",
			"Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/Organization*"}}}`, fires: true,
			phrase: `its condition ArnLike aws:PrincipalArn "arn:aws:iam::*:role/Organization*" singles out that role`},
		"everything but sts to the role": {statement: `{"Effect": "Deny", "NotAction": "sts:*", "Resource": "*",
			"Condition": {"StringEquals": {"aws:PrincipalArn": "arn:aws:iam::123456789012:role/OrganizationAccountAccessRole"}}}`, fires: true,
			phrase: "denies every action to arn:aws:iam::*:role/OrganizationAccountAccessRole"},
		"scoped to the role ignoring case": {statement: `{"Effect": "Deny", "NotAction": "sts:*", "Resource": "*",
			"Condition": {"StringEqualsIgnoreCase": {"aws:PrincipalArn": "arn:aws:iam::123456789012:role/organizationaccountaccessrole"}}}`, fires: true},
		"StringNotEqualsIgnoreCase exempts a literal ARN": {statement: `{"Effect": "Deny", "Action": "*", "Resource": "*",
			"Condition": {"StringNotEqualsIgnoreCase": {"aws:PrincipalArn": "ARN:AWS:IAM::123456789012:ROLE/ORGANIZATIONACCOUNTACCESSROLE"}}}`,
			account: "123456789012"},
		"unknown operator on PrincipalArn": {statement: `{"Effect": "Deny", "Action": "*", "Resource": "*",
			"Condition": {"ArnNotLikeish": {"aws:PrincipalArn": "arn:aws:iam::*:role/OrganizationAccountAccessRole"}}}`, fires: true,
			phrase: "ArnNotLikeish aws:PrincipalArn"},
		"some actions to the role": {statement: `{"Effect": "Deny", "Action": "ec2:*", "Resource": "*",
			"Condition": {"ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::*:role/OrganizationAccountAccessRole"}}}`},
		"resource is the role":             {statement: `{"Effect": "Deny", "Action": "sts:AssumeRole", "Resource": "arn:aws:iam::*:role/OrganizationAccountAccessRole"}`, fires: true},
		"resource pattern covers the role": {statement: `{"Effect": "Deny", "Action": "sts:AssumeRole", "Resource": "arn:aws:iam::*:role/Org*"}`, fires: true},
		"resource is another role":         {statement: `{"Effect": "Deny", "Action": "sts:AssumeRole", "Resource": ["arn:aws:iam::*:role/Other", "arn:aws:s3:::*"]}`},
		"resource in one account":          {statement: `{"Effect": "Deny", "Action": "sts:AssumeRole", "Resource": "arn:aws:iam::111111111111:role/*"}`, fires: true},
		"resource in another account": {statement: `{"Effect": "Deny", "Action": "sts:AssumeRole", "Resource": "arn:aws:iam::111111111111:role/*"}`,
			account: "222222222222"},
		"NotResource covers the role": {statement: `{"Effect": "Deny", "Action": "*", "NotResource": "arn:aws:iam::*:role/*"}`},
		"NotResource elsewhere": {statement: `{"Effect": "Deny", "Action": "*", "NotResource": "arn:aws:s3:::*"}`, fires: true,
			phrase: "NotResource does not exclude the role"},
		"role with a path": {statement: `{"Effect": "Deny", "Action": "sts:*", "Resource": "arn:aws:iam::*:role/org-admin/*"}`,
			role: "/org-admin/Groundwork", fires: true, phrase: "arn:aws:iam::*:role/org-admin/Groundwork"},
		"role with a path, other path": {statement: `{"Effect": "Deny", "Action": "sts:*", "Resource": "arn:aws:iam::*:role/break-glass/*"}`,
			role: "org-admin/Groundwork"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			doc := mustParse(t, scpWith(tt.statement))
			got := DeniesAccess(doc, tt.role, tt.account)
			if !tt.fires {
				if len(got) != 0 {
					t.Errorf("DeniesAccess = %v, want nothing", got)
				}
				return
			}
			if len(got) != 1 {
				t.Fatalf("DeniesAccess = %v, want one problem", got)
			}
			if got[0].Statement != 0 || !strings.HasPrefix(got[0].Message, "statement 0 ") {
				t.Errorf("problem %+v does not name statement 0", got[0])
			}
			if !strings.Contains(got[0].Message, tt.phrase) {
				t.Errorf("message %q does not contain %q", got[0].Message, tt.phrase)
			}
		})
	}
}

func TestDeniesAccessReportsEachStatement(t *testing.T) {
	doc := mustParse(t, scpWith(denyAllStatement,
		`{"Effect": "Deny", "Action": "s3:*", "Resource": "*"}`,
		`{"Sid": "DenySTS", "Effect": "Deny", "Action": "sts:*", "Resource": "*"}`))
	got := DeniesAccess(doc, "", "")
	if len(got) != 2 || got[0].Statement != 0 || got[1].Statement != 2 || got[1].Sid != "DenySTS" {
		t.Errorf("DeniesAccess = %+v, want statements 0 and 2", got)
	}
	if DeniesAccess(nil, "", "") != nil {
		t.Error("DeniesAccess(nil) != nil")
	}
}
