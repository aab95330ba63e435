package identity

import (
	"slices"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/estate"
)

// The import writes a stage role's stages only where the accounts that
// hold it are exactly a stage's; the most common value among a role's
// copies; the maximum session as the spec writes it.
func TestImportAccountModelHelpers(t *testing.T) {
	class := map[estate.AccountKey]string{"p1": estate.EnvProduction, "p2": estate.EnvProduction, "d1": estate.EnvNonProduction, "s": ""}
	for name, c := range map[string]struct {
		held []estate.AccountKey
		want []string
	}{
		"everywhere":       {[]estate.AccountKey{"p1", "p2", "d1", "s"}, nil},
		"production":       {[]estate.AccountKey{"p1", "p2"}, []string{estate.EnvProduction}},
		"non-production":   {[]estate.AccountKey{"d1"}, []string{estate.EnvNonProduction}},
		"both stages":      {[]estate.AccountKey{"p1", "p2", "d1"}, []string{estate.EnvNonProduction, estate.EnvProduction}},
		"part of a stage":  {[]estate.AccountKey{"p1"}, nil},
		"stage and others": {[]estate.AccountKey{"p1", "p2", "s"}, nil},
	} {
		held := map[estate.AccountKey]bool{}
		for _, a := range c.held {
			held[a] = true
		}
		if got := stagesOf(held, class); !slices.Equal(got, c.want) {
			t.Errorf("%s: stages %v, want %v", name, got, c.want)
		}
	}
	id := func(s string) string { return s }
	if got := mostCommon([]string{"a", "b", "b"}, id); got != "b" {
		t.Errorf("mostCommon = %q, want b", got)
	}
	if got := mostCommon([]string{"a", "b"}, id); got != "a" {
		t.Errorf("mostCommon of equals = %q, want the first", got)
	}
	for secs, want := range map[int]string{7200: "2h", 5400: "90m", 43200: "12h"} {
		if got := roleDuration(secs); got != want {
			t.Errorf("roleDuration(%d) = %q, want %q", secs, got, want)
		}
		if back, err := roleSeconds(want); err != nil || int(back) != secs {
			t.Errorf("roleSeconds(%q) = %d, %v; want %d", want, back, err, secs)
		}
	}
}
