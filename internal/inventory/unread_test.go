package inventory

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/aws/smithy-go"
)

func TestUnreadCovers(t *testing.T) {
	for _, tt := range []struct {
		read, check string
		want        bool
	}{
		{"hardening", "hardening", true},
		{"hardening", "hardening/roots", true},
		{"organization/contacts", "organization", true},
		{"organization/contacts", "organization/policies", false},
		{"posture", "posture/iam", true},
		{"plan/hardening", "plan", true},
		{"hardening", "hard", false},
		{"network", "hardening", false},
	} {
		if got := (Unread{Read: tt.read}).Covers(tt.check); got != tt.want {
			t.Errorf("Unread{%q}.Covers(%q) = %v, want %v", tt.read, tt.check, got, tt.want)
		}
	}
}

// A member's read fails inside the AssumeRole its credentials need: the
// record names that call and AWS's code and message, not the outer call
// or the SDK's request IDs.
func TestUnreadOfFindsTheInnermostCallAndAWSCause(t *testing.T) {
	denied := &smithy.GenericAPIError{Code: "AccessDenied", Message: "User: arn:aws:iam::123456789012:user/auditor is not authorized to perform: sts:AssumeRole"}
	inner := &smithy.OperationError{ServiceID: "STS", OperationName: "AssumeRole", Err: fmt.Errorf("https response error StatusCode: 403, RequestID: x, %w", denied)}
	outer := &smithy.OperationError{ServiceID: "IAM", OperationName: "GetAccountSummary", Err: fmt.Errorf("get identity: get credentials: %w", inner)}
	err := InLayer("hardening", fmt.Errorf("read the account summary of 222222222222: %w", outer))

	got := UnreadOf(err)
	want := Unread{Read: "hardening", Code: "AccessDenied", Operation: "STS AssumeRole", Message: denied.Message}
	if got != want {
		t.Errorf("UnreadOf = %+v\nwant %+v", got, want)
	}
	if s := got.String(); s != "hardening (every account): AccessDenied on STS AssumeRole: "+denied.Message {
		t.Errorf("String = %q", s)
	}
}

func TestInLayerNamesTheLayerOnce(t *testing.T) {
	base := errors.New("boom")
	for _, tt := range []struct {
		err  error
		want string
	}{
		{base, "organization"},
		{NotRead("contacts", "1", "", base), "organization/contacts"},
		{NotRead("organization/contacts", "", "", base), "organization/contacts"},
		{NotRead("", "", "", base), "organization"},
	} {
		var nr *NotReadError
		if !errors.As(InLayer("organization", tt.err), &nr) || nr.Read != tt.want {
			t.Errorf("InLayer(organization, %v) reads %q, want %q", tt.err, nr.Read, tt.want)
		}
	}
}

// Without an AWS error the message is the error's own, on one line.
func TestUnreadOfPlainError(t *testing.T) {
	got := UnreadOf(NotRead("posture/kms", "111111111111", "eu-west-1", errors.New("dial tcp:\n  connection refused")))
	want := Unread{Read: "posture/kms", Account: "111111111111", Region: "eu-west-1", Message: "dial tcp: connection refused"}
	if got != want {
		t.Errorf("UnreadOf = %+v, want %+v", got, want)
	}
	if got.Place() != "account 111111111111 in eu-west-1" || got.Cause() != "dial tcp: connection refused" {
		t.Errorf("place %q, cause %q", got.Place(), got.Cause())
	}
}

func TestUnreadLogCollectsConcurrentlyOnceEach(t *testing.T) {
	var warned int
	var mu sync.Mutex
	l := &UnreadLog{Then: func(error) { mu.Lock(); warned++; mu.Unlock() }}
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() { l.Warn(NotRead("network", fmt.Sprint(i%2), "", errors.New("denied"))) })
	}
	wg.Wait()
	got := l.List()
	if len(got) != 2 || got[0].Account != "0" || got[1].Account != "1" || warned != 20 {
		t.Errorf("List = %+v after 20 warnings (%d passed on)", got, warned)
	}
}

// A JSON service answered in AWS's XML error shape leaves the SDK unable
// to decode the body; the cause is read from the body it kept.
func TestUnreadOfReadsAnXMLErrorTheSDKCouldNotDecode(t *testing.T) {
	body := `<?xml version="1.0"?><ErrorResponse><Error><Code>AccessDenied</Code><Message>User: arn:aws:iam::123456789012:user/auditor` +
		` is not authorized to perform: account:GetAlternateContact</Message></Error></ErrorResponse>`
	err := &smithy.OperationError{ServiceID: "Account", OperationName: "GetAlternateContact",
		Err: &smithy.DeserializationError{Err: errors.New("invalid character '<'"), Snapshot: []byte(body)}}
	got := UnreadOf(NotRead("organization/contacts", "", "", fmt.Errorf("read SECURITY contact of 1: %w", err)))
	want := Unread{Read: "organization/contacts", Code: "AccessDenied", Operation: "Account GetAlternateContact",
		Message: "User: arn:aws:iam::123456789012:user/auditor is not authorized to perform: account:GetAlternateContact"}
	if got != want {
		t.Errorf("UnreadOf = %+v\nwant %+v", got, want)
	}
	// A body that is no error document leaves the error as it was.
	err.Err = &smithy.DeserializationError{Err: errors.New("EOF"), Snapshot: []byte("{}")}
	if got := UnreadOf(err); got.Code != "" || !strings.Contains(got.Message, "EOF") {
		t.Errorf("UnreadOf(undecodable JSON) = %+v", got)
	}
}
