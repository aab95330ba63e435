package identity

import (
	"context"
	"sync"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/inventory"
)

// AccountReadAPI lets the external tests' fakes serve the model's read.
type AccountReadAPI = accountReadAPI

type accountReadFunc func(w estate.Location) AccountReadAPI

func (f accountReadFunc) IAM(w estate.Location) accountReadAPI { return f(w) }

// ReadAccountModel runs the Identity-account model's read with the clients
// iamAt gives, as the layer's read part does.
func ReadAccountModel(ctx context.Context, iamAt func(w estate.Location) AccountReadAPI, want *estate.IdentityAccount, actual *estate.Estate, opts inventory.Options) error {
	if actual.Identity == nil {
		actual.Identity = &estate.Identity{}
	}
	return readAccountModel(ctx, accountReadFunc(iamAt), want, actual, opts, &sync.Mutex{})
}

// ReadCrossAccountRoles runs the cross-account roles' read with the
// clients iamAt gives.
func ReadCrossAccountRoles(ctx context.Context, iamAt func(w estate.Location) AccountReadAPI, actual *estate.Estate, opts inventory.Options) error {
	if actual.Identity == nil {
		actual.Identity = &estate.Identity{}
	}
	return readCrossAccountRoles(ctx, accountReadFunc(iamAt), actual, opts, &sync.Mutex{})
}

// DetectAccountModel finds the model in the cross-account roles read.
var DetectAccountModel = detectAccountModel
