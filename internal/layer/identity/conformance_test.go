package identity_test

import (
	"testing"

	"github.com/groundwork-aws/groundwork/internal/kinds/kindstest"
)

// conformanceCases make the conformance cases of the layer's kinds: each
// part of the layer (the Identity Store, permission sets and
// assignments, the Identity-account model) adds its own from its test
// file's init(), so that the parts never edit one list.
var conformanceCases []func(t *testing.T) []kindstest.Case

// Every kind of the identity layer passes the kinds conformance suite.
func TestConformance(t *testing.T) {
	var cases []kindstest.Case
	for _, c := range conformanceCases {
		cases = append(cases, c(t)...)
	}
	kindstest.RunPackage(t, "github.com/groundwork-aws/groundwork/internal/layer/identity", cases)
}
