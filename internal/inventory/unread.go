package inventory

import (
	"bytes"
	"cmp"
	"encoding/xml"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/aws/smithy-go"
)

// Unread is a part of the estate that could not be read: what, where, and
// why. The audit turns each into checks that are "not evaluated" there,
// instead of checks that pass because they saw nothing.
type Unread struct {
	// Read names what was not read: a layer ("hardening") or a part of one
	// ("organization/contacts"), as checks name what they read (see
	// Covers).
	Read string
	// Account is the ID of the account the part is in; "" when the read
	// failed as a whole, for every account it covers.
	Account string
	// Region is the Region the part is in; "" for every Region (or a
	// global read).
	Region string
	// Code is the AWS error code ("AccessDenied"); "" when the failure
	// carries none (a network error, a timeout).
	Code string
	// Operation is the call that failed, "IAM GetAccountSummary"; "" when
	// unknown.
	Operation string
	// Message is what AWS said ("User: ... is not authorized to perform:
	// iam:GetAccountSummary"), or the whole error when AWS said nothing.
	Message string
}

// Covers reports whether the part u names takes in what read names, or
// the other way round: "hardening" covers "hardening/roots" and
// "hardening/roots" covers "hardening"; "organization/contacts" does not
// cover "organization/policies".
func (u Unread) Covers(read string) bool {
	return u.Read == read || strings.HasPrefix(u.Read, read+"/") || strings.HasPrefix(read, u.Read+"/")
}

// At reports whether u is at the account (ID) and Region given: an Unread
// of every account or every Region is at each of them, and "" given asks
// whether anything of u is there.
func (u Unread) At(account, region string) bool {
	return (u.Account == "" || account == "" || u.Account == account) &&
		(u.Region == "" || region == "" || u.Region == region)
}

// Place says where u is, for messages: "every account", "account
// 111111111111", "account 111111111111 in eu-west-1", "eu-west-1 of every
// account".
func (u Unread) Place() string {
	switch {
	case u.Account == "" && u.Region == "":
		return "every account"
	case u.Account == "":
		return u.Region + " of every account"
	case u.Region == "":
		return "account " + u.Account
	}
	return "account " + u.Account + " in " + u.Region
}

// Cause says why u was not read, in one line: "AccessDenied on IAM
// GetAccountSummary: User: ... is not authorized to perform:
// iam:GetAccountSummary".
func (u Unread) Cause() string {
	var head string
	switch {
	case u.Code != "" && u.Operation != "":
		head = u.Code + " on " + u.Operation
	case u.Code != "":
		head = u.Code
	case u.Operation != "":
		head = u.Operation + " failed"
	}
	if head == "" {
		return u.Message
	}
	if u.Message == "" {
		return head
	}
	return head + ": " + u.Message
}

// String is "hardening (every account): AccessDenied on ...".
func (u Unread) String() string {
	return fmt.Sprintf("%s (%s): %s", u.Read, u.Place(), u.Cause())
}

// NotReadError is the error a reader passes to Reader.Warn for a part it
// could not read: Warn's receiver records it (see UnreadLog) as well as
// saying it.
type NotReadError struct {
	// Read, Account and Region are as in Unread; Read may be left empty
	// for the framework to fill with the layer's name.
	Read, Account, Region string
	Err                   error
}

func (e *NotReadError) Error() string {
	what := cmp.Or(e.Read, "a part of the estate")
	if !strings.Contains(what, "/") && e.Read != "" {
		what += " layer"
	}
	if e.Account != "" || e.Region != "" {
		what += " (" + Unread{Account: e.Account, Region: e.Region}.Place() + ")"
	}
	return what + " not read, its checks are not evaluated: " + e.Err.Error()
}

func (e *NotReadError) Unwrap() error { return e.Err }

// NotRead returns err as a NotReadError of read at account (ID) and
// region, either of which may be "" for all.
func NotRead(read, account, region string, err error) error {
	return &NotReadError{Read: read, Account: account, Region: region, Err: err}
}

// InLayer makes err a NotReadError of the layer name: an err that is one
// already gets the layer's name in front of its Read ("contacts" becomes
// "organization/contacts") unless it starts with it; any other error is a
// failure of the whole layer.
func InLayer(name string, err error) error {
	var nr *NotReadError
	if !errors.As(err, &nr) {
		return &NotReadError{Read: name, Err: err}
	}
	if nr.Read == name || strings.HasPrefix(nr.Read, name+"/") {
		return err
	}
	c := *nr
	c.Read = strings.Trim(name+"/"+nr.Read, "/")
	return &c
}

