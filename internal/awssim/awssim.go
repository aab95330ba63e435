// Package awssim is an AWS API simulator at the HTTP level, for benchmarks
// and tests only: it serves a generated organization of many accounts
// and Regions to the real AWS SDK (through AWS_ENDPOINT_URL), with a
// latency drawn per call and AWS-like throttling, so that what is
// measured is groundwork with the SDK's serialisation, signing and
// retries, at a scale moto cannot hold (moto keeps about 50 MB per
// account).
//
// It serves every read a plan and an audit of groundwork make
// (Organizations, Account, STS, IAM, S3, S3 Control, EC2, RDS, EFS, KMS,
// CloudTrail, Config, CloudWatch Logs, CloudWatch, SNS, EventBridge,
// Budgets, Cost and Usage Reports, Cost Explorer, Security Hub, Access
// Analyzer, Macie, IAM Identity Center, ECS, EKS, Lambda, SSM) and the
// writes apply makes to give existing accounts the foundation's
// baselines, statefully: what is written is read back. Each account's
// state is generated on its first call (see Org.Bare for the two
// shapes) and kept in memory, a few kilobytes per account and Region.
// Any other operation is answered as an endpoint lacking it answers
// (HTTP 501, NotImplemented, in the service's own error shape), which
// groundwork records as "not read" where a read may be left unknown and
// fails where it may not; NotServed lists them.
//
// The rates it models, and where they come from, are in Limits and
// docs/benchmarks.md.
package awssim

import (
	"fmt"
	"math/rand/v2"
	"net/http"
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
	// Bare makes every account as it was before groundwork: default VPCs,
	// no password policy, no account-level S3 Block Public Access, no
	// alternate contacts, no Config, no organization trail, and the
	// organization without trusted access or delegated administrators.
	// Otherwise the accounts carry the foundation's baselines, as
	// groundwork's apply leaves them, with a few deliberate
	// misconfigurations in some (see flaws.go), and IAM users, buckets,
	// keys, VPCs and security groups of their own; and the organization
	// has the starter foundation's trusted access and delegated
	// administrators (FoundationTrustedAccess, FoundationDelegatedAdmins),
	// which may then read Organizations as AWS lets them.
	Bare bool
	// Flawless leaves the deliberate misconfigurations out of an
	// organization that is not bare: every account is exactly as the
	// starter foundation's apply leaves it.
	Flawless bool
	// Latency, when set, draws the time each call takes.
	Latency func() time.Duration
	// Limits are the token buckets; DefaultLimits when nil.
	Limits map[string]Bucket
	// Seed makes the latencies reproducible.
	Seed uint64
}

// Management is the management account's ID.
const Management = "100000000000"

// The foundation's accounts are the first three members; the others are
// workloads.
const (
	LogArchive      = 0
	SecurityTooling = 1
	IdentityCenter  = 2
	// Foundation is how many members the foundation's accounts take.
	Foundation = 3
)

var foundationNames = [Foundation]string{"log-archive", "security-tooling", "identity-center"}

// MemberID is the ID of member account i (0-based).
func MemberID(i int) string { return fmt.Sprintf("2%011d", i) }

// MemberKey is the spec's key of member account i: the foundation's
// account names for the first three, then workloads such as
// app00042-prod.
func MemberKey(i int) string {
	if i < Foundation {
		return foundationNames[i]
	}
	return fmt.Sprintf("app%05d-prod", i)
}

// MemberName is the name of member account i under the starter
// foundation's naming: log-archive-primary, app00042-prod-primary.
func MemberName(i int) string { return MemberKey(i) + "-primary" }

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

// Server is a running simulator: an http.Handler with its counts. It is
// safe for concurrent use.
type Server struct {
	org       Org
	buckets   sync.Map // bucket key -> *tokenBucket
	calls     sync.Map // "service operation" -> *atomic.Int64
	notServed sync.Map // "service operation" -> *atomic.Int64
	// orgCallers counts Organizations calls by calling account.
	orgCallers sync.Map
	accounts   sync.Map // account ID -> *account
	// madeBuckets are the buckets CreateBucket made, by name (S3's names
	// are global); generated ones are found through the account their
	// name carries.
	madeBuckets sync.Map
	orgOnce     sync.Once
	orgWrites   *orgState // what was written to Organizations
	// Throttled counts the calls answered with a throttling error.
	Throttled atomic.Int64
	// Writes counts the calls that changed the state.
	Writes atomic.Int64
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
func (s *Server) Calls() map[string]int64 { return counts(&s.calls) }

// NotServed returns the calls answered NotImplemented, by "service
// operation": what a measured run must not make.
func (s *Server) NotServed() map[string]int64 { return counts(&s.notServed) }

func counts(m *sync.Map) map[string]int64 {
	out := map[string]int64{}
	m.Range(func(k, v any) bool { out[k.(string)] = v.(*atomic.Int64).Load(); return true })
	return out
}

func count(m *sync.Map, key string) {
	n, _ := m.LoadOrStore(key, new(atomic.Int64))
	n.(*atomic.Int64).Add(1)
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c, err := parseCall(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	count(&s.calls, c.service+" "+c.operation)
	if c.service == "organizations" {
		count(&s.orgCallers, c.account)
	}
	if s.org.Latency != nil {
		time.Sleep(s.org.Latency())
	}
	if !s.take(c) {
		s.Throttled.Add(1)
		throttle(w, c)
		return
	}
	h, ok := services[c.service][c.operation]
	if !ok {
		count(&s.notServed, c.service+" "+c.operation)
		notImplemented(w, c)
		return
	}
	h(s, w, c)
}

// handler serves one operation.
type handler func(s *Server, w http.ResponseWriter, c *call)

// services are the operations served, by the service's signing name and
// the operation as parseCall names it.
var services = map[string]map[string]handler{}

// serve registers a service's operations; each service's file calls it
// from init.
func serve(service string, ops map[string]handler) {
	if services[service] == nil {
		services[service] = map[string]handler{}
	}
	for op, h := range ops {
		if _, dup := services[service][op]; dup {
			panic("awssim: " + service + " " + op + " served twice")
		}
		services[service][op] = h
	}
}
