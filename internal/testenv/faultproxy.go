package testenv

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
)

// Fault is what the fault proxy does to one request instead of passing it
// on and its response back.
type Fault string

// The faults the proxy injects.
const (
	// Throttle answers, without forwarding, with the service's own
	// throttling error: Throttling (query), RequestLimitExceeded (EC2),
	// TooManyRequestsException (Organizations, rest-json) or
	// ThrottlingException (other JSON services), SlowDown (S3).
	Throttle Fault = "throttle"
	// ServerError answers, without forwarding, with the service's own
	// internal-error shape and HTTP 500.
	ServerError Fault = "server-error"
	// Reset breaks the connection before forwarding: the request never
	// reaches the server, the client sees a reset.
	Reset Fault = "reset"
	// Drop forwards the request, lets the server carry it out, then breaks
	// the connection instead of answering: the lost response.
	Drop Fault = "drop"
)

// Faults say what the proxy injects. Rates are probabilities per request,
// drawn in the order requests arrive from one generator seeded with Seed:
// the same seed gives the same sequence of draws, and the same faults for
// the same sequence of requests (with requests in flight at once, their
// order of arrival, and so which one gets a draw, may differ).
type Faults struct {
	Seed                               int64
	Throttle, ServerError, Reset, Drop float64
	// Rules inject faults into chosen requests, before any rate is drawn.
	Rules []Rule
}

// Rule injects Fault into the requests for one operation: the first
// Times of them after skipping Skip (Times 0 means every one).
type Rule struct {
	Service   string // signing name: "organizations", "kms", "iam", "s3" ...
	Operation string // "CreateAccount"; "" for every operation of Service
	Fault     Fault
	Skip      int
	Times     int

	seen int
}

// Injection is one injected fault.
type Injection struct {
	Fault     Fault
	Service   string
	Operation string
}

// FaultProxy is a reverse proxy in front of the moto server that injects
// faults. groundwork reaches it through AWS_ENDPOINT_URL (Env, Setenv);
// independent checks go to the server itself.
type FaultProxy struct {
	URL    string
	server *Server

	mu       sync.Mutex
	faults   Faults
	rng      *rand.Rand
	injected []Injection
	requests int
	ln       net.Listener
	http     *http.Server
	client   *http.Client
}

// StartFaultProxy starts a fault proxy in front of s, stopped when the
// test ends.
func StartFaultProxy(t testing.TB, s *Server, f Faults) *FaultProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &FaultProxy{URL: "http://" + ln.Addr().String(), server: s, ln: ln,
		client: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}}
	p.SetFaults(f)
	p.http = &http.Server{Handler: p}
	go p.http.Serve(ln) //nolint:errcheck // ends with Close
	t.Cleanup(func() { p.http.Close() })
	return p
}

// SetFaults replaces the faults injected from now on and restarts the
// generator from f.Seed; counts are kept.
func (p *FaultProxy) SetFaults(f Faults) {
	p.mu.Lock()
	defer p.mu.Unlock()
	f.Rules = append([]Rule(nil), f.Rules...)
	p.faults = f
	p.rng = rand.New(rand.NewPCG(uint64(f.Seed), 0x67726f756e64))
}

// Env is the server's environment with AWS_ENDPOINT_URL at the proxy.
func (p *FaultProxy) Env() []string {
	env := p.server.Env()
	for i, kv := range env {
		if strings.HasPrefix(kv, "AWS_ENDPOINT_URL=") {
			env[i] = "AWS_ENDPOINT_URL=" + p.URL
		}
	}
	return env
}

// Setenv points this process's AWS SDK at the proxy for the test.
func (p *FaultProxy) Setenv(t testing.TB) {
	t.Helper()
	p.server.Setenv(t)
	t.Setenv("AWS_ENDPOINT_URL", p.URL)
}

// Injected returns every fault injected so far, in order.
func (p *FaultProxy) Injected() []Injection {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Injection(nil), p.injected...)
}

// Count returns how many times fault was injected, into operation op of
// service svc when they are not "".
func (p *FaultProxy) Count(fault Fault, svc, op string) int {
	n := 0
	for _, in := range p.Injected() {
		if in.Fault == fault && (svc == "" || in.Service == svc) && (op == "" || in.Operation == op) {
			n++
		}
	}
	return n
}

// Requests is the number of requests the proxy received.
func (p *FaultProxy) Requests() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.requests
}

// Summary is one line per fault kind with its count, for test logs.
func (p *FaultProxy) Summary() string {
	counts := map[Fault]int{}
	for _, in := range p.Injected() {
		counts[in.Fault]++
	}
	var parts []string
	for f, n := range counts {
		parts = append(parts, fmt.Sprintf("%s %d", f, n))
	}
	sort.Strings(parts)
	return fmt.Sprintf("%d requests, faults: %s", p.Requests(), strings.Join(parts, ", "))
}

// choose picks the fault for a request, or "".
func (p *FaultProxy) choose(svc, op string) Fault {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.requests++
	var f Fault
	for i := range p.faults.Rules {
		r := &p.faults.Rules[i]
		if r.Service != svc || (r.Operation != "" && r.Operation != op) {
			continue
		}
		// Every matching rule counts the request; the first in range wins.
		r.seen++
		if f == "" && r.seen > r.Skip && (r.Times == 0 || r.seen <= r.Skip+r.Times) {
			f = r.Fault
		}
	}
	if f == "" {
		// One draw per request, whatever the rates, so that the sequence
		// stays aligned with the requests.
		x := p.rng.Float64()
		for _, c := range []struct {
			f    Fault
			rate float64
		}{{Throttle, p.faults.Throttle}, {ServerError, p.faults.ServerError}, {Reset, p.faults.Reset}, {Drop, p.faults.Drop}} {
			if x < c.rate {
				f = c.f
				break
			}
			x -= c.rate
		}
	}
	if f != "" {
		p.injected = append(p.injected, Injection{Fault: f, Service: svc, Operation: op})
	}
	return f
}