// UnreadOf turns an error passed to Warn into the Unread it records: the
// NotReadError's place and the AWS error code, operation and message
// found in its chain. An error that is no NotReadError is a part of the
// estate that is not named, which covers every check.
func UnreadOf(err error) Unread {
	var u Unread
	var nr *NotReadError
	if errors.As(err, &nr) {
		u.Read, u.Account, u.Region = nr.Read, nr.Account, nr.Region
		err = nr.Err
	}
	u.Message = oneLine(err.Error())
	// The innermost operation is the call that failed: a member's read
	// fails inside the STS AssumeRole its credentials needed.
	if op := innermostOperation(err); op != nil {
		u.Operation = op.ServiceID + " " + op.OperationName
	}
	var api smithy.APIError
	if errors.As(err, &api) {
		u.Code = api.ErrorCode()
		if m := api.ErrorMessage(); m != "" {
			u.Message = oneLine(m)
		}
	} else if code, msg, ok := undecodedAPIError(err); ok {
		u.Code, u.Message = code, msg
	}
	return u
}

// undecodedAPIError finds the AWS error in a response body the SDK could
// not decode: an endpoint, or a proxy before it, that answers a JSON
// service in an XML error shape (<Error><Code>AccessDenied</Code>
// <Message>...</Message></Error>, inside <ErrorResponse> or <Errors> or
// not) leaves the SDK with a deserialization error holding the body, and
// the cause would be lost. The first Code and Message elements are taken.
func undecodedAPIError(err error) (code, message string, ok bool) {
	var de *smithy.DeserializationError
	if !errors.As(err, &de) || len(de.Snapshot) == 0 {
		return "", "", false
	}
	d := xml.NewDecoder(bytes.NewReader(de.Snapshot))
	for code == "" || message == "" {
		tok, err := d.Token()
		if err != nil {
			break
		}
		start, isStart := tok.(xml.StartElement)
		if !isStart || (start.Name.Local != "Code" && start.Name.Local != "Message") {
			continue
		}
		var text string
		if d.DecodeElement(&text, &start) != nil {
			break
		}
		if start.Name.Local == "Code" && code == "" {
			code = strings.TrimSpace(text)
		} else if start.Name.Local == "Message" && message == "" {
			message = oneLine(text)
		}
	}
	return code, message, code != ""
}

// innermostOperation is the last smithy.OperationError down err's chain.
func innermostOperation(err error) *smithy.OperationError {
	var found *smithy.OperationError
	for err != nil {
		var op *smithy.OperationError
		if !errors.As(err, &op) {
			break
		}
		found, err = op, op.Err
	}
	return found
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// UnreadLog collects what a run could not read, from any number of
// goroutines: its Warn is a Reader's Warn.
type UnreadLog struct {
	mu   sync.Mutex
	list []Unread
	// Then, when set, is told every error too (to print it as a warning).
	Then func(error)
}

// Warn records err (see UnreadOf) and passes it to Then.
func (l *UnreadLog) Warn(err error) {
	u := UnreadOf(err)
	l.mu.Lock()
	l.list = append(l.list, u)
	then := l.Then
	l.mu.Unlock()
	if then != nil {
		then(err)
	}
}

// Add records u as it is.
func (l *UnreadLog) Add(u Unread) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.list = append(l.list, u)
}

// List returns what was recorded, once each, sorted by read, account,
// Region and cause.
func (l *UnreadLog) List() []Unread {
	l.mu.Lock()
	out := slices.Clone(l.list)
	l.mu.Unlock()
	SortUnread(out)
	return slices.Compact(out)
}

// SortUnread orders us by read, account, Region and cause.
func SortUnread(us []Unread) {
	slices.SortFunc(us, func(a, b Unread) int {
		return cmp.Or(cmp.Compare(a.Read, b.Read), cmp.Compare(a.Account, b.Account), cmp.Compare(a.Region, b.Region),
			cmp.Compare(a.Code, b.Code), cmp.Compare(a.Operation, b.Operation), cmp.Compare(a.Message, b.Message))
	})
}
