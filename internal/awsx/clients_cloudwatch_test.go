package awsx

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
)

// TestCloudWatchSpeaksTheQueryProtocol pins what clients_cloudwatch.go
// explains: the CloudWatch client must send AWS query requests (a form
// with Action=...), which both AWS and moto serve, not RPC v2 CBOR, which
// moto does not. A service/cloudwatch upgrade that switches protocols
// fails here, in a second, instead of in the end-to-end tests.
func TestCloudWatchSpeaksTheQueryProtocol(t *testing.T) {
	var contentType string
	var form url.Values
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		contentType = r.Header.Get("Content-Type")
		body, _ := io.ReadAll(r.Body)
		form, _ = url.ParseQuery(string(body))
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprint(w, `<PutMetricAlarmResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/"><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></PutMetricAlarmResponse>`)
	}))
	t.Cleanup(srv.Close)
	testEnv(t, srv.URL)
	s, err := Load(context.Background(), Options{Region: "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	client := ConfigFor{Session: s, Region: "eu-west-1"}.CloudWatch()
	_, err = client.PutMetricAlarm(context.Background(), &cloudwatch.PutMetricAlarmInput{
		AlarmName: aws.String("RootUserActivityAlarm"), Namespace: aws.String("LogMetrics"), MetricName: aws.String("RootUserActivity"),
		Statistic: types.StatisticSum, Period: aws.Int32(300), EvaluationPeriods: aws.Int32(1), Threshold: aws.Float64(1),
		ComparisonOperator: types.ComparisonOperatorGreaterThanOrEqualToThreshold,
	})
	if err != nil {
		t.Fatalf("PutMetricAlarm: %v", err)
	}
	if contentType != "application/x-www-form-urlencoded" || form.Get("Action") != "PutMetricAlarm" || form.Get("AlarmName") != "RootUserActivityAlarm" {
		t.Errorf("CloudWatch request is not the query protocol: Content-Type %q, form %v", contentType, form)
	}
}
