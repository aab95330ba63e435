package awsx

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
)

// With an endpoint override, S3 Control reaches the override's own host:
// the account travels in the x-amz-account-id header, not in front of the
// host name (which would not resolve).
func TestS3ControlKeepsTheOverrideHost(t *testing.T) {
	type seen struct{ host, path, account string }
	got := make(chan seen, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- seen{r.Host, r.URL.Path, r.Header.Get("x-amz-account-id")}
		w.Header().Set("Content-Type", "application/xml")
		fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8"?>
<PublicAccessBlockConfiguration><BlockPublicAcls>true</BlockPublicAcls><IgnorePublicAcls>true</IgnorePublicAcls>`+
			`<BlockPublicPolicy>false</BlockPublicPolicy><RestrictPublicBuckets>true</RestrictPublicBuckets></PublicAccessBlockConfiguration>`)
	}))
	defer srv.Close()
	testEnv(t, srv.URL)
	s, err := Load(context.Background(), Options{Region: "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	out, err := ConfigFor{Session: s}.S3Control().GetPublicAccessBlock(context.Background(),
		&s3control.GetPublicAccessBlockInput{AccountId: aws.String("123456789012")})
	if err != nil {
		t.Fatalf("GetPublicAccessBlock: %v", err)
	}
	if c := out.PublicAccessBlockConfiguration; !aws.ToBool(c.BlockPublicAcls) || aws.ToBool(c.BlockPublicPolicy) {
		t.Errorf("configuration = %+v", c)
	}
	u, _ := url.Parse(srv.URL)
	want := seen{u.Host, "/v20180820/configuration/publicAccessBlock", "123456789012"}
	if g := <-got; g != want {
		t.Errorf("request = %+v, want %+v", g, want)
	}
}

// Against AWS itself the SDK's rules stand: the account leads the host.
func TestS3ControlWithoutOverride(t *testing.T) {
	testEnv(t, "")
	s, err := Load(context.Background(), Options{Region: "eu-west-1"})
	if err != nil {
		t.Fatal(err)
	}
	c := ConfigFor{Session: s}.S3Control()
	if _, ok := c.Options().EndpointResolverV2.(plainHostResolver); ok {
		t.Fatalf("the account prefix is dropped without an endpoint override")
	}
	ep, err := c.Options().EndpointResolverV2.ResolveEndpoint(context.Background(), s3control.EndpointParameters{
		Region: aws.String("eu-west-1"), AccountId: aws.String("123456789012"), RequiresAccountId: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	if ep.URI.Host != "123456789012.s3-control.eu-west-1.amazonaws.com" {
		t.Errorf("host = %s", ep.URI.Host)
	}
}
