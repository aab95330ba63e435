package testenv

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"
)

// moto has no IAM Access Analyzer. The servers Moto starts come with this
// narrow fake of it, which Env points the SDKs and the CLI at
// (AWS_ENDPOINT_URL_ACCESSANALYZER): it keeps analyzers by account and
// Region and answers the two operations tests use, CreateAnalyzer and
// ListAnalyzers (one page, status ACTIVE). The account is the one moto
// holds the request's access key for, asked of moto's STS, which does not
// check signatures; the Region is the one the request is signed for.
// Server.Reset empties it with moto.

// analyzerFake is the fake's state and its HTTP server.
type analyzerFake struct {
	srv  *httptest.Server
	moto string // moto's endpoint, to ask for accounts

	mu        sync.Mutex
	analyzers map[string][]fakeAnalyzer // by "account region"
	accounts  map[string]string         // access key -> account
}

type fakeAnalyzer struct {
	Arn       string `json:"arn"`
	Name      string `json:"name"`
	Type      string `json:"type"`
	Status    string `json:"status"`
	CreatedAt string `json:"createdAt"`
}

func startAnalyzerFake(motoEndpoint string) *analyzerFake {
	f := &analyzerFake{moto: motoEndpoint, analyzers: map[string][]fakeAnalyzer{}, accounts: map[string]string{}}
	f.srv = httptest.NewServer(f)
	return f
}

func (f *analyzerFake) reset() {
	f.mu.Lock()
	defer f.mu.Unlock()
	clear(f.analyzers)
	clear(f.accounts)
}

// signedScope finds the access key and Region of a SigV4 request.
var signedScope = regexp.MustCompile(`Credential=([^/]+)/[0-9]+/([^/]+)/`)

func (f *analyzerFake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	m := signedScope.FindStringSubmatch(r.Header.Get("Authorization"))
	if m == nil {
		fakeError(w, http.StatusForbidden, "UnrecognizedClientException", "the request is not signed")
		return
	}
	account, err := f.account(m[1])
	if err != nil {
		// moto refuses to say whose key it is when it enforces IAM and the
		// key is not allowed: refuse the request as moto would.
		fakeError(w, http.StatusForbidden, "AccessDenied", err.Error())
		return
	}
	place := account + " " + m[2]
	switch {
	case r.Method == http.MethodGet && r.URL.Path == "/analyzer":
		f.mu.Lock()
		as := append([]fakeAnalyzer{}, f.analyzers[place]...)
		f.mu.Unlock()
		if t := r.URL.Query().Get("type"); t != "" {
			var kept []fakeAnalyzer
			for _, a := range as {
				if a.Type == t {
					kept = append(kept, a)
				}
			}
			as = kept
		}
		writeJSON(w, map[string]any{"analyzers": append([]fakeAnalyzer{}, as...)})
	case r.Method == http.MethodPut && r.URL.Path == "/analyzer":
		var in struct{ AnalyzerName, Type string }
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil || in.AnalyzerName == "" {
			fakeError(w, http.StatusBadRequest, "ValidationException", "analyzerName is required")
			return
		}
		if in.Type == "" {
			in.Type = "ACCOUNT"
		}
		arn := fmt.Sprintf("arn:aws:access-analyzer:%s:%s:analyzer/%s", m[2], account, in.AnalyzerName)
		f.mu.Lock()
		f.analyzers[place] = append(f.analyzers[place], fakeAnalyzer{Arn: arn, Name: in.AnalyzerName, Type: in.Type,
			Status: "ACTIVE", CreatedAt: time.Now().UTC().Format(time.RFC3339)})
		f.mu.Unlock()
		writeJSON(w, map[string]string{"arn": arn})
	default:
		fakeError(w, http.StatusNotImplemented, "NotImplemented", r.Method+" "+r.URL.Path+" is not in the Access Analyzer fake")
	}
}

// account is the account moto holds the access key for, from moto's STS
// GetCallerIdentity with the key and no valid signature.
func (f *analyzerFake) account(key string) (string, error) {
	f.mu.Lock()
	id, ok := f.accounts[key]
	f.mu.Unlock()
	if ok {
		return id, nil
	}
	req, err := http.NewRequest(http.MethodPost, f.moto+"/", strings.NewReader(url.Values{
		"Action": {"GetCallerIdentity"}, "Version": {"2011-06-15"}}.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+key+"/20260101/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=0")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", fmt.Errorf("ask moto for the account of %s: %w", key, err)
	}
	defer resp.Body.Close()
	var out struct {
		Result struct{ Account string } `xml:"GetCallerIdentityResult"`
	}
	if err := decodeXML(resp, &out); err != nil || out.Result.Account == "" {
		return "", fmt.Errorf("ask moto for the account of %s: HTTP %d: %v", key, resp.StatusCode, err)
	}
	f.mu.Lock()
	f.accounts[key] = out.Result.Account
	f.mu.Unlock()
	return out.Result.Account, nil
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v) //nolint:errcheck // the client sees a short body
}

func fakeError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Amzn-Errortype", code)
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"message": msg}) //nolint:errcheck // as above
}

func decodeXML(resp *http.Response, v any) error { return xml.NewDecoder(resp.Body).Decode(v) }
