package policy

import (
	"fmt"
	"strings"
	"testing"
)

// scpWith builds an SCP whose statements are given as JSON objects.
func scpWith(statements ...string) string {
	return `{"Version": "2012-10-17", "Statement": [` + strings.Join(statements, ",") + `]}`
}

const denyAllStatement = `{"Sid": "DenyAll", "Effect": "Deny", "Action": "*", "Resource": "*"}`

func TestLintAcceptsValidDocuments(t *testing.T) {
	tests := map[string]struct {
		src  string
		kind Kind
	}{
		"deny statement":               {scpWith(`{"Sid": "DenyLeave", "Effect": "Deny", "Action": "organizations:LeaveOrganization", "Resource": "*"}`), SCP},
		"statement as a single object": {`{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": ["s3:*"], "Resource": ["*"]}}`, SCP},
		"Id allowed":                   {`{"Version": "2012-10-17", "Id": "x", "Statement": [` + denyAllStatement + `]}`, SCP},
		// Since September 2025 SCPs accept the full IAM language.
		"allow with NotResource and Condition": {scpWith(`{"Effect": "Allow", "Action": "ec2:*", "NotResource": "arn:aws:ec2:*:*:instance/*", "Condition": {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}}`), SCP},
		"allow with NotAction":                 {scpWith(`{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}`), SCP},
		"wildcards inside an action":           {scpWith(`{"Effect": "Deny", "Action": ["ec2:*Instance?", "s3:Get*Acl"], "Resource": "*"}`), SCP},
		"condition operator variants": {scpWith(`{"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {
			"ForAnyValue:StringLikeIfExists": {"aws:TagKeys": ["a*"]},
			"ForAllValues:StringEquals": {"aws:TagKeys": "b"},
			"NumericLessThan": {"s3:max-keys": 10},
			"Bool": {"aws:SecureTransport": false},
			"Null": {"aws:RequestTag/Owner": "true"},
			"ArnNotLikeIfExists": {"aws:PrincipalArn": "arn:aws:iam::*:role/X"}}}`), SCP},
		"policy variable in a resource": {scpWith(`{"Effect": "Deny", "Action": "s3:*", "Resource": "arn:aws:s3:::bucket/${aws:username}/*"}`), SCP},
		"identity 2008 version":         {`{"Version": "2008-10-17", "Statement": [` + denyAllStatement + `]}`, Identity},
		"resource policy principal":     {scpWith(`{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}`), Identity},
		"tag policy":                    {`{"tags": {"costcenter": {"tag_key": {"@@assign": "CostCenter"}, "tag_value": {"@@assign": ["100", "200"]}, "enforced_for": {"@@assign": ["secretsmanager:*"]}}}}`, TagPolicy},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			if problems := Lint("p.json", []byte(tt.src), tt.kind); len(problems) != 0 {
				t.Errorf("Lint = %v, want none", problems)
			}
		})
	}
}

