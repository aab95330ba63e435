package estate

import (
	"sort"
	"strings"
)

// Logging is the central logging layer: KMS keys, log buckets, the
// organization trail with its CloudWatch Logs group and role, and AWS
// Config in every account and Region with its aggregator and rules
// (guidance 000 to 004). Resources are keyed by Where plus a name; an
// account is named by its e-mail key, as everywhere in the estate.
type Logging struct {
	Keys        map[string]*Key
	Buckets     map[string]*Bucket // by bucket name
	Trails      map[string]*Trail
	LogGroups   map[string]*LogGroup
	Roles       map[string]*IAMRole
	Recorders   map[string]*Recorder // one per account and Region
	Aggregators map[string]*Aggregator
	Rules       map[string]*ConfigRule
	// Scope lists the accounts and Regions Config was read in (actual) or
	// is wanted in (desired), so that a missing recorder can be told from
	// an unread one.
	Scope []Where
	// TrailsRead lists the accounts and Regions whose trails were read
	// (the audit's survey reads them everywhere; plan reads only the
	// trails the spec names, and leaves it empty), sorted: an account
	// with a place here and no trail in sight is an account no trail
	// covers.
	TrailsRead []Where `json:",omitempty"`
	// HomeRegion is where account-wide things belong (global resources
	// recorded, global Config rules): the spec's home Region, or the
	// audit's without a spec. "" in what plan reads.
	HomeRegion string `json:",omitempty"`
	// UnnamedKeys are keys groundwork made (Alias holds the alias its tag
	// says they were made for) that no alias names: left by a lost
	// response or an interrupted apply. Read where the layer's keys live,
	// sorted by ID; actual estates only.
	UnnamedKeys []*Key `json:",omitempty"`
}

// NewLogging returns an empty logging layer.
func NewLogging() *Logging {
	return &Logging{
		Keys: map[string]*Key{}, Buckets: map[string]*Bucket{}, Trails: map[string]*Trail{},
		LogGroups: map[string]*LogGroup{}, Roles: map[string]*IAMRole{}, Recorders: map[string]*Recorder{},
		Aggregators: map[string]*Aggregator{}, Rules: map[string]*ConfigRule{},
	}
}

// AccountKey names an account in the estate: the EmailKey of its root
// e-mail address, or ManagementKey for the management account in desired
// layers. It is what Where holds and what layers record resources by.
type AccountKey string

// AccountID is the 12-digit number AWS gives an account, which clients,
// ARNs and AWS APIs use. Location holds it.
type AccountID string

// Where is an account (by AccountKey) and a Region; IAM resources, which
// are global, leave Region empty.
type Where struct {
	Account AccountKey
	Region  string
}

// Key of a resource named name at w: "account/region/name".
func (w Where) Key(name string) string { return string(w.Account) + "/" + w.Region + "/" + name }

func (w Where) String() string {
	if w.Region == "" {
		return string(w.Account)
	}
	return string(w.Account) + " " + w.Region
}

// Location is an account by its AWS ID and a Region: where clients are
// built and what ARNs name. Env.At and inventory.Account.In turn a Where
// into one.
type Location struct {
	Account AccountID
	Region  string
}

// Key of a resource named name at l: "account-id/region/name".
func (l Location) Key(name string) string { return string(l.Account) + "/" + l.Region + "/" + name }

func (l Location) String() string {
	if l.Region == "" {
		return string(l.Account)
	}
	return string(l.Account) + " " + l.Region
}

// Key is a customer-managed KMS key, known by its alias.
type Key struct {
	Where
	Alias       string // "alias/groundwork-cloudtrail"
	ID, ARN     string
	Description string
	Policy      string // JSON
	Rotation    bool
	State       string // Enabled, Disabled, PendingDeletion
}

// Bucket is an S3 bucket that receives logs.
type Bucket struct {
	Where
	Name       string
	Policy     string // JSON; "" when none
	Versioning bool
	// SSE is "aws:kms", "AES256" or "" (none); KMSKey the key ARN for
	// aws:kms.
	SSE    string
	KMSKey string
	// BlockPublicAccess is true when all four settings are on.
	BlockPublicAccess bool
	// ExpireDays is the lifecycle expiration of current objects; 0 is
	// none.
	ExpireDays int
	Exists     bool
	// AccessLogsTo is the bucket that receives the bucket's S3 server
	// access logs, "" when access logging is off; AccessLogsRead says
	// whether it was read (the audit reads it on the buckets trails
	// deliver to; plan does not).
	AccessLogsTo   string `json:",omitempty"`
	AccessLogsRead bool   `json:",omitempty"`
}

