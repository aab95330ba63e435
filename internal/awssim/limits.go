package awssim

import (
	"sync"
	"time"
)

// Bucket is a token bucket: Burst calls at once, refilled at Rate per
// second.
type Bucket struct {
	Rate  float64
	Burst float64
}

// DefaultLimits are the buckets the simulator models, by service (and
// "service operation" where AWS documents one operation apart). Each
// account has its own bucket per service, per Region for regional
// services (EC2), as AWS throttles them; the management account's
// Organizations and Account calls are the scarcest because every
// organization-wide read goes through them (or, for Organizations
// reads, through a delegated administrator's).
//
//   - EC2: documented per account, Region and API; non-mutating actions
//     have a bucket of 100 refilled at 20 per second (Amazon EC2 API
//     reference, "Request throttling for the Amazon EC2 API").
//   - Account Management GetAlternateContact: 10 per second, burst 15, per
//     account (AWS Account Management reference, "Quotas").
//   - Organizations: AWS publishes no rate, only TooManyRequestsException
//     ("Quotas for AWS Organizations"); modelled at 10 per second, burst
//     20, the low end of what users report, per calling account: the
//     management account and each delegated administrator (the members
//     that may read Organizations, see orgAuthorized) have a bucket of
//     their own, as AWS throttles per account. AWS publishes no rate, so
//     that the rate is per calling account is part of the same
//     assumption.
//   - IAM and STS: AWS publishes no rate for reads ("IAM and AWS STS
//     quotas" lists sizes only); modelled at 20 per second, burst 40, per
//     account, and STS at 50 per second, burst 100, per calling account
//     (AssumeRole into every member is called by the management account).
//   - S3 Control: modelled like IAM.
//   - CloudWatch Logs, CloudWatch, CloudTrail: documented per account and
//     Region ("CloudWatch Logs quotas": DescribeLogGroups 10, DescribeMetricFilters
//     and PutMetricFilter 5 per second; "CloudWatch service quotas":
//     DescribeAlarms 9, PutMetricAlarm 3; "Quotas in AWS CloudTrail": 10
//     per second for its read and write APIs), modelled as buckets of
//     the same size.
//   - Config, KMS, SNS, EventBridge, S3: AWS publishes rates for some
//     operations only; modelled at the low end of those per account and
//     Region (Config 10, SNS 30, EventBridge 50, KMS management 100, S3
//     3,500 writes per prefix, far above what a read reaches).
var DefaultLimits = map[string]Bucket{
	"ec2":                               {Rate: 20, Burst: 100},
	"account":                           {Rate: 10, Burst: 15},
	"organizations":                     {Rate: 10, Burst: 20},
	"iam":                               {Rate: 20, Burst: 40},
	"sts":                               {Rate: 50, Burst: 100},
	"s3-control":                        {Rate: 20, Burst: 40},
	"account POST /getAlternateContact": {Rate: 10, Burst: 15},
	"logs":                              {Rate: 10, Burst: 10},
	"logs DescribeMetricFilters":        {Rate: 5, Burst: 5},
	"logs PutMetricFilter":              {Rate: 5, Burst: 5},
	"monitoring":                        {Rate: 9, Burst: 9},
	"monitoring PutMetricAlarm":         {Rate: 3, Burst: 3},
	"cloudtrail":                        {Rate: 10, Burst: 10},
	"config":                            {Rate: 10, Burst: 20},
	"kms":                               {Rate: 100, Burst: 100},
	"sns":                               {Rate: 30, Burst: 30},
	"events":                            {Rate: 50, Burst: 50},
}

// global are the services whose buckets are per account only; the
// others' are per account and Region.
var globalServices = map[string]bool{"organizations": true, "account": true, "iam": true, "sts": true, "s3-control": true}

// tokenBucket is one account's bucket for one API.
type tokenBucket struct {
	mu     sync.Mutex
	b      Bucket
	tokens float64
	last   time.Time
}

func (t *tokenBucket) take(now time.Time) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.tokens = min(t.b.Burst, t.tokens+now.Sub(t.last).Seconds()*t.b.Rate)
	t.last = now
	if t.tokens < 1 {
		return false
	}
	t.tokens--
	return true
}

// take spends a token of the call's bucket; false means throttled. The
// bucket is the account's (for Account calls made by the management
// account for a member, the member's), per Region for regional services.
func (s *Server) take(c *call) bool {
	name := c.service + " " + c.operation // an operation's own bucket
	b, ok := s.org.Limits[name]
	if !ok {
		name = c.service
		b, ok = s.org.Limits[name]
	}
	if !ok {
		return true
	}
	account := c.account
	if c.service == "account" {
		if id := c.str("AccountId"); id != "" {
			account = id
		}
	}
	key := name + "/" + account
	if !globalServices[c.service] {
		key += "/" + c.region
	}
	v, loaded := s.buckets.Load(key)
	if !loaded {
		v, _ = s.buckets.LoadOrStore(key, &tokenBucket{b: b, tokens: b.Burst, last: time.Now()})
	}
	return v.(*tokenBucket).take(time.Now())
}
