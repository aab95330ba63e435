package spec_test

import (
	"fmt"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/spec"
)

func TestZZProbe2(t *testing.T) {
	src := `version: 1
organization: {id: primary, email_domain: example.com, home_region: us-east-1}
units: {Security: {}}
accounts:
  log-archive: {unit: Security, role: log-archive, tags: {Environment: Prod, AWS:Foo: bar}}
`
	f, err := spec.Parse("f", []byte(src))
	fmt.Println(err)
	if f != nil {
		fmt.Printf("%#v\n", f.Accounts["log-archive"].Tags)
	}
}
