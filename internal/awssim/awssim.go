// Package awssim is an AWS API simulator at the HTTP level, for benchmarks
// and tests only: it serves a generated organization of many accounts
// and Regions to the real AWS SDK (through AWS_ENDPOINT_URL), with a
// latency drawn per call and AWS-like throttling, so that what is
// measured is groundwork with the SDK's serialisation, signing and
// retries, at a scale moto cannot hold (moto keeps about 50 MB per
// account).
//
// It serves the reads a plan of the organization's core, its alternate
// contacts and the hardening layer makes: Organizations, Account, STS,
// IAM (password policy, account summary, users), S3 Control (Block Public
// Access) and EC2 (VPCs, network interfaces). Any other operation is
// answered as an endpoint lacking it answers (HTTP 501, NotImplemented,
// in the service's own error shape), which groundwork records as "not
// read" where a read may be left unknown and fails where it may not.
//
// The rates it models, and where they come from, are in Limits and
// docs/benchmarks.md.
package awssim

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Org is the organization served: the management account and Accounts
// member accounts in Units OUs under the root, in Regions.
type Org struct {
	Accounts int
	Units    int
	Regions  []string
	// Latency, when set, draws the time each call takes.
	Latency func() time.Duration
	// Limits are the token buckets; DefaultLimits when nil.
	Limits map[string]Bucket
	// Seed makes the latencies reproducible.
	Seed uint64
}

// Management is the management account's ID.
const Management = "100000000000"

// MemberID is the ID of member account i (0-based).
func MemberID(i int) string { return fmt.Sprintf("2%011d", i) }

// MemberName is the name of member account i: a workload of the
// starter foundation's naming, app00042-prod-primary.
func MemberName(i int) string { return fmt.Sprintf("app%05d-prod-primary", i) }

// MemberEmail is the root e-mail address of member account i.
func MemberEmail(i int) string { return "aws-" + MemberName(i) + "@example.com" }

// UnitName is the name of OU j under the root.
func UnitName(j int) string { return fmt.Sprintf("Unit%03d", j) }

// Uniform draws latencies uniformly between lo and hi.
func Uniform(lo, hi time.Duration, seed uint64) func() time.Duration {
	var mu sync.Mutex
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	return func() time.Duration {
		mu.Lock()
		defer mu.Unlock()
		return lo + time.Duration(r.Int64N(int64(hi-lo)+1))
	}
}

// Server is a running simulator: an http.Handler with its counts.
type Server struct {
	org     Org
	buckets sync.Map // bucket key -> *tokenBucket
	calls   sync.Map // "service operation" -> *atomic.Int64
	// Throttled counts the calls answered with a throttling error.
	Throttled atomic.Int64
}

// New returns a simulator of org.
func New(org Org) *Server {
	if org.Limits == nil {
		org.Limits = DefaultLimits
	}
	if org.Units <= 0 {
		org.Units = 1
	}
	return &Server{org: org}
}

// Calls returns how many calls each "service operation" got, throttled
// ones included.
func (s *Server) Calls() map[string]int64 {
	out := map[string]int64{}
	s.calls.Range(func(k, v any) bool { out[k.(string)] = v.(*atomic.Int64).Load(); return true })
	return out
}

var (
	credentialScope = regexp.MustCompile(`Credential=([^/]+)/[^/]+/([^/]+)/([^/]+)/aws4_request`)
	// Keys the simulator hands out name their account: ASIA + 12 digits.
	simKey = regexp.MustCompile(`^ASIA(\d{12})`)
)

// call is one request as the simulator sees it.
type call struct {
	account, region, service, protocol, operation string
	form                                          url.Values
	body                                          []byte
	r                                             *http.Request
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := readBody(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	c := call{account: Management, body: body, r: r}
	if m := credentialScope.FindStringSubmatch(r.Header.Get("Authorization")); m != nil {
		if k := simKey.FindStringSubmatch(m[1]); k != nil {
			c.account = k[1]
		}
		c.region, c.service = m[2], m[3]
	}
	switch {
	case r.Header.Get("X-Amz-Target") != "":
		c.protocol = "json"
		t := r.Header.Get("X-Amz-Target")
		c.operation = t[strings.LastIndex(t, ".")+1:]
	case strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded"):
		c.protocol = "query"
		if c.service == "ec2" {
			c.protocol = "ec2"
		}
		c.form, _ = url.ParseQuery(string(body))
		c.operation = c.form.Get("Action")
	case c.service == "s3" && strings.HasPrefix(r.URL.Path, "/v20180820/"):
		c.protocol, c.service = "s3control", "s3-control"
		c.operation = r.Method + " " + r.URL.Path
	case c.service == "s3":
		c.protocol = "rest-xml"
		c.operation = r.Method + " " + r.URL.Path
	default:
		c.protocol = "rest-json"
		c.operation = r.Method + " " + r.URL.Path
	}
	n, _ := s.calls.LoadOrStore(c.service+" "+c.operation, new(atomic.Int64))
	n.(*atomic.Int64).Add(1)
	if s.org.Latency != nil {
		time.Sleep(s.org.Latency())
	}
	if !s.take(c) {
		s.Throttled.Add(1)
		throttle(w, c)
		return
	}
	s.serve(w, c)
}

// notImplemented answers as an endpoint lacking the operation.
func notImplemented(w http.ResponseWriter, c call) {
	writeError(w, c, http.StatusNotImplemented, "NotImplemented", "awssim does not serve "+c.service+" "+c.operation)
}

// throttle answers a throttling error in the service's own shape and
// code, as AWS does.
func throttle(w http.ResponseWriter, c call) {
	switch c.service {
	case "organizations", "account":
		writeError(w, c, http.StatusBadRequest, "TooManyRequestsException", "Rate exceeded")
	case "ec2":
		writeError(w, c, http.StatusServiceUnavailable, "RequestLimitExceeded", "Request limit exceeded.")
	case "s3", "s3-control":
		writeError(w, c, http.StatusServiceUnavailable, "SlowDown", "Please reduce your request rate.")
	default:
		writeError(w, c, http.StatusBadRequest, "Throttling", "Rate exceeded")
	}
}

// writeError answers an error in the protocol's shape: JSON 1.0/1.1
// (__type), rest-json (X-Amzn-Errortype), query (ErrorResponse), EC2
// (Response/Errors), S3 (Error) and S3 Control (ErrorResponse/Error).
func writeError(w http.ResponseWriter, c call, status int, code, msg string) {
	switch c.protocol {
	case "json":
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.WriteHeader(status)
		fmt.Fprintf(w, `{"__type":%q,"message":%q}`, code, msg)
	case "rest-json":
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Amzn-Errortype", code)
		w.WriteHeader(status)
		fmt.Fprintf(w, `{"message":%q}`, msg)
	case "query":
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(status)
		fmt.Fprintf(w, `<ErrorResponse><Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>sim</RequestId></ErrorResponse>`, code, msg)
	case "ec2":
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(status)
		fmt.Fprintf(w, `<Response><Errors><Error><Code>%s</Code><Message>%s</Message></Error></Errors><RequestID>sim</RequestID></Response>`, code, msg)
	case "s3control":
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(status)
		fmt.Fprintf(w, `<ErrorResponse><Error><Code>%s</Code><Message>%s</Message></Error></ErrorResponse>`, code, msg)
	default:
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(status)
		fmt.Fprintf(w, `<Error><Code>%s</Code><Message>%s</Message></Error>`, code, msg)
	}
}