func TestLintReportsEachKindOfError(t *testing.T) {
	tests := map[string]struct {
		src    string
		kind   Kind // SCP when zero
		stmt   int
		field  string
		phrase string
	}{
		"invalid JSON":         {src: "{\"Version\": \"2012-10-17\",\n  \"Statement\": [}", stmt: -1, phrase: "invalid JSON at line 2, column 17"},
		"trailing object":      {src: scpWith(denyAllStatement) + ` {"Statement": []}`, stmt: -1, phrase: "invalid JSON at line 1, column"},
		"empty input":          {src: "", stmt: -1, phrase: "invalid JSON at line 1, column 1"},
		"not an object":        {src: `["Statement"]`, stmt: -1, phrase: "must be a JSON object"},
		"unknown top key":      {src: `{"Version": "2012-10-17", "Statement": [` + denyAllStatement + `], "Extra": 1}`, stmt: -1, field: "Extra", phrase: "unknown top-level key"},
		"top key case":         {src: `{"Version": "2012-10-17", "statement": [` + denyAllStatement + `]}`, stmt: -1, field: "statement", phrase: `did you mean "Statement"`},
		"missing version":      {src: `{"Statement": [` + denyAllStatement + `]}`, stmt: -1, field: "Version", phrase: `missing; use "2012-10-17"`},
		"wrong version":        {src: `{"Version": "2012-10-18", "Statement": [` + denyAllStatement + `]}`, stmt: -1, field: "Version", phrase: "not a policy language version"},
		"old version in SCP":   {src: `{"Version": "2008-10-17", "Statement": [` + denyAllStatement + `]}`, stmt: -1, field: "Version", phrase: `use "2012-10-17"`},
		"version not string":   {src: `{"Version": 2012, "Statement": [` + denyAllStatement + `]}`, stmt: -1, field: "Version", phrase: "must be a string"},
		"missing statement":    {src: `{"Version": "2012-10-17"}`, stmt: -1, field: "Statement", phrase: "missing"},
		"empty statement":      {src: `{"Version": "2012-10-17", "Statement": []}`, stmt: -1, field: "Statement", phrase: "empty"},
		"statement a string":   {src: `{"Version": "2012-10-17", "Statement": "Deny"}`, stmt: -1, field: "Statement", phrase: "must be a statement object"},
		"statement not object": {src: scpWith(denyAllStatement, `"Deny"`), stmt: 1, phrase: "a statement must be a JSON object"},
		"unknown statement key": {src: scpWith(`{"Effect": "Deny", "Actions": "*", "Action": "*", "Resource": "*"}`),
			stmt: 0, field: "Actions", phrase: "unknown statement key"},
		"statement key case": {src: scpWith(`{"Effect": "Deny", "action": "*", "Resource": "*"}`), stmt: 0, field: "action", phrase: `did you mean "Action"`},
		"missing effect":     {src: scpWith(`{"Sid": "X", "Action": "*", "Resource": "*"}`), stmt: 0, field: "Effect", phrase: "missing; use Allow or Deny"},
		"bad effect":         {src: scpWith(denyAllStatement, `{"Sid": "Lower", "Effect": "deny", "Action": "*", "Resource": "*"}`), stmt: 1, field: "Effect", phrase: `"deny" is not an effect`},
		"effect not string":  {src: scpWith(`{"Effect": true, "Action": "*", "Resource": "*"}`), stmt: 0, field: "Effect", phrase: "must be a string"},
		"action and notaction": {src: scpWith(`{"Effect": "Deny", "Action": "s3:*", "NotAction": "iam:*", "Resource": "*"}`),
			stmt: 0, field: "NotAction", phrase: "Action or NotAction, not both"},
		"no action": {src: scpWith(`{"Effect": "Deny", "Resource": "*"}`), stmt: 0, field: "Action", phrase: "needs Action or NotAction"},
		"resource and notresource": {src: scpWith(`{"Effect": "Deny", "Action": "*", "Resource": "*", "NotResource": "arn:aws:s3:::b"}`),
			stmt: 0, field: "NotResource", phrase: "Resource or NotResource, not both"},
		"no resource":        {src: scpWith(`{"Effect": "Deny", "Action": "*"}`), stmt: 0, field: "Resource", phrase: "needs Resource or NotResource"},
		"action format":      {src: scpWith(denyAllStatement, `{"Sid": "DenyX", "Effect": "Deny", "Action": ["s3:GetObject", "s3GetObject"], "Resource": "*"}`), stmt: 1, field: "Action", phrase: `"s3GetObject" is not an action`},
		"action with space":  {src: scpWith(`{"Effect": "Deny", "NotAction": "s3: GetObject", "Resource": "*"}`), stmt: 0, field: "NotAction", phrase: "is not an action"},
		"service wildcard":   {src: scpWith(`{"Effect": "Deny", "Action": "*:Get*", "Resource": "*"}`), stmt: 0, field: "Action", phrase: "wildcard in the service prefix"},
		"action a number":    {src: scpWith(`{"Effect": "Deny", "Action": 5, "Resource": "*"}`), stmt: 0, field: "Action", phrase: "must be a string or a list of strings"},
		"action list number": {src: scpWith(`{"Effect": "Deny", "Action": ["s3:*", 5], "Resource": "*"}`), stmt: 0, field: "Action", phrase: "must be a string or a list of strings"},
		"empty action list":  {src: scpWith(`{"Effect": "Deny", "Action": [], "Resource": "*"}`), stmt: 0, field: "Action", phrase: "empty list"},
		"resource not ARN":   {src: scpWith(`{"Effect": "Deny", "Action": "s3:*", "Resource": "my-bucket"}`), stmt: 0, field: "Resource", phrase: `"my-bucket" is not a resource`},
		"short ARN":          {src: scpWith(`{"Effect": "Deny", "Action": "iam:*", "Resource": "arn:aws:iam::*"}`), stmt: 0, field: "Resource", phrase: "fewer than the six"},
		"duplicate sid": {src: scpWith(`{"Sid": "A", "Effect": "Deny", "Action": "s3:*", "Resource": "*"}`, `{"Sid": "A", "Effect": "Deny", "Action": "ec2:*", "Resource": "*"}`),
			stmt: 1, field: "Sid", phrase: `duplicate Sid "A": statement 0 has it too`},
		"sid charset":  {src: scpWith(`{"Sid": "Deny-X", "Effect": "Deny", "Action": "*", "Resource": "*"}`), stmt: 0, field: "Sid", phrase: "only A-Z, a-z and 0-9"},
		"sid empty":    {src: scpWith(`{"Sid": "", "Effect": "Deny", "Action": "*", "Resource": "*"}`), stmt: 0, field: "Sid", phrase: "only A-Z, a-z and 0-9"},
		"sid not text": {src: scpWith(`{"Sid": 1, "Effect": "Deny", "Action": "*", "Resource": "*"}`), stmt: 0, field: "Sid", phrase: "must be a string"},
		"unknown operator": {src: scpWith(`{"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"StringEqual": {"aws:RequestedRegion": "eu-west-1"}}}`),
			stmt: 0, field: "Condition", phrase: `unknown condition operator "StringEqual"`},
		"operator case": {src: scpWith(`{"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"ForAnyValue:stringequalsIfExists": {"aws:TagKeys": "x"}}}`),
			stmt: 0, field: "Condition", phrase: `did you mean "ForAnyValue:StringEqualsIfExists"`},
		"bad set prefix": {src: scpWith(`{"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"ForSomeValues:StringEquals": {"aws:TagKeys": "x"}}}`),
			stmt: 0, field: "Condition", phrase: "unknown condition operator"},
		"null if exists": {src: scpWith(`{"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"NullIfExists": {"aws:TagKeys": "true"}}}`),
			stmt: 0, field: "Condition", phrase: "Null takes no IfExists"},
		"bool value": {src: scpWith(`{"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "yes"}}}`),
			stmt: 0, field: "Condition", phrase: `"yes" is not true or false`},
		"numeric value": {src: scpWith(`{"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"NumericLessThan": {"s3:max-keys": "ten"}}}`),
			stmt: 0, field: "Condition", phrase: `"ten" is not a number`},
		"condition key": {src: scpWith(`{"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"StringEquals": {"RequestedRegion": "eu-west-1"}}}`),
			stmt: 0, field: "Condition", phrase: "is not a condition key"},
		"condition no values": {src: scpWith(`{"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"StringEquals": {"aws:RequestedRegion": []}}}`),
			stmt: 0, field: "Condition", phrase: "has no values"},
		"condition not object": {src: scpWith(`{"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": ["StringEquals"]}`),
			stmt: 0, field: "Condition", phrase: "must be an object"},
		"condition value object": {src: scpWith(`{"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"StringEquals": {"aws:RequestedRegion": {"a": 1}}}}`),
			stmt: 0, field: "Condition", phrase: "must be a string, boolean or number"},
		"principal in SCP": {src: scpWith(`{"Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*"}`),
			stmt: 0, field: "Principal", phrase: "not supported in SCPs"},
		"notprincipal in SCP": {src: scpWith(`{"Effect": "Deny", "NotPrincipal": {"AWS": "arn:aws:iam::1:root"}, "Action": "*", "Resource": "*"}`),
			stmt: 0, field: "NotPrincipal", phrase: "not supported in SCPs"},
		"notprincipal with allow": {src: scpWith(`{"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::1:root"}, "Action": "*", "Resource": "*"}`),
			kind: Identity, stmt: 0, field: "NotPrincipal", phrase: "only with Effect Deny"},
		"principal and notprincipal": {src: scpWith(`{"Effect": "Deny", "Principal": "*", "NotPrincipal": "*", "Action": "*", "Resource": "*"}`),
			kind: Identity, stmt: 0, field: "NotPrincipal", phrase: "not both"},
		"duplicate key in statement": {src: scpWith(denyAllStatement, `{"Sid": "Twice", "Effect": "Allow", "Effect": "Deny", "Action": "*", "Resource": "*"}`),
			stmt: 1, field: "Effect", phrase: `key "Effect" appears more than once`},
		"duplicate Statement key": {src: `{"Version": "2012-10-17", "Statement": [` + denyAllStatement + `], "Statement": [` + denyAllStatement + `]}`,
			stmt: -1, field: "Statement", phrase: "appears more than once"},
		"duplicate key in condition": {src: scpWith(`{"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"StringEquals": {"aws:RequestedRegion": "a", "aws:RequestedRegion": "b"}}}`),
			stmt: 0, field: "Condition.StringEquals.aws:RequestedRegion", phrase: "appears more than once"},
		"too big": {src: scpWith(`{"Effect": "Deny", "Action": "*", "Resource": [` + strings.Repeat(`"arn:aws:s3:::a-bucket-with-a-long-name/*",`, 300) + `"*"]}`),
			stmt: -1, phrase: "an SCP may have at most 5,120"},
		"unknown kind": {src: scpWith(denyAllStatement), kind: Kind(42), stmt: -1, phrase: "unknown policy kind"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			kind := tt.kind
			if kind == 0 {
				kind = SCP
			}
			problems := Lint("policies/p.json", []byte(tt.src), kind)
			for _, p := range problems {
				if p.Statement == tt.stmt && p.Field == tt.field && strings.Contains(p.Message, tt.phrase) {
					if p.File != "policies/p.json" {
						t.Errorf("File = %q, want policies/p.json", p.File)
					}
					return
				}
			}
			t.Errorf("no problem at statement %d, field %q, containing %q; got:\n%s", tt.stmt, tt.field, tt.phrase, list(problems))
		})
	}
}

