package estate

import (
	"cmp"
	"slices"
	"strings"
	"time"
)

// Posture is what the audit reads in every account and Region whatever
// the spec says, to judge the estate against the guidance and the CIS AWS
// Foundations Benchmark: IAM users and their credentials, workloads in
// the management account, S3 buckets open to the public and KMS key
// rotation (the trails each account sees are the logging layer's
// survey's: Logging.Trails). It is only ever actual.
//
// Each part is a map whose keys are where it was read: an account key
// (as in Where.Account) for account-wide parts, Where.String() ("account
// Region") for regional ones. A place without an entry was not read (the
// service refused, or it is outside the scope): checks make no judgement
// there. An entry with no resources was read and holds none.
type Posture struct {
	// AsOf is when the layer was read: checks measure credential ages
	// against it, never against the clock, so that they stay pure.
	AsOf time.Time
	// Accounts are the accounts read, sorted; Regions the Regions;
	// HomeRegion where account-wide APIs (IAM, S3's bucket list) were
	// called.
	Accounts   []string
	Regions    []string
	HomeRegion string

	// Users are the IAM users of the credential report, by account.
	Users map[string][]*PostureUser
	// Workloads are what runs in the management account, by
	// Where.String(): read only there, which guidance 004 asks to keep
	// free of workloads.
	Workloads map[string][]*Workload
	// Buckets are the S3 buckets by account.
	Buckets map[string][]*PostureBucket
	// Keys are the enabled symmetric customer-managed KMS keys, by
	// Where.String().
	Keys map[string][]*PostureKey
	// The account-wide IAM facts of posture_iam.go, by account: the root
	// user's credential report row, the customer-managed policies attached
	// to someone, who holds the AWS managed policies the CIS benchmark
	// names, and the IAM server certificates.
	Roots              map[string]*PostureRoot               `json:",omitempty"`
	Policies           map[string][]*PosturePolicy           `json:",omitempty"`
	PolicyEntities     map[string]map[string]*PolicyEntities `json:",omitempty"`
	ServerCertificates map[string][]*ServerCertificate       `json:",omitempty"`
}

// NewPosture returns an empty posture layer read at asOf.
func NewPosture(asOf time.Time) *Posture {
	return &Posture{
		AsOf: asOf, Users: map[string][]*PostureUser{}, Workloads: map[string][]*Workload{},
		Buckets: map[string][]*PostureBucket{}, Keys: map[string][]*PostureKey{},
		Roots: map[string]*PostureRoot{}, Policies: map[string][]*PosturePolicy{},
		PolicyEntities: map[string]map[string]*PolicyEntities{}, ServerCertificates: map[string][]*ServerCertificate{},
	}
}

// PostureUser is one row of an account's IAM credential report, with the
// policies attached to the user directly.
type PostureUser struct {
	Name    string
	ARN     string
	Created time.Time
	// Password says whether the user can sign in to the console;
	// PasswordLastUsed is zero when the password was never used (or the
	// report has no information).
	Password         bool
	PasswordLastUsed time.Time
	MFA              bool
	// AccessKeys are the user's two access key slots, in report order.
	AccessKeys [2]AccessKey
	// Policies are the policies attached to the user rather than to its
	// groups; nil when they could not be read.
	Policies *UserPolicies `json:",omitempty"`
}

// AccessKey is one access key slot of a credential report row. An empty
// slot is inactive.
type AccessKey struct {
	Active bool
	// LastRotated is when the key was created or last rotated; LastUsed
	// zero when it was never used.
	LastRotated time.Time
	LastUsed    time.Time
}

// ActiveKeys returns the user's active access keys.
func (u *PostureUser) ActiveKeys() []AccessKey {
	var out []AccessKey
	for _, k := range u.AccessKeys {
		if k.Active {
			out = append(out, k)
		}
	}
	return out
}

// UserPolicies are the policies attached directly to an IAM user.
type UserPolicies struct {
	// Managed are the ARNs of attached managed policies; Inline the names
	// of inline policies.
	Managed []string `json:",omitempty"`
	Inline  []string `json:",omitempty"`
}

// The kinds of workload the posture layer looks for.
const (
	WorkloadEC2Instance    = "ec2-instance"
	WorkloadRDSInstance    = "rds-instance"
	WorkloadLambdaFunction = "lambda-function"
	WorkloadECSCluster     = "ecs-cluster"
	WorkloadEKSCluster     = "eks-cluster"
)

// Workload is a resource that runs something: an EC2 instance that is not
// terminated, an RDS DB instance, a Lambda function, an ECS or EKS
// cluster.
type Workload struct {
	Where
	Kind string // WorkloadEC2Instance, ...
	// ID is the resource's identifier within its kind: instance ID, DB
	// instance identifier, function name, cluster name.
	ID string
	// State is what the service says of it where it says something
	// ("running", "stopped", "available"); may be empty.
	State string `json:",omitempty"`
}

// PostureBucket is an S3 bucket and what could make it public. The facts are
// recorded raw: whether the bucket is in fact public depends on the
// account-level Block Public Access too, which the hardening layer reads.
type PostureBucket struct {
	Where // the owning account and the bucket's Region
	Name  string
	// Block is the bucket's own Block Public Access configuration, all
	// off when none is set; nil when it could not be read.
	Block *PublicAccessBlock
	// PolicyPublic says whether S3 judges the bucket policy public
	// (GetBucketPolicyStatus), false when there is no policy; nil when it
	// could not be read.
	PolicyPublic *bool
	// PublicGrants are the ACL grants to everyone ("AllUsers") or to any
	// AWS account ("AuthenticatedUsers"), as "Grantee:Permission".
	PublicGrants []string `json:",omitempty"`
	// ACLRead says whether the ACL was read: without it, no grants says
	// nothing.
	ACLRead bool
}

// PostureKey is an enabled symmetric customer-managed KMS key.
type PostureKey struct {
	Where
	ID  string
	ARN string
	// Rotation is whether automatic rotation is on; nil when the status
	// could not be read.
	Rotation *bool
}

// PlaceKey is the key of a regional part of the layer: Where.String().
func PlaceKey(account AccountKey, region string) string {
	return Where{Account: account, Region: region}.String()
}

// SortedKeys returns every key, by place and ID.
func (p *Posture) SortedKeys() []*PostureKey {
	return sortedSightings(p.Keys, func(k *PostureKey) string { return k.ID })
}

// SortedWorkloads returns every workload, by place, kind and ID.
func (p *Posture) SortedWorkloads() []*Workload {
	return sortedSightings(p.Workloads, func(w *Workload) string { return w.Kind + "/" + w.ID })
}

// sortedSightings flattens a map of placed resources and orders them by
// place, then by name.
func sortedSightings[T interface{ place() Where }](m map[string][]T, name func(T) string) []T {
	var out []T
	for _, vs := range m {
		out = append(out, vs...)
	}
	slices.SortFunc(out, func(a, b T) int {
		wa, wb := a.place(), b.place()
		return cmp.Or(cmp.Compare(wa.Account, wb.Account), strings.Compare(wa.Region, wb.Region),
			strings.Compare(name(a), name(b)))
	})
	return out
}

func (k *PostureKey) place() Where { return k.Where }
func (w *Workload) place() Where   { return w.Where }
