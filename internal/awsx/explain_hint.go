package awsx

import (
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"strings"
	"sync"

	"github.com/groundwork-aws/groundwork/docs"
)

// Explained is an error of a call to AWS with what to do next. Its text
// is the error's own (or, where the SDK's chain would mislead, a short
// statement of the cause) followed by the hint on lines of their own.
type Explained struct {
	Problem
	Err error
	// Summary replaces Err's text when set: a chain that talks about EC2
	// instance metadata on a laptop says nothing the user can act on.
	Summary string
	Hint    string
}

func (e *Explained) Error() string {
	msg := e.Err.Error()
	if e.Summary != "" {
		msg = e.Summary
	}
	if e.Hint == "" {
		return msg
	}
	return msg + "\n  " + strings.ReplaceAll(e.Hint, "\n", "\n  ")
}

func (e *Explained) Unwrap() error { return e.Err }

// Explain returns err with what to do next when Classify recognises it,
// and err itself otherwise (also when it is already explained). profile
// is the shared-config profile groundwork was asked to use, "" for the
// default chain; the hints name it in the commands they suggest.
func Explain(err error, profile string) error {
	var done *Explained
	if err == nil || errors.As(err, &done) {
		return err
	}
	p := Classify(err)
	e := &Explained{Problem: p, Err: err}
	login := "aws sso login"
	if profile != "" {
		login += " --profile " + profile
	}
	where := p.Endpoint
	if where == "" && p.Service != "" {
		where = "the " + p.Service + " endpoint"
	}
	if where == "" {
		where = "the AWS endpoint"
	}
	retried := ""
	switch {
	case p.Attempts > 1:
		retried = fmt.Sprintf(", %d attempts", p.Attempts)
	case p.Retried:
		retried = ", retried"
	}
	switch p.Cause {
	case CauseNoCredentials:
		if p.Profile != "" {
			e.Summary = doing(err) + fmt.Sprintf("the AWS profile %q does not exist", p.Profile)
			e.Hint = fmt.Sprintf("check --profile and AWS_PROFILE, or create the profile: `aws configure --profile %s`, or `aws configure sso --profile %s` for IAM Identity Center", p.Profile, p.Profile)
			break
		}
		e.Summary = doing(err) + "no AWS credentials found"
		e.Hint = "give groundwork the management account's credentials in one of these ways:\n" +
			"- a profile: --profile NAME or AWS_PROFILE=NAME (create one with `aws configure --profile NAME`)\n" +
			"- IAM Identity Center (SSO): `aws configure sso --profile NAME`, then `aws sso login --profile NAME`\n" +
			"- environment variables: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN)"
	case CauseSSOLogin:
		name := profile
		if name == "" {
			name = "default"
		}
		e.Summary = doing(err) + fmt.Sprintf("the IAM Identity Center (SSO) session of profile %s has no cached token, or it has expired", name)
		e.Hint = fmt.Sprintf("run `%s`, then run groundwork again", login)
	case CauseCredentialsRefused:
		e.Hint = fmt.Sprintf("AWS refused the credentials (%s): they have expired, been revoked or are mistyped", p.Code)
		if p.Code == "RequestExpired" || p.Code == "RequestTimeTooSkewed" {
			e.Hint = fmt.Sprintf("AWS refused the request as too old (%s): this machine's clock is off; set it right", p.Code)
			break
		}
		e.Hint += fmt.Sprintf("; renew them: `%s` for IAM Identity Center, new access keys for an IAM user, a new session for assumed-role credentials", login)
	case CauseAccessDenied:
		e.Hint = accessHint(p)
	case CauseThrottled:
		e.Hint = fmt.Sprintf("AWS throttled the calls to %s (%s%s) and groundwork's retries did not get through: "+
			"other tools may be calling the same API in this account; wait a few minutes and run groundwork again, when fewer calls compete", service(p), p.Code, retried)
	case CauseServerError:
		e.Hint = fmt.Sprintf("%s failed with a server error (%s%s): a fault at the endpoint's end, not of the credentials or the spec; "+
			"wait a few minutes and run groundwork again", where, orHTTP5xx(p.Code), retried)
	case CauseUnreachable:
		e.Hint = fmt.Sprintf("cannot reach %s (%s%s): check the network, a proxy (HTTPS_PROXY) and AWS_ENDPOINT_URL if it is set; "+
			"this is not a credentials problem", where, reason(err), retried)
	case CauseTimeout:
		e.Hint = fmt.Sprintf("%s did not answer in time%s: check the network, a proxy (HTTPS_PROXY) and AWS_ENDPOINT_URL if it is set, then run groundwork again", where, paren(retried))
	case CauseConnectionBroken:
		e.Hint = fmt.Sprintf("the connection to %s broke during the call (%s%s): a network or proxy problem, usually brief; run groundwork again", where, reason(err), retried)
	default:
		return err
	}
	return e
}

