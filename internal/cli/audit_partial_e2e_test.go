package cli

// End-to-end test of an audit that cannot read everything: moto enforcing
// IAM, and credentials allowed only Organizations reads. The reports must
// say what was not read and why, leave the checks that read it not
// evaluated instead of passed, and the exit code must not let CI pass by
// omission.

import (
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/testenv"
)

// orgReadOnly allows Organizations' reads and nothing else: not IAM, not
// the Account API, not sts:AssumeRole into the members.
const orgReadOnly = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",` +
	`"Action":["organizations:Describe*","organizations:List*"],"Resource":"*"}]}`

// partialSetupCalls is how many requests partialOrganization makes, as
// the management account's root, before moto starts enforcing IAM.
const partialSetupCalls = 7

// partialOrganization builds, through the first partialSetupCalls
// requests, which moto answers without credentials, an organization of
// two members with trusted access for the Account API (so that the
// contacts fail for the auditor's lack of permission alone), and an IAM
// user allowed orgReadOnly; it returns the user's keys.
func partialOrganization(t *testing.T, m *testenv.Server) (keyID, secret string) {
	t.Helper()
	m.AWS(t, "organizations", "create-organization", "--feature-set", "ALL")
	m.AWS(t, "organizations", "create-account", "--email", "aws-payments-prod@example.com", "--account-name", "payments-prod")
	m.AWS(t, "organizations", "create-account", "--email", "aws-payments-dev@example.com", "--account-name", "payments-dev")
	m.AWS(t, "organizations", "enable-aws-service-access", "--service-principal", "account.amazonaws.com")
	m.AWS(t, "iam", "create-user", "--user-name", "auditor")
	m.AWS(t, "iam", "put-user-policy", "--user-name", "auditor", "--policy-name", "org-read-only", "--policy-document", orgReadOnly)
	var key struct {
		AccessKey struct{ AccessKeyId, SecretAccessKey string }
	}
	if err := json.Unmarshal(m.AWS(t, "iam", "create-access-key", "--user-name", "auditor"), &key); err != nil {
		t.Fatal(err)
	}
	// The next request is past the unauthenticated ones: the test keys
	// belong to nobody now, so IAM must refuse them.
	if out, err := m.TryAWS("iam", "list-users"); err == nil {
		t.Fatalf("moto still answers without credentials after %d requests: %s", partialSetupCalls, out)
	}
	return key.AccessKey.AccessKeyId, key.AccessKey.SecretAccessKey
}

// motoRefusals are the codes moto answers, when it enforces IAM, to the
// management account's reads of services whose requests it does not
// authorize as AWS does: EFS's and Security Hub's fail its signature
// check, and RDS answers an error the SDK cannot decode. So does
// CloudWatch: moto wraps its AccessDenied in an <Errors> element the
// query decoder does not look in, and whether the billing layer fails on
// that refusal or on Budgets' first depends on which answers first. The
// posture layer reads IAM, S3, KMS and the management account's workloads
// at once: EKS fails the signature check and RDS answers what the SDK
// cannot decode, and which refusal stops the layer first is timing too.
// The hardening layer's reads race the same way: moto's refusal of IAM
// ListUsers reaches the SDK as UnknownError, its refusal of the other IAM
// reads as AccessDenied; the identity layer's IAM ListRoles, read in every
// account for the roles other accounts may assume, is refused the same
// way as ListUsers. When S3 answers the posture layer's refusal first, it
// is AccessDenied whose message, "Access Denied", names no action.
// AWS refuses all of them with AccessDenied (or AccessDeniedException).
var motoRefusals = map[string][]string{
	"billing":               {"UnknownError"},
	"datastores/efs":        {"SignatureDoesNotMatch"},
	"datastores/rds":        {"UnknownError"},
	"detection/securityhub": {"SignatureDoesNotMatch"},
	"hardening":             {"UnknownError"},
	"identity/roles":        {"UnknownError"},
	"posture":               {"SignatureDoesNotMatch", "UnknownError"},
}

// refused reports whether code is how the server refused read: AccessDenied,
// or moto's own answer for the reads of motoRefusals.
func refused(read, code string) bool {
	return code == "AccessDenied" || code != "" && slices.Contains(motoRefusals[read], code)
}

