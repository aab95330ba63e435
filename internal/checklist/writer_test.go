package checklist

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// lists are the inputs of the golden tests, in Run's order: the text
// writer groups them by state.
var lists = map[string][]Item{
	"empty": nil,
	"mixed": {
		{ID: "CL-001", Title: "Root user password is strong and stored securely", Guidance: "000 Create AWS management account",
			AccountID: "111111111111", AccountName: "management", State: Manual,
			Detail: "verify by hand: a long random password", ConsolePath: "sign in as the root user > Security credentials"},
		{ID: "CL-002", Title: "Hardware MFA on the management account's root user", Guidance: "000 Secure management account root user",
			AccountID: "111111111111", AccountName: "management", State: Todo,
			Detail:      "virtual MFA, guidance wants hardware: arn:aws:iam::111111111111:mfa/root-account-mfa-device is assigned to the root user",
			ConsolePath: "sign in as the root user > Security credentials > Multi-factor authentication (MFA)"},
		{ID: "CL-003", Title: "MFA on the member account's root user", Guidance: "000 Secure member account root users",
			AccountID: "222222222222", AccountName: "payments-prod", State: Done,
			Detail: "root MFA is on", ConsolePath: "root user sign-in > Security credentials"},
		{ID: "CL-007", Title: "Primary contact information of the management account", Guidance: "003 Communication with AWS",
			AccountID: "111111111111", AccountName: "management", State: Unknown,
			Detail: "get contact information: access denied\nsecond line", ConsolePath: "Account > Contact information"},
		{ID: "CL-012", Title: "Identity Center requires MFA", Guidance: "000 Set MFA in IAM Identity Center", State: Manual,
			Detail: "verify by hand: context-aware MFA", ConsolePath: "IAM Identity Center > Settings > Authentication"},
		{ID: "CL-014", Title: "SNS subscriptions of the alarm topics confirmed", Guidance: "001 Other manual tasks",
			AccountID: "111111111111", AccountName: "management", State: Todo,
			Detail: "1 subscription pending confirmation (of 1): email security@example.com (topic alarms)", ConsolePath: "SNS > Subscriptions"},
	},
}

func TestGolden(t *testing.T) {
	for _, format := range Formats() {
		for name, items := range lists {
			t.Run(format+"/"+name, func(t *testing.T) {
				w, err := NewWriter(format)
				if err != nil {
					t.Fatal(err)
				}
				var buf bytes.Buffer
				if err := w.Write(&buf, items); err != nil {
					t.Fatal(err)
				}
				ext := map[string]string{"text": "txt", "json": "json"}[format]
				path := filepath.Join("testdata", name+"."+ext)
				if *update {
					if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
						t.Fatal(err)
					}
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (run go test -update to write it)", err)
				}
				if got := buf.String(); got != string(want) {
					t.Errorf("%s differs from %s:\n%s", format, path, got)
				}
			})
		}
	}
}

func TestTextGroups(t *testing.T) {
	var buf bytes.Buffer
	if err := (Text{}).Write(&buf, lists["mixed"]); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	order := []string{"TODO     CL-002", "TODO     CL-014", "UNKNOWN  CL-007", "MANUAL   CL-001", "MANUAL   CL-012", "DONE     CL-003"}
	last := -1
	for _, s := range order {
		i := strings.Index(out, s)
		if i < last {
			t.Errorf("%q missing or out of order (todo, unknown, manual, done):\n%s", s, out)
		}
		last = i
	}
	for _, want := range []string{
		"CL-003  MFA on the member account's root user: 222222222222 (payments-prod)\n",
		"CL-012  Identity Center requires MFA\n",
		"    console: sign in as the root user > Security credentials > Multi-factor authentication (MFA)\n",
		"    get contact information: access denied\n    second line\n",
		"6 items: 2 todo, 1 unknown, 2 to verify by hand, 1 done\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("text lacks %q:\n%s", want, out)
		}
	}
}

func TestJSONShape(t *testing.T) {
	var buf bytes.Buffer
	if err := (JSON{}).Write(&buf, lists["mixed"]); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Summary map[string]int
		Items   []Item
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Summary["todo"] != 2 || doc.Summary["unknown"] != 1 || doc.Summary["manual"] != 2 || doc.Summary["done"] != 1 {
		t.Errorf("summary = %v", doc.Summary)
	}
	if len(doc.Items) != 6 || doc.Items[1].State != Todo || doc.Items[1].AccountID != "111111111111" || doc.Items[4].AccountID != "" {
		t.Errorf("items did not round-trip in order: %+v", doc.Items)
	}
	if !strings.Contains(buf.String(), `"console_path": "sign in as the root user > Security credentials"`) {
		t.Errorf("JSON escapes or renames the console path:\n%s", buf.String())
	}
}

func TestNewWriter(t *testing.T) {
	for _, f := range []string{"text", "JSON", " json "} {
		if _, err := NewWriter(f); err != nil {
			t.Errorf("NewWriter(%q): %v", f, err)
		}
	}
	if _, err := NewWriter("yaml"); err == nil || !strings.Contains(err.Error(), "json, text") {
		t.Errorf("NewWriter(yaml) = %v, want an error naming the formats", err)
	}
}

func TestStatusText(t *testing.T) {
	for _, s := range Statuses() {
		b, err := s.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var back Status
		if err := back.UnmarshalText(b); err != nil || back != s {
			t.Errorf("%s round-trips to %s, %v", s, back, err)
		}
	}
	if _, err := Status(9).MarshalText(); err == nil {
		t.Errorf("Status(9) marshals")
	}
	var s Status
	if err := s.UnmarshalText([]byte("later")); err == nil {
		t.Errorf("\"later\" unmarshals")
	}
	if Status(0) != Unknown {
		t.Errorf("the zero Status is %s, want unknown", Status(0))
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteErrors(t *testing.T) {
	for _, format := range Formats() {
		w, _ := NewWriter(format)
		if err := w.Write(failingWriter{}, lists["mixed"]); err == nil {
			t.Errorf("%s: the write error was lost", format)
		}
	}
}
