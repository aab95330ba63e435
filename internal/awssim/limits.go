package awssim

import (
	"io"
	"net/http"
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
// organization-wide read goes through them.
//
//   - EC2: documented per account, Region and API; non-mutating actions
//     have a bucket of 100 refilled at 20 per second (Amazon EC2 API
//     reference, "Request throttling for the Amazon EC2 API").
//   - Account Management GetAlternateContact: 10 per second, burst 15, per
//     account (AWS Account Management reference, "Quotas").
//   - Organizations: AWS publishes no rate, only TooManyRequestsException
//     ("Quotas for AWS Organizations"); modelled at 10 per second, burst
//     20, for the whole organization (its management account), the low
//     end of what users report.
//   - IAM and STS: AWS publishes no rate for reads ("IAM and AWS STS
//     quotas" lists sizes only); modelled at 20 per second, burst 40, per
//     account, and STS at 50 per second, burst 100, per calling account
//     (AssumeRole into every member is called by the management account).
//   - S3 Control: modelled like IAM.
var DefaultLimits = map[string]Bucket{
	"ec2":                               {Rate: 20, Burst: 100},
	"account":                           {Rate: 10, Burst: 15},
	"organizations":                     {Rate: 10, Burst: 20},
	"iam":                               {Rate: 20, Burst: 40},
	"sts":                               {Rate: 50, Burst: 100},
	"s3-control":                        {Rate: 20, Burst: 40},
	"account POST /getAlternateContact": {Rate: 10, Burst: 15},
}

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
// account for a member, the member's), per Region for EC2.
func (s *Server) take(c call) bool {
	b, ok := s.org.Limits[c.service+" "+c.operation]
	if !ok {
		b, ok = s.org.Limits[c.service]
	}
	if !ok {
		return true
	}
	account := c.account
	if c.service == "account" {
		if id := jsonField(c.body, "AccountId"); id != "" {
			account = id
		}
	}
	key := c.service + "/" + account
	if c.service == "ec2" {
		key += "/" + c.region
	}
	v, loaded := s.buckets.Load(key)
	if !loaded {
		v, _ = s.buckets.LoadOrStore(key, &tokenBucket{b: b, tokens: b.Burst, last: time.Now()})
	}
	return v.(*tokenBucket).take(time.Now())
}

// maxBody bounds what the simulator reads of a request.
const maxBody = 1 << 20

func readBody(r *http.Request) ([]byte, error) {
	defer r.Body.Close()
	return io.ReadAll(io.LimitReader(r.Body, maxBody))
}
