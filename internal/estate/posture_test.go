package estate

import (
	"slices"
	"testing"
	"time"
)

func TestTrailOwner(t *testing.T) {
	for arn, want := range map[string]string{
		"arn:aws:cloudtrail:us-east-1:123456789012:trail/org": "123456789012",
		"not-an-arn": "",
		"":           "",
	} {
		if got := (&Trail{ARN: arn}).Owner(); got != want {
			t.Errorf("Owner(%q) = %q, want %q", arn, got, want)
		}
	}
}

func TestTrailLogGroupAt(t *testing.T) {
	for arn, want := range map[string]struct {
		at   Location
		name string
		ok   bool
	}{
		"arn:aws:logs:eu-west-1:123456789012:log-group:/groundwork/cloudtrail:*": {Location{Account: "123456789012", Region: "eu-west-1"}, "/groundwork/cloudtrail", true},
		"arn:aws:logs:eu-west-1:123456789012:log-group:trail-logs":               {Location{Account: "123456789012", Region: "eu-west-1"}, "trail-logs", true},
		"arn:aws:sns:eu-west-1:123456789012:log-group:x":                         {},
		"": {},
	} {
		at, name, ok := (&Trail{LogGroupARN: arn}).LogGroupAt()
		if at != want.at || name != want.name || ok != want.ok {
			t.Errorf("LogGroupAt(%q) = %v, %q, %v; want %v, %q, %v", arn, at, name, ok, want.at, want.name, want.ok)
		}
	}
}

func TestActiveKeys(t *testing.T) {
	u := &PostureUser{AccessKeys: [2]AccessKey{{Active: false, LastRotated: time.Unix(1, 0)}, {Active: true, LastRotated: time.Unix(2, 0)}}}
	if got := u.ActiveKeys(); len(got) != 1 || !got[0].LastRotated.Equal(time.Unix(2, 0)) {
		t.Errorf("ActiveKeys = %+v, want the second key only", got)
	}
}

// The sorted views order by account, Region, then name, whatever order
// the concurrent reads stored them in.
func TestPostureSortedViews(t *testing.T) {
	p := NewPosture(time.Unix(0, 0))
	b1, a2 := Where{Account: "b", Region: "eu-west-1"}, Where{Account: "a", Region: "us-east-1"}
	a1 := Where{Account: "a", Region: "eu-west-1"}
	p.Keys[b1.String()] = []*PostureKey{{Where: b1, ID: "x"}}
	p.Keys[a2.String()] = []*PostureKey{{Where: a2, ID: "z"}, {Where: a2, ID: "y"}}
	p.Keys[a1.String()] = []*PostureKey{{Where: a1, ID: "w"}}
	var got []string
	for _, k := range p.SortedKeys() {
		got = append(got, string(k.Account)+" "+k.Region+" "+k.ID)
	}
	want := []string{"a eu-west-1 w", "a us-east-1 y", "a us-east-1 z", "b eu-west-1 x"}
	if !slices.Equal(got, want) {
		t.Errorf("SortedKeys = %q, want %q", got, want)
	}
	clear(p.Keys)
	p.Workloads[a2.String()] = []*Workload{{Where: a2, Kind: WorkloadLambdaFunction, ID: "f"}, {Where: a2, Kind: WorkloadEC2Instance, ID: "i"}}
	if ws := p.SortedWorkloads(); ws[0].Kind != WorkloadEC2Instance {
		t.Errorf("SortedWorkloads = %+v, want the instance first", ws)
	}
	p.Keys[b1.String()] = []*PostureKey{{Where: b1, ID: "k2"}}
	p.Keys[a1.String()] = []*PostureKey{{Where: a1, ID: "k1"}}
	if ks := p.SortedKeys(); ks[0].ID != "k1" || ks[1].ID != "k2" {
		t.Errorf("SortedKeys = %+v", ks)
	}
	if PlaceKey("a", "eu-west-1") != a1.String() {
		t.Errorf("PlaceKey = %q, want %q", PlaceKey("a", "eu-west-1"), a1.String())
	}
}
