package policy

import (
	"errors"
	"strings"
	"testing"
)

func TestSizeCountsWhatAWSStores(t *testing.T) {
	tests := map[string]struct {
		src  string
		want int
	}{
		"whitespace outside strings is not counted": {"{\n\t\"a\" :  \"b\" ,\r\n \"c\": [ 1 , 2 ]\n}\n", len(`{"a":"b","c":[1,2]}`)},
		"whitespace inside strings is counted":      {`{ "a": "x  y\tz" }`, len(`{"a":"x  y\tz"}`)},
		"escapes count as written":                  {`{"a": "\u003c\n"}`, len(`{"a":"\u003c\n"}`)},
		"already minified":                          {`{"a":"b"}`, 9},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := Size([]byte(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("Size = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestMinify(t *testing.T) {
	got, err := Minify([]byte("{\n  \"Statement\": [ { \"Sid\": \"A B\" } ]\n}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"Statement":[{"Sid":"A B"}]}`; string(got) != want {
		t.Errorf("Minify = %s, want %s", got, want)
	}
	_, err = Minify([]byte("{\n  \"a\": tru }"))
	var se *SyntaxError
	if !errors.As(err, &se) || se.Line != 2 || se.Column != 11 {
		t.Errorf("Minify error = %v, want a *SyntaxError at 2:11", err)
	}
}

func TestSizeLimitIsCheckedOnTheMinifiedForm(t *testing.T) {
	// A statement padded with whitespace far beyond the limit is fine as
	// long as its minified form fits.
	resources := `"arn:aws:s3:::bucket-number-0000/*"`
	for len(resources) < MaxSCPSize-200 {
		resources += `, "arn:aws:s3:::bucket-number-0000/*"`
	}
	fits := "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Deny\", \"Action\": \"s3:*\", \"Resource\": [" +
		resources + "]}]}"
	padded := strings.ReplaceAll(fits, ", ", ",\n                    ")
	if len(padded) <= MaxSCPSize {
		t.Fatalf("test document is only %d bytes", len(padded))
	}
	for _, p := range Lint("p.json", []byte(padded), SCP) {
		if strings.Contains(p.Message, "at most") {
			t.Errorf("padded document of %d bytes rejected: %v", len(padded), p)
		}
	}
	over := strings.Replace(fits, "]}]}", `, "arn:aws:s3:::`+strings.Repeat("x", 600)+`"]}]}`, 1)
	n, _ := Size([]byte(over))
	if n <= MaxSCPSize {
		t.Fatalf("test document is only %d characters", n)
	}
	found := false
	for _, p := range Lint("p.json", []byte(over), SCP) {
		found = found || (p.Statement == -1 && strings.Contains(p.Message, thousands(n)+" characters"))
	}
	if !found {
		t.Errorf("document of %d characters not reported as too big", n)
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 10240: "10,240", 1234567: "1,234,567", -5120: "-5,120"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}
