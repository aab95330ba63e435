package kinds

import (
	"fmt"
	"strings"

	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/estate"
)

// ServiceClients builds the per-account, per-Region clients the logging
// kinds use. w.Account is an AWS account ID here, resolved by Env.
type ServiceClients interface {
	KMS(w estate.Where) KMSAPI
	S3(w estate.Where) S3API
	CloudTrail(w estate.Where) CloudTrailAPI
	Config(w estate.Where) ConfigAPI
	IAM(w estate.Where) IAMAPI
	Logs(w estate.Where) LogsAPI
}

// SessionClients are the real clients: the management account's own
// credentials for it, the access role assumed for members.
type SessionClients struct {
	Session      *awsx.Session
	ManagementID string
}

var _ ServiceClients = SessionClients{}

func (c SessionClients) cfg(w estate.Where) awsx.ConfigFor {
	return awsx.ConfigFor{Session: c.Session, Account: w.Account, Management: c.ManagementID, Region: w.Region}
}

func (c SessionClients) KMS(w estate.Where) KMSAPI               { return c.cfg(w).KMS() }
func (c SessionClients) S3(w estate.Where) S3API                 { return c.cfg(w).S3() }
func (c SessionClients) CloudTrail(w estate.Where) CloudTrailAPI { return c.cfg(w).CloudTrail() }
func (c SessionClients) Config(w estate.Where) ConfigAPI         { return c.cfg(w).ConfigService() }
func (c SessionClients) IAM(w estate.Where) IAMAPI               { return c.cfg(w).IAM() }
func (c SessionClients) Logs(w estate.Where) LogsAPI             { return c.cfg(w).Logs() }

// at resolves a Where's account key to the account ID the clients need.
func (e *Env) at(w estate.Where) (estate.Where, error) {
	id, ok := e.lookup(estate.RefAccountID, w.Account)
	if !ok {
		return w, fmt.Errorf("account %s does not exist yet; it should have been created earlier in this apply", w.Account)
	}
	return estate.Where{Account: id, Region: w.Region}, nil
}

// resolve replaces the references in s with what is known now, failing
// when one is still unknown.
func (e *Env) resolve(s string) (string, error) {
	out, ok := estate.Resolve(s, e.lookup)
	if !ok {
		return out, fmt.Errorf("unresolved reference in %q", shorten(out))
	}
	return out, nil
}

func shorten(s string) string {
	if len(s) > 120 {
		return s[:117] + "..."
	}
	return s
}

// lookup resolves one reference: from what this apply created, then from
// the actual estate the plan was made against.
func (e *Env) lookup(kind, arg string) (string, bool) {
	e.ids.mu.Lock()
	defer e.ids.mu.Unlock()
	switch kind {
	case estate.RefAccountID:
		if arg == estate.ManagementKey && e.ids.management != "" {
			return e.ids.management, true
		}
		if id := e.ids.accounts[arg]; id != "" {
			return id, true
		}
	case estate.RefOrgID:
		if e.ids.org != "" {
			return e.ids.org, true
		}
	case estate.RefKeyARN:
		if arn := e.ids.keys[arg]; arn != "" {
			return arn, true
		}
	}
	if e.actual != nil {
		return e.actual.Lookup(kind, arg)
	}
	return "", false
}

// SeedActual lets references resolve from the actual estate the plan was
// made against.
func (e *Env) SeedActual(actual *estate.Estate) {
	e.ids.mu.Lock()
	defer e.ids.mu.Unlock()
	e.actual = actual
}

func (e *Env) setOrg(orgID, managementID string) {
	e.ids.mu.Lock()
	defer e.ids.mu.Unlock()
	e.ids.org, e.ids.management = orgID, managementID
}

func (e *Env) setKey(ref, arn string) {
	e.ids.mu.Lock()
	defer e.ids.mu.Unlock()
	if e.ids.keys == nil {
		e.ids.keys = map[string]string{}
	}
	e.ids.keys[ref] = arn
}

// resolveActual resolves the references of a desired value with what the
// actual estate knows, for diffing; unresolved references stay.
func resolveActual(s string, actual *estate.Estate) string {
	out, _ := estate.Resolve(s, actual.Lookup)
	return out
}

// unitOf is the OU a change about an account is shown under.
func unitOf(desired *estate.Estate, accountKey string) string {
	if a, ok := desired.Accounts[accountKey]; ok {
		return a.Unit
	}
	return estate.RootPath
}

// whereAddress renders a Where for addresses: "account/region".
func whereAddress(w estate.Where) string {
	return strings.TrimSuffix(w.Account+"/"+w.Region, "/")
}