// Trail is a CloudTrail trail.
type Trail struct {
	Where
	Name                   string
	ARN                    string
	Organization           bool
	MultiRegion            bool
	GlobalServiceEvents    bool
	LogFileValidation      bool
	KMSKey                 string // key ARN or ""
	Bucket                 string
	LogGroupARN            string
	LogsRoleARN            string
	Logging                bool // GetTrailStatus IsLogging
	HomeRegion             string
	ManagementEventsLogged bool

	// What the audit's survey reads beyond what plan compares.
	//
	// SeenIn are the accounts and Regions whose DescribeTrails shows the
	// trail, sorted: its home, the other Regions of a multi-Region trail,
	// and the member accounts that see an organization trail as a shadow.
	SeenIn []Where `json:",omitempty"`
	// StatusRead says whether Logging was read (GetTrailStatus, where the
	// trail is homed and owned); a trail seen only from elsewhere has an
	// unknown Logging, false here.
	StatusRead bool `json:",omitempty"`
	// SelectorsRead says whether the event selectors were read (where the
	// trail is homed and owned); S3Writes and S3Reads then say whether they
	// record S3 object-level write and read events (data events) for every
	// bucket.
	SelectorsRead bool `json:",omitempty"`
	S3Writes      bool `json:",omitempty"`
	S3Reads       bool `json:",omitempty"`
}

// Owner is the AWS ID of the account that owns the trail, from its ARN
// (arn:PARTITION:cloudtrail:REGION:ACCOUNT:trail/NAME); "" when the ARN
// does not say.
func (t *Trail) Owner() string { return arnField(t.ARN, 4) }

// LogGroupAt places the CloudWatch Logs log group the trail delivers to
// (LogGroupARN, arn:PARTITION:logs:REGION:ACCOUNT:log-group:NAME:*): its
// account by AWS ID and Region, and its name. ok is false when the trail
// delivers to none or the ARN is malformed.
func (t *Trail) LogGroupAt() (at Location, name string, ok bool) {
	parts := strings.SplitN(t.LogGroupARN, ":", 7)
	if len(parts) < 7 || parts[2] != "logs" || parts[5] != "log-group" || parts[3] == "" || parts[4] == "" {
		return Location{}, "", false
	}
	return Location{Account: AccountID(parts[4]), Region: parts[3]}, strings.TrimSuffix(parts[6], ":*"), true
}

// arnField is field i of an ARN split at ":" (4 is the account); "" when
// the ARN is shorter.
func arnField(arn string, i int) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 || !strings.HasPrefix(arn, "arn:") {
		return ""
	}
	return parts[i]
}

// LogGroup is a CloudWatch Logs log group.
type LogGroup struct {
	Where
	Name          string
	ARN           string
	RetentionDays int // 0: never expire
}

// IAMRole is an IAM role with the policies groundwork manages on it.
type IAMRole struct {
	Where // Region empty
	Name  string
	Path  string
	ARN   string
	// Trust is the assume-role policy document (JSON).
	Trust string
	// Managed are attached managed policy ARNs, sorted.
	Managed []string
	// Inline are inline policies by name (JSON).
	Inline map[string]string
}

// Recorder is AWS Config in one account and Region: the configuration
// recorder, its status and the delivery channel.
type Recorder struct {
	Where
	Name          string
	RoleARN       string
	AllSupported  bool
	GlobalTypes   bool // includeGlobalResourceTypes
	Recording     bool
	Channel       string // delivery channel name, "" when none
	ChannelBucket string
	ChannelPrefix string
	ChannelKMSKey string
}

// Aggregator is a Config configuration aggregator.
type Aggregator struct {
	Where
	Name         string
	Organization bool   // organization-wide source
	RoleARN      string // for the organization source
	AllRegions   bool
}

// ConfigRule is an AWS Config managed rule in one account and Region.
type ConfigRule struct {
	Where
	Name       string
	Identifier string // the managed rule's source identifier
	Input      string // input parameters JSON, "" when none
}

// SortedRecorders returns the recorders by account and Region.
func (l *Logging) SortedRecorders() []*Recorder {
	out := make([]*Recorder, 0, len(l.Recorders))
	for _, r := range l.Recorders {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key("") < out[j].Key("") })
	return out
}

// InScope reports whether w was read or is wanted.
func (l *Logging) InScope(w Where) bool {
	for _, s := range l.Scope {
		if s == w {
			return true
		}
	}
	return false
}
