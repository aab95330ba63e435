package inventory_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/inventory"
)

// A failure at one place is that part not read there; an endpoint lacking
// the service is said once, for every place; without Warn the error ends
// the collection.
func TestPlaceReadsSaysWhatAFailureMeans(t *testing.T) {
	var warned []inventory.Unread
	p := inventory.NewPlaceReads(inventory.Options{Warn: func(err error) { warned = append(warned, inventory.UnreadOf(err)) }})
	ctx := context.Background()
	at := estate.Location{Account: "111111111111", Region: "eu-west-1"}
	if err := p.Failed(ctx, nil, "x/part", at); err != nil || len(warned) != 0 {
		t.Fatalf("no error: %v, warned %v", err, warned)
	}
	if err := p.Failed(ctx, errors.New("AccessDenied"), "x/part", at); err != nil {
		t.Fatal(err)
	}
	lacking := &awshttp.ResponseError{ResponseError: &smithyhttp.ResponseError{
		Response: &smithyhttp.Response{Response: &http.Response{StatusCode: 500}}, Err: errors.New("html")}}
	for range 3 {
		if err := p.Failed(ctx, lacking, "x/other", at); err != nil {
			t.Fatal(err)
		}
	}
	if len(warned) != 2 || warned[0].Account != "111111111111" || warned[0].Region != "eu-west-1" ||
		warned[1].Read != "x/other" || warned[1].Account != "" || warned[1].Region != "" {
		t.Errorf("warned %+v; want x/part at the place, then x/other once for every place", warned)
	}
	strict := inventory.NewPlaceReads(inventory.Options{})
	if err := strict.Failed(ctx, errors.New("boom"), "x/part", at); err == nil {
		t.Error("without Warn, a failure must end the collection")
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := p.Failed(cancelled, errors.New("late"), "x/part", at); !errors.Is(err, context.Canceled) {
		t.Errorf("a cancelled read: %v, want the cancellation", err)
	}
}
