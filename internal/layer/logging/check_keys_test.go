package logging

import (
	"testing"

	"github.com/groundwork-aws/groundwork/internal/audit/audittest"
	"github.com/groundwork-aws/groundwork/internal/estate"
)

// unnamed adds a key groundwork made for the CloudTrail key's alias, in its
// place, that no alias names.
func unnamed(state string) func(e *estate.Estate) {
	return func(e *estate.Estate) {
		for _, k := range e.Logging.Keys {
			if k.Alias == ctKeyAlias {
				e.Logging.UnnamedKeys = append(e.Logging.UnnamedKeys, &estate.Key{Where: k.Where, Alias: ctKeyAlias,
					ID: "k-orphan", ARN: "arn:aws:kms:" + k.Region + ":222222222222:key/k-orphan", State: state})
			}
		}
	}
}

func TestUnnamedKeyCheck(t *testing.T) {
	audittest.RunCases(t, logged, map[string]audittest.Case{
		"015 passes": {Check: "GW-LOG-015"},
		"015 a key left without its alias": {
			Check: "GW-LOG-015", Edit: unnamed("Enabled"),
			Want: []string{"key/k-orphan (security-tooling eu-west-1)"}, Msg: "made by groundwork for " + ctKeyAlias,
		},
		"015 a key already scheduled for deletion is not reported": {Check: "GW-LOG-015", Edit: unnamed("PendingDeletion")},
	})
}
