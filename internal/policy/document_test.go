package policy

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestParseAcceptsIAMShorthand(t *testing.T) {
	src := `{
		"Version": "2012-10-17",
		"Statement": {
			"Sid": "One",
			"Effect": "Deny",
			"Action": "s3:*",
			"NotResource": ["arn:aws:s3:::a", "arn:aws:s3:::b"],
			"Principal": {"AWS": "*"},
			"Condition": {
				"Bool": {"aws:SecureTransport": false},
				"NumericGreaterThan": {"s3:max-keys": [10, 2.5]},
				"StringEquals": {"aws:RequestedRegion": "eu-west-1"}
			}
		}
	}`
	doc, err := Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := &Document{Version: "2012-10-17", Statements: []Statement{{
		Sid: "One", Effect: "Deny",
		Action:      []string{"s3:*"},
		NotResource: []string{"arn:aws:s3:::a", "arn:aws:s3:::b"},
		Principal:   json.RawMessage(`{"AWS": "*"}`),
		Condition: map[string]map[string][]string{
			"Bool":               {"aws:SecureTransport": {"false"}},
			"NumericGreaterThan": {"s3:max-keys": {"10", "2.5"}},
			"StringEquals":       {"aws:RequestedRegion": {"eu-west-1"}},
		},
	}}}
	if !reflect.DeepEqual(doc, want) {
		t.Errorf("Parse =\n%#v\nwant\n%#v", doc, want)
	}
}

func TestParseStatementList(t *testing.T) {
	doc, err := Parse([]byte(scpWith(denyAllStatement, `{"Effect": "Allow", "NotAction": ["iam:*", "sts:*"], "Resource": "*"}`)))
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Statements) != 2 || doc.Statements[1].NotAction[1] != "sts:*" || doc.Statements[1].Action != nil {
		t.Errorf("Parse = %+v", doc)
	}
}

func TestParseRejectsWhatItCannotRepresent(t *testing.T) {
	tests := map[string]struct {
		src  string
		want []string
	}{
		"syntax":       {"{\n  \"Version\": }", []string{"line 2, column 14"}},
		"end of input": {"{\n  \"Version\": ", []string{"line 2, column 14", "unexpected end of JSON input"}},
		"not object":   {`"policy"`, []string{"must be a JSON object"}},
		"null":         {`null`, []string{"must be a JSON object"}},
		"every bad field": {scpWith(`{"Effect": 1, "Action": 2, "Condition": {"Bool": 3}}`),
			[]string{"Effect: must be a string", "Action: must be a string or a list", "Condition: Bool must map condition keys"}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := Parse([]byte(tt.src))
			if err == nil {
				t.Fatal("Parse succeeded")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
	_, err := Parse([]byte("{\"a\": [1,,2]}"))
	var se *SyntaxError
	if !errors.As(err, &se) || se.Line != 1 || se.Column != 10 {
		t.Errorf("Parse error = %v, want a *SyntaxError at 1:10", err)
	}
}

func TestSyntaxErrorColumnCountsCharacters(t *testing.T) {
	// "é" is two bytes but one column.
	_, err := Parse([]byte(`{"Sid": "é", x}`))
	var se *SyntaxError
	if !errors.As(err, &se) || se.Line != 1 || se.Column != 14 {
		t.Errorf("Parse error = %v, want a *SyntaxError at 1:14", err)
	}
}

func TestMarshalRoundTrip(t *testing.T) {
	src := scpWith(
		`{"Sid": "A", "Effect": "Deny", "Action": ["s3:*"], "Resource": "*", "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["a", "b"]}}}`,
		`{"Effect": "Allow", "NotAction": ["iam:*", "sts:*"], "NotResource": "arn:aws:s3:::<b&c>"}`,
	)
	doc, err := Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	out, err := doc.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	want := `{"Version":"2012-10-17","Statement":[` +
		`{"Sid":"A","Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":["a","b"]}}},` +
		`{"Effect":"Allow","NotAction":["iam:*","sts:*"],"NotResource":"arn:aws:s3:::<b&c>"}]}`
	if string(out) != want {
		t.Errorf("MarshalJSON =\n%s\nwant\n%s", out, want)
	}
	again, err := Parse(out)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(again, doc) {
		t.Errorf("round trip changed the document:\n%+v\n%+v", doc, again)
	}
}
