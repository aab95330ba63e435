package logging

import (
	"fmt"
	"sort"
	"strings"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/layer/orglayer"
	"github.com/groundwork-aws/groundwork/internal/policy"
	"github.com/groundwork-aws/groundwork/internal/spec"
)

// SpecKey is the section of foundation.yaml Spec is read from.
const SpecKey = "logging"

func init() {
	spec.RegisterSection(spec.SectionType{Key: SpecKey, Order: 400,
		New:     func() spec.Section { return &Spec{} },
		Starter: func(spec.StarterOptions) string { return starter }})
}

// SpecOf returns the logging section of f, defaults applied.
func SpecOf(f *spec.Foundation) *Spec { return f.Section(SpecKey).(*Spec) }

// Spec is the logging section: the central logging layer (guidance 000 to 004). A spec that
// does not write it gets the recommended one; `disabled: true` turns the
// whole layer off.
type Spec struct {
	Disabled bool          `yaml:"disabled"`
	Trail    TrailSpec     `yaml:"trail"`
	Buckets  LogBuckets    `yaml:"buckets"`
	Config   ConfigService `yaml:"config"`
}

// TrailSpec is the organization trail.
type TrailSpec struct {
	Name string `yaml:"name"`
	// Account is "management" (default) or the key of the account that is
	// CloudTrail's delegated administrator (guidance 004).
	Account string `yaml:"account"`
	// CloudWatchLogs delivers the trail to a log group in the home Region
	// as well (default true, guidance 001).
	CloudWatchLogs *bool  `yaml:"cloudwatch_logs"`
	LogGroup       string `yaml:"log_group"`
	// LogRetentionDays is the log group's retention (default 365).
	LogRetentionDays int `yaml:"log_retention_days"`
}

// LogBuckets are the Log Archive buckets.
type LogBuckets struct {
	// RetentionDays expires log objects after this many days; 0 keeps
	// them forever. Default 365.
	RetentionDays *int `yaml:"retention_days"`
}

// ConfigService is AWS Config.
type ConfigService struct {
	// Rules lists managed rule identifiers; default the baseline of
	// guidance 000 and 003.
	Rules []string `yaml:"rules"`
	// OrganizationRules deploys the rules once as organization Config
	// rules from the delegated administrator instead of in every account.
	OrganizationRules bool `yaml:"organization_rules"`
	// Aggregator is the account key of the organization aggregator;
	// default the security-tooling account (guidance 000).
	Aggregator string `yaml:"aggregator"`
}

// Names of what the logging layer creates.
const (
	DefaultTrailName       = "groundwork-org-trail"
	DefaultLogGroup        = "/groundwork/cloudtrail"
	TrailLogsRoleName      = "groundwork-cloudtrail-logs"
	ConfigRoleName         = "groundwork-config-recorder"
	AggregatorRoleName     = "OrgConfigRole" // guidance 000
	AggregatorName         = "groundwork-org-aggregator"
	RecorderName           = "default"
	CloudTrailKeyAlias     = "alias/groundwork-cloudtrail"
	ConfigKeyAlias         = "alias/groundwork-config"
	ConfigRolePolicy       = "arn:aws:iam::aws:policy/service-role/AWS_ConfigRole"
	AggregatorRolePolicy   = "arn:aws:iam::aws:policy/service-role/AWSConfigRoleForOrganizations"
	defaultRetentionDays   = 365
	defaultLogRetention    = 365
	trailLogsInlinePolicy  = "groundwork-cloudtrail-logs"
	cloudTrailBucketFormat = "aws-logs-cloudtrail-%s-%s" // guidance 000: aws-logs-cloudtrail-[account]-[region]
	configBucketFormat     = "aws-logs-config-%s-%s"
)

// BaselineRule is a managed Config rule of the baseline and whether it
// evaluates global (IAM) resources, which Config records only in the home
// Region: such rules run there alone.
type BaselineRule struct {
	Name, Identifier string
	Global           bool
}