func list(problems []Problem) string {
	var b strings.Builder
	for _, p := range problems {
		fmt.Fprintf(&b, "  %d %q %s\n", p.Statement, p.Field, p.Error())
	}
	return b.String()
}

func TestLintReportsEveryProblem(t *testing.T) {
	src := scpWith(
		`{"Sid": "A", "Effect": "deny", "Action": "s3GetObject", "Resource": "bucket"}`,
		`{"Sid": "A", "Effect": "Deny", "Action": "*", "Principal": "*"}`,
	)
	problems := Lint("p.json", []byte(src), SCP)
	want := []string{
		`statement 0 (Sid "A"): Effect: "deny" is not an effect`,
		`statement 0 (Sid "A"): Action: "s3GetObject" is not an action`,
		`statement 0 (Sid "A"): Resource: "bucket" is not a resource`,
		`statement 1 (Sid "A"): Resource: missing`,
		`statement 1 (Sid "A"): Principal: not supported in SCPs`,
		`statement 1 (Sid "A"): Sid: duplicate Sid "A"`,
	}
	got := list(problems)
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("missing %q in:\n%s", w, got)
		}
	}
	if len(problems) != len(want) {
		t.Errorf("got %d problems, want %d:\n%s", len(problems), len(want), got)
	}
}

