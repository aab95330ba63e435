package awsx

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/smithy-go"
)

// SupportClient calls the AWS Support API for the one fact groundwork
// reads there: whether the account has a support plan above Basic. On
// Basic, every Support API call answers SubscriptionRequiredException.
//
// It is one signed JSON request rather than the SDK's service/support
// client because that module is not among the dependencies this build
// can fetch; the request is what the SDK would send (AWS JSON 1.1,
// Signature Version 4, service "support", us-east-1), and it honours the
// configuration's endpoint override, credentials and HTTP client. It
// makes one attempt: the detector reports a throttled or failed call as
// unknown rather than retrying.
type SupportClient struct {
	cfg aws.Config
}

// supportRegion is where the Support API answers for the aws partition.
const supportRegion = "us-east-1"

// Support returns the Support API client of the account; the Region of
// ConfigFor is ignored, the API answers in us-east-1.
func (c ConfigFor) Support() *SupportClient {
	c.Region = supportRegion
	return &SupportClient{cfg: c.Config()}
}

// DescribeSeverityLevels asks for the severity levels of a support case.
// It returns nil when the account's plan answers, and otherwise the
// service's error as a smithy.APIError (SubscriptionRequiredException
// on Basic support) or the transport's.
func (c *SupportClient) DescribeSeverityLevels(ctx context.Context) error {
	endpoint := "https://support." + supportRegion + ".amazonaws.com/"
	if c.cfg.BaseEndpoint != nil && *c.cfg.BaseEndpoint != "" {
		endpoint = strings.TrimSuffix(*c.cfg.BaseEndpoint, "/") + "/"
	}
	body := []byte(`{"language":"en"}`)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("support DescribeSeverityLevels: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "AWSSupport_20130415.DescribeSeverityLevels")
	if c.cfg.Credentials == nil {
		return fmt.Errorf("support DescribeSeverityLevels: no credentials")
	}
	creds, err := c.cfg.Credentials.Retrieve(ctx)
	if err != nil {
		return fmt.Errorf("support DescribeSeverityLevels: retrieve credentials: %w", err)
	}
	sum := sha256.Sum256(body)
	if err := v4.NewSigner().SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), "support", supportRegion, time.Now()); err != nil {
		return fmt.Errorf("support DescribeSeverityLevels: sign: %w", err)
	}
	var hc aws.HTTPClient = http.DefaultClient
	if c.cfg.HTTPClient != nil {
		hc = c.cfg.HTTPClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return fmt.Errorf("support DescribeSeverityLevels: %w", err)
	}
	defer resp.Body.Close()
	// An error answer is small; the bound keeps a broken endpoint from
	// feeding an unbounded body into memory.
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode/100 == 2 {
		return nil
	}
	return supportError(resp, answer)
}

// supportError reads an AWS JSON 1.1 error answer: the code from the
// X-Amzn-ErrorType header or the body's __type, without the namespace
// prefix ("com.amazonaws.support#"), and the body's message. An answer
// without a code is an HTTP status error, as the SDK reports it.
func supportError(resp *http.Response, answer []byte) error {
	var doc struct {
		Type        string `json:"__type"`
		Message     string `json:"message"`
		MessageCaps string `json:"Message"`
	}
	_ = json.Unmarshal(answer, &doc)
	code := resp.Header.Get("X-Amzn-ErrorType")
	if code == "" {
		code = doc.Type
	}
	code, _, _ = strings.Cut(code, ":")
	if i := strings.LastIndexByte(code, '#'); i >= 0 {
		code = code[i+1:]
	}
	if code == "" {
		return fmt.Errorf("support DescribeSeverityLevels: HTTP %d", resp.StatusCode)
	}
	fault := smithy.FaultClient
	if resp.StatusCode >= http.StatusInternalServerError {
		fault = smithy.FaultServer
	}
	msg := doc.Message
	if msg == "" {
		msg = doc.MessageCaps
	}
	return fmt.Errorf("support DescribeSeverityLevels: %w", &smithy.GenericAPIError{Code: code, Message: msg, Fault: fault})
}
