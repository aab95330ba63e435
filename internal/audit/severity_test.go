package audit

import (
	"encoding/json"
	"testing"
)

func TestParseSeverity(t *testing.T) {
	tests := map[string]struct {
		in      string
		want    Severity
		wantErr bool
	}{
		"info":         {in: "info", want: Info},
		"upper":        {in: "HIGH", want: High},
		"spaces":       {in: " critical ", want: Critical},
		"unknown":      {in: "severe", wantErr: true},
		"empty string": {in: "", wantErr: true},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := ParseSeverity(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if err == nil && got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestSeverityJSON(t *testing.T) {
	for _, s := range Severities() {
		b, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if want := `"` + s.String() + `"`; string(b) != want {
			t.Errorf("marshal %d = %s, want %s", int(s), b, want)
		}
		var back Severity
		if err := json.Unmarshal(b, &back); err != nil || back != s {
			t.Errorf("round trip of %s = %v, %v", b, back, err)
		}
	}
	if _, err := json.Marshal(Severity(9)); err == nil {
		t.Error("marshal of an invalid severity succeeded")
	}
	if got := Severity(9).String(); got != "severity(9)" {
		t.Errorf("String of invalid severity = %q", got)
	}
}