// BaselineRules are the Config rules of guidance 000 and 003.
var BaselineRules = []BaselineRule{
	{"root-account-mfa-enabled", "ROOT_ACCOUNT_MFA_ENABLED", true},
	{"mfa-enabled-for-iam-console-access", "MFA_ENABLED_FOR_IAM_CONSOLE_ACCESS", true},
	{"iam-user-mfa-enabled", "IAM_USER_MFA_ENABLED", true},
	{"cloudtrail-enabled", "CLOUD_TRAIL_ENABLED", true},
	{"s3-bucket-public-read-prohibited", "S3_BUCKET_PUBLIC_READ_PROHIBITED", false},
	{"s3-bucket-public-write-prohibited", "S3_BUCKET_PUBLIC_WRITE_PROHIBITED", false},
	{"restricted-incoming-traffic", "RESTRICTED_INCOMING_TRAFFIC", false},
}

func baselineRule(identifier string) (BaselineRule, bool) {
	for _, r := range BaselineRules {
		if r.Identifier == identifier {
			return r, true
		}
	}
	return BaselineRule{}, false
}

// Defaults fills the logging layer's defaults. The layer is built when
// the spec writes a logging section (`logging: {}` takes every default);
// such a spec needs a Log Archive and a Security Tooling account.
func (l *Spec) Defaults(f *spec.Foundation, written func(string) bool) {
	if !written("logging") {
		l.Disabled = true
	}
	if l.Trail.Name == "" {
		l.Trail.Name = DefaultTrailName
	}
	if l.Trail.Account == "" {
		l.Trail.Account = estate.ManagementKey
	}
	if l.Trail.CloudWatchLogs == nil {
		on := true
		l.Trail.CloudWatchLogs = &on
	}
	if l.Trail.LogGroup == "" {
		l.Trail.LogGroup = DefaultLogGroup
	}
	if l.Trail.LogRetentionDays == 0 {
		l.Trail.LogRetentionDays = defaultLogRetention
	}
	if l.Buckets.RetentionDays == nil {
		d := defaultRetentionDays
		l.Buckets.RetentionDays = &d
	}
	if l.Config.Rules == nil {
		for _, r := range BaselineRules {
			l.Config.Rules = append(l.Config.Rules, r.Identifier)
		}
	}
	if l.Config.Aggregator == "" {
		l.Config.Aggregator = f.AccountWithRole(string(estate.RoleSecurityTooling))
	}
}

// CloudWatch Logs retention values AWS accepts.
var logRetentions = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

// Validate checks the logging layer when the spec builds it.
func (l *Spec) Validate(f *spec.Foundation, v *spec.Validator) {
	if l.Disabled {
		return
	}
	for _, role := range []string{string(estate.RoleLogArchive), string(estate.RoleSecurityTooling)} {
		if f.AccountWithRole(role) == "" {
			v.At("logging", "the logging layer needs an account with role %s (or set logging.disabled: true)", role)
		}
	}
	if a := l.Trail.Account; a != estate.ManagementKey {
		if _, ok := f.Accounts[a]; !ok {
			v.At("logging.trail.account", "%q is neither management nor an account key%s", a, spec.Suggest(a, f.AccountKeys()))
		} else if orglayer.ServicesOf(f).DelegatedAdmins[orglayer.ServiceCloudTrail] != a {
			v.At("logging.trail.account", "an organization trail outside the management account needs %s delegated to %s under services.delegated_admins", orglayer.ServiceCloudTrail, a)
		}
	}
	if !strings.HasPrefix(l.Trail.LogGroup, "/") && strings.ContainsAny(l.Trail.LogGroup, " :*") {
		v.At("logging.trail.log_group", "%q is not a log group name", l.Trail.LogGroup)
	}
	ok := false
	for _, d := range logRetentions {
		ok = ok || d == l.Trail.LogRetentionDays
	}
	if !ok {
		v.At("logging.trail.log_retention_days", "%d is not a retention CloudWatch Logs accepts: %v", l.Trail.LogRetentionDays, logRetentions)
	}
	if d := *l.Buckets.RetentionDays; d < 0 {
		v.At("logging.buckets.retention_days", "must be 0 (keep forever) or a number of days")
	}
	seen := map[string]bool{}
	for i, r := range l.Config.Rules {
		p := fmt.Sprintf("logging.config.rules[%d]", i)
		switch {
		case !IsManagedRule(r):
			v.At(p, "%q is not an AWS managed Config rule identifier such as CLOUD_TRAIL_ENABLED%s", r, spec.Suggest(strings.ToUpper(r), managedRules))
		case seen[r]:
			v.At(p, "rule %q is listed twice", r)
		}
		seen[r] = true
	}
	if a := l.Config.Aggregator; a != "" {
		if _, ok := f.Accounts[a]; !ok {
			v.At("logging.config.aggregator", "%q is not an account key%s", a, spec.Suggest(a, f.AccountKeys()))
		}
	}
}

