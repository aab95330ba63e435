package audit_test

import (
	"testing"

	"github.com/groundwork-aws/groundwork/internal/audit"
	"github.com/groundwork-aws/groundwork/internal/audit/audittest"
	"github.com/groundwork-aws/groundwork/internal/estate"
)

func TestAccountList(t *testing.T) {
	e := estate.New()
	var as []*estate.Account
	for _, n := range []string{"a", "b", "c", "d", "e", "f", "g"} {
		as = append(as, audittest.AddAccount(e, "", n, "", "", ""))
	}
	tests := map[string]struct {
		n    int
		want string
	}{
		"one":  {1, "a"},
		"two":  {2, "a and b"},
		"five": {5, "a, b, c, d and e"},
		"more": {7, "a, b, c, d, e and 2 more"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			if got := audit.AccountList(as[:tt.n]); got != tt.want {
				t.Errorf("AccountList = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestNameList(t *testing.T) {
	tests := map[string]struct {
		in   []string
		want string
	}{
		"none": {nil, ""},
		"one":  {[]string{"a"}, "a"},
		"two":  {[]string{"a", "b"}, "a and b"},
		"five": {[]string{"a", "b", "c", "d", "e"}, "a, b, c, d and e"},
		"more": {[]string{"a", "b", "c", "d", "e", "f", "g"}, "a, b, c, d, e and 2 more"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			if got := audit.NameList(tt.in); got != tt.want {
				t.Errorf("NameList = %q, want %q", got, tt.want)
			}
		})
	}
}
