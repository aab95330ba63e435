package logging

import (
	_ "embed"
	"slices"
	"strings"
)

// configRulesFile lists the identifiers of the AWS managed Config rules:
// PutConfigRule refuses any other SourceIdentifier for an AWS-owned rule,
// so validation refuses it first, before anything is made.
//
//go:embed config_rules.txt
var configRulesFile string

// managedRules are the identifiers of configRulesFile, sorted.
var managedRules = func() []string {
	var out []string
	for _, line := range strings.Split(configRulesFile, "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			out = append(out, line)
		}
	}
	slices.Sort(out)
	return out
}()

// IsManagedRule reports whether id is the identifier of an AWS managed
// Config rule, such as CLOUD_TRAIL_ENABLED.
func IsManagedRule(id string) bool {
	_, found := slices.BinarySearch(managedRules, id)
	return found
}