// Desired sets the logging layer the spec asks for, none when disabled.
func (l *Spec) Desired(f *spec.Foundation, e *estate.Estate) { e.Logging = l.desired(f) }

func (l *Spec) desired(f *spec.Foundation) *estate.Logging {
	if l.Disabled {
		return nil
	}
	out := estate.NewLogging()
	home := f.Organization.HomeRegion
	la := f.Where(f.AccountWithRole(string(estate.RoleLogArchive)), home)
	st := f.Where(f.AccountWithRole(string(estate.RoleSecurityTooling)), home)
	trailAt := f.Where(l.Trail.Account, home)
	laID := estate.AccountIDRef(la.Account)

	ctKey := &estate.Key{Where: st, Alias: CloudTrailKeyAlias, Rotation: true, State: "Enabled",
		Description: "groundwork: encrypts the organization trail",
		Policy:      cloudTrailKeyPolicy(st, trailAt)}
	cfgKey := &estate.Key{Where: st, Alias: ConfigKeyAlias, Rotation: true, State: "Enabled",
		Description: "groundwork: encrypts AWS Config deliveries",
		Policy:      configKeyPolicy(st)}
	out.Keys[st.Key(ctKey.Alias)] = ctKey
	out.Keys[st.Key(cfgKey.Alias)] = cfgKey

	expire := *l.Buckets.RetentionDays
	ctBucket := fmt.Sprintf(cloudTrailBucketFormat, laID, home)
	cfgBucket := fmt.Sprintf(configBucketFormat, laID, home)
	out.Buckets[ctBucket] = &estate.Bucket{Where: la, Name: ctBucket, Versioning: true, SSE: "aws:kms",
		KMSKey: estate.KeyARNRef(st, CloudTrailKeyAlias), BlockPublicAccess: true, ExpireDays: expire,
		Policy: cloudTrailBucketPolicy(ctBucket, trailAt), Exists: true}
	out.Buckets[cfgBucket] = &estate.Bucket{Where: la, Name: cfgBucket, Versioning: true, SSE: "aws:kms",
		KMSKey: estate.KeyARNRef(st, ConfigKeyAlias), BlockPublicAccess: true, ExpireDays: expire,
		Policy: configBucketPolicy(cfgBucket), Exists: true}

	trail := &estate.Trail{Where: trailAt, Name: l.Trail.Name, Organization: true, MultiRegion: true,
		GlobalServiceEvents: true, LogFileValidation: true, KMSKey: estate.KeyARNRef(st, CloudTrailKeyAlias),
		Bucket: ctBucket, Logging: true, HomeRegion: home, ManagementEventsLogged: true}
	trailID := estate.AccountIDRef(trailAt.Account)
	if *l.Trail.CloudWatchLogs {
		lg := &estate.LogGroup{Where: trailAt, Name: l.Trail.LogGroup, RetentionDays: l.Trail.LogRetentionDays}
		out.LogGroups[trailAt.Key(lg.Name)] = lg
		trail.LogGroupARN = fmt.Sprintf("arn:aws:logs:%s:%s:log-group:%s:*", home, trailID, lg.Name)
		trail.LogsRoleARN = fmt.Sprintf("arn:aws:iam::%s:role/%s", trailID, TrailLogsRoleName)
		role := &estate.IAMRole{Where: estate.Where{Account: trailAt.Account}, Name: TrailLogsRoleName, Path: "/",
			Trust:  policy.ServiceTrust("cloudtrail.amazonaws.com"),
			Inline: map[string]string{trailLogsInlinePolicy: trailLogsPolicy(trail.LogGroupARN)}}
		out.Roles[role.Key(role.Name)] = role
	}
	out.Trails[trailAt.Key(trail.Name)] = trail

	// AWS Config in every account of the spec, the management account
	// included, and every operational Region; global resources only in the
	// home Region (guidance 000).
	accounts := []string{estate.ManagementKey}
	for _, key := range f.AccountKeys() {
		accounts = append(accounts, key)
	}
	for _, key := range accounts {
		acct := f.Where(key, "")
		roleARN := fmt.Sprintf("arn:aws:iam::%s:role/%s", estate.AccountIDRef(acct.Account), ConfigRoleName)
		role := &estate.IAMRole{Where: acct, Name: ConfigRoleName, Path: "/",
			Trust: policy.ServiceTrust("config.amazonaws.com"), Managed: []string{ConfigRolePolicy}}
		out.Roles[role.Key(role.Name)] = role
		for _, region := range f.Organization.Regions {
			w := f.Where(key, region)
			out.Scope = append(out.Scope, w)
			out.Recorders[w.Key(RecorderName)] = &estate.Recorder{Where: w, Name: RecorderName, RoleARN: roleARN,
				AllSupported: true, GlobalTypes: region == home, Recording: true,
				Channel: RecorderName, ChannelBucket: cfgBucket, ChannelKMSKey: estate.KeyARNRef(st, ConfigKeyAlias)}
			if l.Config.OrganizationRules {
				continue
			}
			for _, id := range l.Config.Rules {
				r, known := baselineRule(id)
				if !known {
					r = BaselineRule{Name: strings.ToLower(strings.ReplaceAll(id, "_", "-")), Identifier: id}
				}
				if r.Global && region != home {
					continue
				}
				out.Rules[w.Key(r.Name)] = &estate.ConfigRule{Where: w, Name: r.Name, Identifier: r.Identifier}
			}
		}
	}
	if l.Config.OrganizationRules {
		// An organization rule is put from the delegated administrator and
		// deployed by AWS to every account, but only in the Region it is
		// put in: a regional rule is put in every operational Region, a
		// global one (IAM, CloudTrail) once, in the home Region, as the
		// rules of each account are. Kinds carry them as rules of that
		// account with the organization flag in their key.
		for _, region := range f.Organization.Regions {
			at := estate.Where{Account: st.Account, Region: region}
			for _, id := range l.Config.Rules {
				r, known := baselineRule(id)
				if !known {
					r = BaselineRule{Name: strings.ToLower(strings.ReplaceAll(id, "_", "-")), Identifier: id}
				}
				if r.Global && region != home {
					continue
				}
				out.Rules[at.Key("org/"+r.Name)] = &estate.ConfigRule{Where: at, Name: "org/" + r.Name, Identifier: r.Identifier}
			}
		}
	}
	if a := l.Config.Aggregator; a != "" {
		aw := f.Where(a, home)
		role := &estate.IAMRole{Where: estate.Where{Account: aw.Account}, Name: AggregatorRoleName, Path: "/",
			Trust: policy.ServiceTrust("config.amazonaws.com"), Managed: []string{AggregatorRolePolicy}}
		out.Roles[role.Key(role.Name)] = role
		out.Aggregators[aw.Key(AggregatorName)] = &estate.Aggregator{Where: aw, Name: AggregatorName, Organization: true,
			AllRegions: true, RoleARN: fmt.Sprintf("arn:aws:iam::%s:role/%s", estate.AccountIDRef(aw.Account), AggregatorRoleName)}
	}
	sort.Slice(out.Scope, func(i, j int) bool { return out.Scope[i].Key("") < out.Scope[j].Key("") })
	return out
}