func (p *FaultProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	req := describe(r, body)
	switch p.choose(req.service, req.operation) {
	case Throttle:
		req.throttle(w)
		return
	case ServerError:
		req.serverError(w)
		return
	case Reset:
		reset(w)
		return
	case Drop:
		if resp, err := p.forward(r, body); err == nil {
			io.Copy(io.Discard, resp.Body) //nolint:errcheck // the response is dropped
			resp.Body.Close()
		}
		reset(w)
		return
	}
	resp, err := p.forward(r, body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	for k, vs := range resp.Header {
		w.Header()[k] = vs
	}
	w.WriteHeader(resp.StatusCode)
	io.Copy(w, resp.Body) //nolint:errcheck // the client sees a short body
}

func (p *FaultProxy) forward(r *http.Request, body []byte) (*http.Response, error) {
	target, err := url.Parse(p.server.Endpoint)
	if err != nil {
		return nil, err
	}
	out, err := http.NewRequestWithContext(r.Context(), r.Method, target.String()+r.URL.RequestURI(), bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	out.Header = r.Header.Clone()
	out.Host = r.Host
	return p.client.Do(out)
}

// reset breaks the client's connection with a TCP reset.
func reset(w http.ResponseWriter) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		return
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		tcp.SetLinger(0) //nolint:errcheck // a plain close is the fallback
	}
	conn.Close()
}

// request is what the proxy knows of a request: the service (the signing
// name in the credential scope), the operation, and the protocol.
type request struct {
	service, operation string
	protocol           string // "json", "rest-json", "query", "ec2", "rest-xml", "s3control"
}

var credentialScope = regexp.MustCompile(`Credential=[^/]+/[^/]+/[^/]+/([^/]+)/aws4_request`)

func describe(r *http.Request, body []byte) request {
	var req request
	if m := credentialScope.FindStringSubmatch(r.Header.Get("Authorization")); m != nil {
		req.service = m[1]
	}
	ct := r.Header.Get("Content-Type")
	switch {
	case r.Header.Get("X-Amz-Target") != "":
		req.protocol = "json"
		t := r.Header.Get("X-Amz-Target")
		req.operation = t[strings.LastIndex(t, ".")+1:]
	case strings.HasPrefix(ct, "application/x-www-form-urlencoded"):
		req.protocol = "query"
		if req.service == "ec2" {
			req.protocol = "ec2"
		}
		if v, err := url.ParseQuery(string(body)); err == nil {
			req.operation = v.Get("Action")
		}
	case req.service == "s3":
		req.protocol = "rest-xml"
		if strings.HasPrefix(r.URL.Path, "/v20180820/") {
			req.protocol = "s3control"
		}
		req.operation = r.Method + " " + r.URL.Path
	default:
		req.protocol = "rest-json"
		req.operation = r.Method + " " + r.URL.Path
	}
	return req
}

func (req request) throttle(w http.ResponseWriter) {
	switch req.protocol {
	case "json":
		code := "ThrottlingException"
		if req.service == "organizations" {
			code = "TooManyRequestsException"
		}
		writeJSONError(w, http.StatusBadRequest, code)
	case "rest-json":
		writeJSONError(w, http.StatusTooManyRequests, "TooManyRequestsException")
	case "ec2":
		writeEC2Error(w, http.StatusServiceUnavailable, "RequestLimitExceeded")
	case "rest-xml", "s3control":
		writeS3Error(w, req.protocol == "s3control", http.StatusServiceUnavailable, "SlowDown")
	default:
		writeQueryError(w, http.StatusBadRequest, "Throttling")
	}
}

func (req request) serverError(w http.ResponseWriter) {
	switch req.protocol {
	case "json", "rest-json":
		code := "InternalFailure"
		if req.service == "kms" {
			code = "KMSInternalException"
		}
		writeJSONError(w, http.StatusInternalServerError, code)
	case "ec2":
		writeEC2Error(w, http.StatusInternalServerError, "InternalError")
	case "rest-xml", "s3control":
		writeS3Error(w, req.protocol == "s3control", http.StatusInternalServerError, "InternalError")
	default:
		writeQueryError(w, http.StatusInternalServerError, "InternalFailure")
	}
}

const faultMessage = "injected by the groundwork test fault proxy"

func writeJSONError(w http.ResponseWriter, status int, code string) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("X-Amzn-Errortype", code)
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"__type":%q,"message":%q}`, code, faultMessage)
}

func writeQueryError(w http.ResponseWriter, status int, code string) {
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(status)
	fmt.Fprintf(w, `<ErrorResponse><Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>fault</RequestId></ErrorResponse>`, code, faultMessage)
}

func writeEC2Error(w http.ResponseWriter, status int, code string) {
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(status)
	fmt.Fprintf(w, `<Response><Errors><Error><Code>%s</Code><Message>%s</Message></Error></Errors><RequestID>fault</RequestID></Response>`, code, faultMessage)
}

// writeS3Error answers in S3's shape; S3 Control wraps it in
// ErrorResponse. Both are signed as "s3": the path tells them apart (S3
// Control's start with /v20180820/).
func writeS3Error(w http.ResponseWriter, control bool, status int, code string) {
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(status)
	e := fmt.Sprintf(`<Error><Code>%s</Code><Message>%s</Message><RequestId>fault</RequestId></Error>`, code, faultMessage)
	if control {
		e = "<ErrorResponse>" + e + "</ErrorResponse>"
	}
	fmt.Fprint(w, e)
}
