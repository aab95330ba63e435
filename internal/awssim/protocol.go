package awssim

import (
	"bytes"
	stdbase64 "encoding/base64"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
)

// call is one request as the simulator sees it.
type call struct {
	account, region, service, protocol, operation string
	form                                          url.Values     // query and EC2 protocols
	in                                            map[string]any // JSON and rest-JSON bodies
	body                                          []byte
	bucket                                        string // S3
	r                                             *http.Request
}

var (
	credentialScope = regexp.MustCompile(`Credential=([^/]+)/[^/]+/([^/]+)/([^/]+)/aws4_request`)
	// Keys the simulator hands out name their account: ASIA + 12 digits.
	simKey = regexp.MustCompile(`^ASIA(\d{12})`)
)

// maxBody bounds what the simulator reads of a request.
const maxBody = 1 << 20

// parseCall tells the caller's account (from the keys AssumeRole gave),
// the Region and service (from the signature's scope), the protocol and
// the operation: the X-Amz-Target's for JSON, Action for query and EC2,
// "METHOD /path" for rest-JSON and S3 Control, and for S3 the method and
// the bucket's subresource ("GET ?policy", "PUT bucket", "GET /").
func parseCall(r *http.Request) (*call, error) {
	defer r.Body.Close()
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
	if err != nil {
		return nil, err
	}
	c := &call{account: Management, body: body, r: r}
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
		c.in = decodeJSON(body)
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
		c.bucket, _, _ = strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
		c.operation = s3Operation(r.Method, c.bucket, r.URL.Query())
	default:
		c.protocol = "rest-json"
		c.operation = r.Method + " " + r.URL.Path
		c.in = decodeJSON(body)
	}
	return c, nil
}

// s3Subresources are the bucket subresources served, in the order they
// are looked for in a query.
var s3Subresources = []string{"policyStatus", "policy", "versioning", "encryption", "publicAccessBlock", "lifecycle", "logging", "acl", "location"}

func s3Operation(method, bucket string, q url.Values) string {
	if bucket == "" {
		return method + " /"
	}
	for _, sub := range s3Subresources {
		if q.Has(sub) {
			return method + " ?" + sub
		}
	}
	return method + " bucket"
}

func decodeJSON(body []byte) map[string]any {
	var m map[string]any
	if json.Unmarshal(body, &m) != nil {
		return map[string]any{}
	}
	return m
}

// str is a string field of a JSON request.
func (c *call) str(name string) string {
	v, _ := c.in[name].(string)
	return v
}

// strs is a list of strings of a JSON request.
func (c *call) strs(name string) []string {
	var out []string
	list, _ := c.in[name].([]any)
	for _, v := range list {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// obj is an object of a JSON request.
func (c *call) obj(name string) map[string]any {
	v, _ := c.in[name].(map[string]any)
	return v
}

// members are a query request's list: name.member.1, name.member.2 ...
// (or name.1 ... for EC2).
func (c *call) members(name string) []string {
	var out []string
	for i := 1; ; i++ {
		v, ok := c.form[fmt.Sprintf("%s.member.%d", name, i)]
		if !ok {
			v, ok = c.form[fmt.Sprintf("%s.%d", name, i)]
		}
		if !ok {
			return out
		}
		out = append(out, v[0])
	}
}

// writeJSON answers a JSON or rest-JSON call.
func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	if v == nil {
		v = map[string]any{}
	}
	_ = json.NewEncoder(w).Encode(v)
}

// writeQuery answers a query-protocol call: result is the inside of
// <OpResult>.
func writeQuery(w http.ResponseWriter, c *call, result string) {
	w.Header().Set("Content-Type", "text/xml")
	op := c.operation
	fmt.Fprintf(w, `<%sResponse><%sResult>%s</%sResult><ResponseMetadata><RequestId>sim</RequestId></ResponseMetadata></%sResponse>`, op, op, result, op, op)
}

// writeEC2 answers an EC2 call: result is the inside of <OpResponse>.
func writeEC2(w http.ResponseWriter, c *call, result string) {
	w.Header().Set("Content-Type", "text/xml")
	fmt.Fprintf(w, `<%sResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>sim</requestId>%s</%sResponse>`, c.operation, result, c.operation)
}

// writeXML answers an S3 or S3 Control call.
func writeXML(w http.ResponseWriter, body string) {
	w.Header().Set("Content-Type", "application/xml")
	fmt.Fprint(w, body)
}

func base64(s string) string { return stdbase64.StdEncoding.EncodeToString([]byte(s)) }

// esc escapes text for XML.
func esc(s string) string {
	var b bytes.Buffer
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

// el is an XML element holding escaped text.
func el(name, text string) string { return "<" + name + ">" + esc(text) + "</" + name + ">" }

// notImplemented answers as an endpoint lacking the operation.
func notImplemented(w http.ResponseWriter, c *call) {
	writeError(w, c, http.StatusNotImplemented, "NotImplemented", "awssim does not serve "+c.service+" "+c.operation)
}

// throttle answers a throttling error in the service's own shape and
// code, as AWS does.
func throttle(w http.ResponseWriter, c *call) {
	switch c.service {
	case "organizations", "account":
		writeError(w, c, http.StatusBadRequest, "TooManyRequestsException", "Rate exceeded")
	case "ec2":
		writeError(w, c, http.StatusServiceUnavailable, "RequestLimitExceeded", "Request limit exceeded.")
	case "s3", "s3-control":
		writeError(w, c, http.StatusServiceUnavailable, "SlowDown", "Please reduce your request rate.")
	case "kms", "cloudtrail", "config", "logs", "events", "ssm":
		writeError(w, c, http.StatusBadRequest, "ThrottlingException", "Rate exceeded")
	default:
		writeError(w, c, http.StatusBadRequest, "Throttling", "Rate exceeded")
	}
}

// writeError answers an error in the protocol's shape: JSON 1.0/1.1
// (__type), rest-json (X-Amzn-Errortype), query (ErrorResponse), EC2
// (Response/Errors), S3 (Error) and S3 Control (ErrorResponse/Error).
func writeError(w http.ResponseWriter, c *call, status int, code, msg string) {
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
		fmt.Fprintf(w, `<ErrorResponse><Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>sim</RequestId></ErrorResponse>`, code, esc(msg))
	case "ec2":
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(status)
		fmt.Fprintf(w, `<Response><Errors><Error><Code>%s</Code><Message>%s</Message></Error></Errors><RequestID>sim</RequestID></Response>`, code, esc(msg))
	case "s3control":
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(status)
		fmt.Fprintf(w, `<ErrorResponse><Error><Code>%s</Code><Message>%s</Message></Error></ErrorResponse>`, code, esc(msg))
	default:
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(status)
		if c.r != nil && c.r.Method == http.MethodHead {
			return // a HEAD answer has no body; the SDK reads the status
		}
		fmt.Fprintf(w, `<Error><Code>%s</Code><Message>%s</Message></Error>`, code, esc(msg))
	}
}

// notFound answers a missing resource with the service's code, as 400
// for JSON and query protocols (as AWS does) and 404 for REST ones.
func notFound(w http.ResponseWriter, c *call, code, what string) {
	status := http.StatusBadRequest
	if c.protocol == "rest-json" || c.protocol == "rest-xml" || c.protocol == "s3control" {
		status = http.StatusNotFound
	}
	if c.protocol == "query" && c.service == "iam" {
		status = http.StatusNotFound
	}
	writeError(w, c, status, code, what)
}