// starter is the logging section of `groundwork init`.
const starter = `# Central logging: the organization trail (every account, every Region,
# log file validation, KMS-encrypted, also to CloudWatch Logs) into a Log
# Archive bucket named aws-logs-cloudtrail-[account]-[region]; AWS Config
# in every account and operational Region (global resources in the home
# Region only) delivering to a second bucket; the keys in Security
# Tooling; the organization aggregator; the baseline Config rules.
logging:
  trail:
    name: groundwork-org-trail
    # management, or the key of CloudTrail's delegated administrator
    account: management
    cloudwatch_logs: true
    log_group: /groundwork/cloudtrail
    log_retention_days: 365
  buckets:
    # Log objects expire after this many days; 0 keeps them forever.
    retention_days: 365
  config:
    aggregator: security-tooling
    # true deploys the rules once, as organization rules, from the
    # delegated administrator instead of in every account.
    organization_rules: false
    rules:
      - ROOT_ACCOUNT_MFA_ENABLED
      - MFA_ENABLED_FOR_IAM_CONSOLE_ACCESS
      - IAM_USER_MFA_ENABLED
      - CLOUD_TRAIL_ENABLED
      - S3_BUCKET_PUBLIC_READ_PROHIBITED
      - S3_BUCKET_PUBLIC_WRITE_PROHIBITED
      - RESTRICTED_INCOMING_TRAFFIC
`