// namesRefusal reports whether a skipped check's message gives the cause
// refused accepts.
func namesRefusal(msg string) bool {
	if strings.Contains(msg, "AccessDenied") {
		return true
	}
	for read, codes := range motoRefusals {
		for _, code := range codes {
			if strings.Contains(msg, read+" ") && strings.Contains(msg, code) {
				return true
			}
		}
	}
	return false
}

func TestPartialAuditSaysWhatWasNotEvaluated(t *testing.T) {
	m := testenv.MotoWith(t, "INITIAL_NO_AUTH_ACTION_COUNT="+itoa(partialSetupCalls))
	m.Setenv(t)
	keyID, secret := partialOrganization(t, m)
	t.Setenv("AWS_ACCESS_KEY_ID", keyID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", secret)
	dir := t.TempDir() // no spec: the audit surveys every layer

	code, out, errOut := run(t, dir, "", "audit", "--regions", "us-east-1", "--fail-on", "critical",
		"--format", "text,json,sarif,junit", "-o", "out.txt", "-o", "out.json", "-o", "out.sarif", "-o", "out.xml")
	if code != ExitIncomplete {
		t.Fatalf("incomplete audit: exit %d, want %d\n%s\n%s", code, ExitIncomplete, out, errOut)
	}
	if !strings.Contains(errOut, "audit incomplete: ") || !strings.Contains(errOut, "--allow-partial") {
		t.Errorf("stderr does not say the audit is incomplete:\n%s", errOut)
	}

	// JSON: what was not read, with its real cause, and a status per check.
	var doc struct {
		Completeness struct {
			Complete     bool
			Evaluated    int
			NotEvaluated int `json:"not_evaluated"`
			Unread       []struct{ Read, Account, Region, Code, Operation, Message string }
		}
		Checks []struct {
			ID           string
			Status       string
			NotEvaluated []struct{ Read, Code string } `json:"not_evaluated"`
			Unjudged     string
		}
		Findings []struct {
			CheckID  string `json:"check_id"`
			Severity string
		}
	}
	readJSON(t, filepath.Join(dir, "out.json"), &doc)
	c := doc.Completeness
	if c.Complete || c.NotEvaluated == 0 || c.Evaluated+c.NotEvaluated != len(doc.Checks) {
		t.Errorf("completeness = %+v of %d checks", c, len(doc.Checks))
	}
	unread := map[string]string{} // read -> "code operation: message"
	for _, u := range c.Unread {
		unread[u.Read] = u.Code + " " + u.Operation + ": " + u.Message
		if !refused(u.Read, u.Code) {
			t.Errorf("%s not read for %q, want AccessDenied: %+v", u.Read, u.Code, u)
		}
	}
	for read, action := range map[string]string{
		"hardening":             "",
		"posture":               "",
		"network":               "",
		"organization/contacts": "account:GetAlternateContact",
	} {
		cause, ok := unread[read]
		if !ok {
			t.Errorf("%s is not recorded as not read: %v", read, unread)
		} else if !strings.HasPrefix(cause, "AccessDenied ") && refused(read, strings.Fields(cause)[0]) {
			continue // moto's own refusal (motoRefusals) names no action
		} else if action == "" && strings.HasPrefix(cause, "AccessDenied S3 ") {
			continue // moto's S3 says only "Access Denied", naming no action
		} else if !strings.Contains(cause, "is not authorized to perform: "+action) {
			t.Errorf("%s: cause %q does not name the action %s refused", read, cause, action)
		}
	}
	if _, ok := unread["organization/policies"]; ok {
		t.Errorf("the policies, which the credentials may read, are recorded as not read: %s", unread["organization/policies"])
	}
	status, unjudged := map[string]string{}, map[string]string{}
	for _, ch := range doc.Checks {
		status[ch.ID], unjudged[ch.ID] = ch.Status, ch.Unjudged
		if ch.Status == "not_evaluated" && len(ch.NotEvaluated) == 0 && ch.Unjudged == "" {
			t.Errorf("%s is not evaluated without a reason", ch.ID)
		}
	}
	for _, id := range []string{"GW-HRD-007", "GW-ACC-001", "GW-ACC-002", "GW-IAM-001", "GW-NET-001"} {
		if status[id] != "not_evaluated" {
			t.Errorf("%s: status %q, want not_evaluated", id, status[id])
		}
	}
	if status["GW-ORG-010"] == "not_evaluated" || status["GW-ORG-001"] == "not_evaluated" {
		t.Errorf("checks over what was read are not evaluated: GW-ORG-010 %s, GW-ORG-001 %s", status["GW-ORG-010"], status["GW-ORG-001"])
	}

	// Text: the banner, the causes, and the counts.
	text := readFile(t, filepath.Join(dir, "out.txt"))
	hardeningCode, _, _ := strings.Cut(unread["hardening"], " ")
	for _, want := range []string{"INCOMPLETE AUDIT: ", "hardening (every account): " + hardeningCode,
		"organization/contacts (every account): AccessDenied on Account GetAlternateContact", "\nNot evaluated\n",
		itoa(c.Evaluated) + " evaluated, " + itoa(c.NotEvaluated) + " not evaluated"} {
		if !strings.Contains(text, want) {
			t.Errorf("text report lacks %q:\n%s", want, text)
		}
	}
	for _, line := range strings.Split(text+"\n"+errOut, "\n") {
		if strings.Contains(line, "organization/contacts") && strings.Contains(line, "trusted access") {
			t.Errorf("the contacts' AccessDenied is blamed on trusted access: %s", line)
		}
	}

	// SARIF: the run did not execute successfully, one notification per
	// part not read.
	var sarif struct {
		Runs []struct {
			Invocations []struct {
				ExecutionSuccessful        bool `json:"executionSuccessful"`
				ToolExecutionNotifications []struct {
					Level      string
					Message    struct{ Text string }
					Properties struct{ Read, Code string }
				} `json:"toolExecutionNotifications"`
			}
		}
	}
	readJSON(t, filepath.Join(dir, "out.sarif"), &sarif)
	inv := sarif.Runs[0].Invocations
	if len(inv) != 1 || inv[0].ExecutionSuccessful || len(inv[0].ToolExecutionNotifications) != len(c.Unread) {
		t.Fatalf("SARIF invocations = %+v, want one unsuccessful with %d notifications", inv, len(c.Unread))
	}
	for _, n := range inv[0].ToolExecutionNotifications {
		if n.Level != "error" || !refused(n.Properties.Read, n.Properties.Code) || !strings.Contains(n.Message.Text, n.Properties.Code) {
			t.Errorf("SARIF notification %+v", n)
		}
	}

	// JUnit: a check not evaluated is skipped with its cause, never passed.
	var junit struct {
		Suites []struct {
			Name  string `xml:"name,attr"`
			Cases []struct {
				Name    string    `xml:"name,attr"`
				Failure *struct{} `xml:"failure"`
				Skipped *struct {
					Message string `xml:"message,attr"`
				} `xml:"skipped"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal([]byte(readFile(t, filepath.Join(dir, "out.xml"))), &junit); err != nil {
		t.Fatal(err)
	}
	for _, s := range junit.Suites {
		if status[s.Name] != "not_evaluated" {
			continue
		}
		for _, tc := range s.Cases {
			if tc.Failure == nil && tc.Skipped == nil {
				t.Errorf("JUnit passes %s (%s), which was not evaluated", s.Name, tc.Name)
			} else if tc.Skipped != nil && !namesRefusal(tc.Skipped.Message) &&
				(unjudged[s.Name] == "" || !strings.Contains(tc.Skipped.Message, unjudged[s.Name])) {
				// A check that cannot be judged at all (the Log Archive and
				// Security Tooling checks, no account being known as one)
				// may say why instead of what was refused.
				t.Errorf("JUnit skips %s without the cause: %q", s.Name, tc.Skipped.Message)
			}
		}
	}

	// --allow-partial: the exit code follows the findings alone; findings
	// at or above --fail-on exit 3 with or without it.
	worst := ""
	for _, f := range doc.Findings {
		if worst == "" || severityRank(f.Severity) > severityRank(worst) {
			worst = f.Severity
		}
	}
	if worst == "" || severityRank(worst) >= severityRank("critical") {
		t.Fatalf("the test needs findings below critical to tell the exit codes apart; worst is %q", worst)
	}
	mustRun(t, dir, ExitOK, "audit", "--regions", "us-east-1", "--fail-on", "critical", "--allow-partial", "-o", "json")
	mustRun(t, dir, ExitFindings, "audit", "--regions", "us-east-1", "--fail-on", worst, "--allow-partial", "-o", "json")
	mustRun(t, dir, ExitFindings, "audit", "--regions", "us-east-1", "--fail-on", worst, "-o", "json")
}

func severityRank(s string) int {
	return slices.Index([]string{"info", "low", "medium", "high", "critical"}, s)
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
