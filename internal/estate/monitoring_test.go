package estate

import (
	"slices"
	"testing"
)

func TestTopicConfirmed(t *testing.T) {
	pending := Subscription{Protocol: "email", Endpoint: "a@example.com", ARN: PendingConfirmation, Pending: true}
	confirmed := Subscription{Protocol: "email", Endpoint: "b@example.com", ARN: "arn:aws:sns:us-east-1:1:t:x"}
	for name, tc := range map[string]struct {
		subs []Subscription
		want bool
	}{
		"none":          {nil, false},
		"only pending":  {[]Subscription{pending}, false},
		"one confirmed": {[]Subscription{pending, confirmed}, true},
	} {
		t.Run(name, func(t *testing.T) {
			if got := (&Topic{Subscriptions: tc.subs}).Confirmed(); got != tc.want {
				t.Errorf("Confirmed = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestSortSubscriptions(t *testing.T) {
	subs := []Subscription{{Protocol: "sqs", Endpoint: "a"}, {Protocol: "email", Endpoint: "z"}, {Protocol: "email", Endpoint: "b"}}
	SortSubscriptions(subs)
	var got []string
	for _, s := range subs {
		got = append(got, s.Protocol+":"+s.Endpoint)
	}
	if want := []string{"email:b", "email:z", "sqs:a"}; !slices.Equal(got, want) {
		t.Errorf("sorted %q, want %q", got, want)
	}
}

func TestTopicByARN(t *testing.T) {
	m := NewMonitoring()
	w := Where{Account: ManagementKey, Region: "us-east-1"}
	m.Topics[w.Key("t")] = &Topic{Where: w, Name: "t", ARN: "arn:aws:sns:us-east-1:1:t"}
	m.Topics[w.Key("unread")] = &Topic{Where: w, Name: "unread"}
	if got := m.TopicByARN("arn:aws:sns:us-east-1:1:t"); got == nil || got.Name != "t" {
		t.Errorf("TopicByARN found %v", got)
	}
	if got := m.TopicByARN(""); got != nil {
		t.Errorf("an empty ARN found %v", got.Name)
	}
	if got, want := w.Key(FilterKey("/groundwork/cloudtrail", "F")), "management/us-east-1//groundwork/cloudtrail:F"; got != want {
		t.Errorf("filter key %q, want %q", got, want)
	}
}
