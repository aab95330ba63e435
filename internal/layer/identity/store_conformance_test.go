package identity_test

import "github.com/groundwork-aws/groundwork/internal/layer/identity"

func init() { conformanceCases = append(conformanceCases, identity.StoreConformanceCases) }