// doing is the part of err's text before the SDK's own chain: what
// groundwork was doing ("read the organization: describe organization: ").
func doing(err error) string {
	msg := err.Error()
	if i := strings.Index(msg, "operation error "); i >= 0 {
		return msg[:i]
	}
	return ""
}

func service(p Problem) string {
	if p.Operation != "" {
		return p.Service + " " + p.Operation
	}
	if p.Service != "" {
		return p.Service
	}
	return "AWS"
}

func orHTTP5xx(code string) string {
	if code != "" {
		return code
	}
	return "HTTP 5xx"
}

func paren(s string) string {
	if s == "" {
		return ""
	}
	return " (" + strings.TrimPrefix(s, ", ") + ")"
}

// reason names a connection failure in a few words.
func reason(err error) string {
	switch msg := err.Error(); {
	case strings.Contains(msg, "connection refused"):
		return "connection refused"
	case strings.Contains(msg, "no such host"):
		return "unknown host"
	case strings.Contains(msg, "connection reset"):
		return "connection reset"
	case strings.Contains(msg, "no route to host"), strings.Contains(msg, "network is unreachable"):
		return "no route"
	case strings.Contains(msg, "EOF"):
		return "the response was cut short"
	}
	return "no connection"
}

// accessHint names the action refused and the statement of
// docs/permissions.json that grants it.
func accessHint(p Problem) string {
	action := p.Action
	if action == "" {
		return fmt.Sprintf("the credentials may not call %s: compare their policy with docs/permissions.json", service(p))
	}
	sids := StatementsGranting(action)
	if action == "sts:AssumeRole" {
		return "groundwork could not enter a member account through its access role (organization.access_role): " +
			"the management account needs statement " + strings.Join(sids, ", ") + " of docs/permissions.json, and the role must exist in the account " +
			"and trust the management account (accounts invited into the organization need it created by hand)"
	}
	if len(sids) == 0 {
		return fmt.Sprintf("the credentials may not call %s; docs/permissions.json does not list it, so groundwork calls it in a member account "+
			"through the access role (organization.access_role), whose policy must allow it", action)
	}
	return fmt.Sprintf("the credentials may not call %s: docs/permissions.json grants it in statement %s; "+
		"add that statement to the policy of the role or user groundwork runs as", action, strings.Join(sids, ", "))
}

// statement is one statement of docs/permissions.json; Action is a string
// or a list, as IAM allows.
type statement struct {
	Sid    string
	Action json.RawMessage
}

var permissions = sync.OnceValue(func() []statement {
	var doc struct{ Statement []statement }
	// The file is embedded and its parse tested (TestPermissionsParse):
	// an error leaves the hints without statements, never the run.
	_ = json.Unmarshal(docs.Permissions, &doc)
	return doc.Statement
})

// StatementsGranting returns the Sids of the statements of
// docs/permissions.json whose Action matches action (IAM's wildcards,
// case-insensitively), in the file's order.
func StatementsGranting(action string) []string {
	var sids []string
	for _, s := range permissions() {
		var list []string
		if err := json.Unmarshal(s.Action, &list); err != nil {
			var one string
			if json.Unmarshal(s.Action, &one) != nil {
				continue
			}
			list = []string{one}
		}
		for _, a := range list {
			if ok, _ := path.Match(strings.ToLower(a), strings.ToLower(action)); ok {
				sids = append(sids, s.Sid)
				break
			}
		}
	}
	return sids
}