func TestLintIsDeterministic(t *testing.T) {
	src := []byte(scpWith(`{"Effect": "x", "Zed": 1, "Alpha": 2, "Condition": {"B": {"k": "v"}, "A": {"k": "v"}}}`))
	first := list(Lint("p.json", src, SCP))
	for range 20 {
		if got := list(Lint("p.json", src, SCP)); got != first {
			t.Fatalf("order changed:\n%s\nthen\n%s", first, got)
		}
	}
}

func TestProblemError(t *testing.T) {
	tests := map[string]struct {
		p    Problem
		want string
	}{
		"full":           {Problem{File: "policies/deny-x.json", Statement: 2, Sid: "DenyX", Field: "Action", Message: "bad"}, `policies/deny-x.json: statement 2 (Sid "DenyX"): Action: bad`},
		"no sid":         {Problem{File: "f.json", Statement: 0, Field: "Effect", Message: "bad"}, `f.json: statement 0: Effect: bad`},
		"document level": {Problem{File: "f.json", Statement: -1, Field: "Version", Message: "bad"}, `f.json: Version: bad`},
		"no file":        {Problem{Statement: -1, Message: "bad"}, `bad`},
		"message names its statement": {Problem{File: "f.json", Statement: 0, Sid: "DenyAll", Message: `statement 0 (Sid "DenyAll") denies it`},
			`f.json: statement 0 (Sid "DenyAll") denies it`},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			if got := tt.p.Error(); got != tt.want {
				t.Errorf("Error() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestKind(t *testing.T) {
	if SCP.MaxSize() != 5120 || TagPolicy.MaxSize() != 10000 || Identity.MaxSize() != 0 {
		t.Errorf("MaxSize = %d, %d, %d", SCP.MaxSize(), TagPolicy.MaxSize(), Identity.MaxSize())
	}
	if SCP.String() != "SCP" || Kind(9).String() != "Kind(9)" {
		t.Errorf("String = %q, %q", SCP.String(), Kind(9).String())
	}
}
