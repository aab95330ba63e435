package filterpattern

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
)

// libraryMatches lists, for every CloudTrail record in testdata, the
// library entries that must match it. Every other entry must not.
var libraryMatches = map[string][]string{
	"console-login-mfa":    {"ConsoleSignIn"},
	"console-login-no-mfa": {"ConsoleSignIn", "ConsoleSignInWithoutMFA"},
	// A single sign-on through IAM Identity Center reports MFAUsed "No":
	// the variant of CIS 4.2 exists to leave it out.
	"console-login-sso":  {"ConsoleSignIn"},
	"root-console-login": {"RootUserActivity", "ConsoleSignIn"},
	// Failed: an attempt, not a sign-in without MFA.
	"console-login-failed": {"ConsoleSignIn", "ConsoleAuthFailures"},
	// invokedBy is set: an AWS service acting for the root user.
	"root-invoked-by-service":    {},
	"access-denied-s3-getobject": {"AccessDenied", "UnauthorizedAPICalls"},
	// CIS 4.1 leaves AccessDenied on HeadBucket out; && binds tighter.
	"access-denied-s3-headbucket":      {"AccessDenied"},
	"unauthorized-ec2-runinstances":    {"AccessDenied", "UnauthorizedAPICalls"},
	"put-bucket-policy":                {"S3BucketPolicyChanges"},
	"delete-trail":                     {"CloudTrailChanges"},
	"stop-logging":                     {"CloudTrailChanges"},
	"schedule-key-deletion":            {"DisableOrDeleteCMK"},
	"authorize-security-group-ingress": {"SecurityGroupChanges"},
	"create-network-acl":               {"NACLChanges"},
	"create-route":                     {"RouteTableChanges"},
	"create-vpc":                       {"VPCChanges"},
	"attach-internet-gateway":          {"NetworkGatewayChanges"},
	"put-configuration-recorder":       {"ConfigChanges"},
	"stop-configuration-recorder":      {"ConfigChanges"},
	"leave-organization":               {"OrganizationsChanges"},
	"iam-create-policy":                {"IAMPolicyChanges"},
	"iam-attach-role-policy":           {"IAMPolicyChanges"},
	// IAMPolicyChanges checks eventName only, so an SCP's CreatePolicy
	// trips it as well (Security Hub CloudWatch.4 says as much).
	"organizations-create-policy": {"IAMPolicyChanges", "OrganizationsChanges"},
	"describe-instances":          {},
}

// readEvent reads testdata/name.json.
func readEvent(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// decode decodes an event the way matchValue's documentation asks.
func decode(t testing.TB, data []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestLibraryMatchesCloudTrailRecords(t *testing.T) {
	lib := Library()
	patterns := map[string]*Pattern{}
	for _, e := range lib {
		p, err := Parse(e.Pattern)
		if err != nil {
			t.Fatalf("%s: %v", e.Name, err)
		}
		patterns[e.Name] = p
	}
	files, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != len(libraryMatches) {
		t.Errorf("testdata has %d records, libraryMatches lists %d: keep them in step", len(files), len(libraryMatches))
	}
	matched := map[string]bool{}
	for name, want := range libraryMatches {
		t.Run(name, func(t *testing.T) {
			data := readEvent(t, name)
			decoded := decode(t, data)
			var got []string
			for _, e := range lib {
				p := patterns[e.Name]
				m, err := p.Match(data)
				if err != nil {
					t.Fatalf("%s: %v", e.Name, err)
				}
				if mv := p.matchValue(decoded); mv != m {
					t.Errorf("%s: Match = %v, matchValue = %v", e.Name, m, mv)
				}
				if m {
					got = append(got, e.Name)
					matched[e.Name] = true
				}
			}
			sort.Strings(got)
			want = slices.Sorted(slices.Values(want))
			if !slices.Equal(got, want) {
				t.Errorf("matched by %v, want %v", got, want)
			}
		})
	}
	for _, e := range lib {
		if !matched[e.Name] {
			t.Errorf("no record in testdata matches %s: add one", e.Name)
		}
	}
}

func TestLibraryEntries(t *testing.T) {
	seen := map[string]bool{}
	for _, e := range Library() {
		if seen[e.Name] {
			t.Errorf("duplicate name %s", e.Name)
		}
		seen[e.Name] = true
		if e.Description == "" || len(e.Guidance) == 0 {
			t.Errorf("%s: needs a description and its guidance", e.Name)
		}
		for _, g := range e.Guidance {
			if g != "000" && g != "001" && !strings.HasPrefix(g, "CIS AWS Foundations Benchmark v") {
				t.Errorf("%s: guidance %q is neither 000, 001 nor a CIS section", e.Name, g)
			}
		}
		got, ok := Lookup(e.Name)
		if !ok || got.Pattern != e.Pattern {
			t.Errorf("Lookup(%s) = %v, %v", e.Name, got, ok)
		}
	}
	for _, name := range []string{"RootUserActivity", "ConsoleSignIn", "AccessDenied", "ConsoleSignInWithoutMFA", "IAMPolicyChanges",
		"CloudTrailChanges", "ConsoleAuthFailures", "DisableOrDeleteCMK", "S3BucketPolicyChanges", "ConfigChanges",
		"SecurityGroupChanges", "NACLChanges", "NetworkGatewayChanges", "RouteTableChanges", "VPCChanges", "OrganizationsChanges"} {
		if !seen[name] {
			t.Errorf("the monitoring layer deploys %s: it must be in the library", name)
		}
	}
	if !slices.Equal(Names(), func() []string {
		var n []string
		for _, e := range Library() {
			n = append(n, e.Name)
		}
		return n
	}()) {
		t.Error("Names() is not in Library() order")
	}
	if _, ok := Lookup("NoSuchPattern"); ok {
		t.Error("Lookup found a name that is not there")
	}
	lib := Library()
	lib[0].Guidance[0] = "changed"
	if Library()[0].Guidance[0] == "changed" {
		t.Error("Library() shares its slices with the caller")
	}
}

// TestLibraryGuidance000 pins the root-activity pattern to guidance 000,
// character for character: the filter it deploys is RootUserActivityFilter.
func TestLibraryGuidance000(t *testing.T) {
	e, _ := Lookup("RootUserActivity")
	const want = `{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}`
	if e.Pattern != want {
		t.Errorf("RootUserActivity = %s, want guidance 000's %s", e.Pattern, want)
	}
}
