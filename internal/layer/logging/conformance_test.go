package logging_test

import (
	"context"
	"fmt"

	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/groundwork-aws/groundwork/internal/apply"
	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/kinds/kindstest"
	"github.com/groundwork-aws/groundwork/internal/layer/logging"
	"github.com/groundwork-aws/groundwork/internal/layer/logging/loggingtest"
	"github.com/groundwork-aws/groundwork/internal/plan"
)

// loggingCloud is every service the logging kinds write, put together
// from the layer's fakes: KMS and S3 (loggingtest.KeyStore), CloudTrail
// and CloudWatch Logs (fakeTrailCloud), AWS Config (configFake, with the
// recorder settings kept here, which configFake does not keep) and an IAM
// of roles. Keys are account IDs.
type loggingCloud struct {
	keys   *loggingtest.KeyStore
	trails *fakeTrailCloud
	config *configFake

	mu        sync.Mutex
	recorders map[estate.Location]*estate.Recorder
	roles     map[estate.Location]map[string]*estate.IAMRole // Region empty
	iamWrites int
}

func newLoggingCloud() *loggingCloud {
	return &loggingCloud{keys: loggingtest.NewKeyStore(), trails: newFakeTrailCloud(), config: newConfigFake(),
		recorders: map[estate.Location]*estate.Recorder{}, roles: map[estate.Location]map[string]*estate.IAMRole{}}
}

var _ logging.Clients = (*loggingCloud)(nil)

func (c *loggingCloud) KMS(w estate.Location) logging.KMSAPI { return c.keys.Clients().KMS(w) }
func (c *loggingCloud) S3(w estate.Location) logging.S3API   { return c.keys.Clients().S3(w) }
func (c *loggingCloud) CloudTrail(w estate.Location) logging.CloudTrailAPI {
	return fakeTrailServices{c.trails}.CloudTrail(w)
}
func (c *loggingCloud) Logs(w estate.Location) logging.LogsAPI {
	return fakeTrailServices{c.trails}.Logs(w)
}
func (c *loggingCloud) Config(w estate.Location) logging.ConfigAPI {
	return loggingCloudConfig{ConfigAPI: c.config.at(w), c: c, w: w}
}
func (c *loggingCloud) IAM(w estate.Location) logging.IAMAPI {
	return loggingCloudIAM{c, estate.Location{Account: w.Account}}
}

// writes counts the calls that change something in every service.
func (c *loggingCloud) writes() int {
	n := 0
	for _, v := range c.keys.Writes() {
		n += v
	}
	c.trails.mu.Lock()
	for op, v := range c.trails.calls {
		if !strings.HasPrefix(op, "Describe") && !strings.HasPrefix(op, "List") && !strings.HasPrefix(op, "Get") {
			n += v
		}
	}
	c.trails.mu.Unlock()
	c.config.mu.Lock()
	n += len(c.config.calls) // every Config call the kinds make is a put
	c.config.mu.Unlock()
	c.mu.Lock()
	defer c.mu.Unlock()
	return n + c.iamWrites
}

// observe reads the services into a copy of base, as the inventory reads
// what want names; keys maps account IDs to keys.
func (c *loggingCloud) observe(base *estate.Estate, want *estate.Logging, keys map[string]string) *estate.Estate {
	e := c.keys.Observe(base, want)
	l := e.Logging
	l.Scope = slices.Clone(want.Scope)
	tl := c.trails.logging(keys)
	l.Trails, l.LogGroups = tl.Trails, tl.LogGroups
	cl := c.config.logging(keys)
	l.Rules, l.Aggregators = cl.Rules, cl.Aggregators
	c.mu.Lock()
	defer c.mu.Unlock()
	for w, r := range c.recorders {
		at := estate.Where{Account: estate.AccountKey(keys[string(w.Account)]), Region: w.Region}
		cp := *r
		cp.Where = at
		l.Recorders[at.Key(cp.Name)] = &cp
	}
	for key, r := range want.Roles {
		id, ok := base.Lookup(estate.RefAccountID, string(r.Account))
		if !ok {
			continue
		}
		got := c.roles[estate.Location{Account: estate.AccountID(id)}][r.Name]
		if got == nil {
			continue
		}
		cp := *got
		cp.Where, cp.Managed, cp.Inline = r.Where, slices.Clone(got.Managed), map[string]string{}
		for name := range r.Inline {
			if doc, ok := got.Inline[name]; ok {
				cp.Inline[name] = doc
			}
		}
		l.Roles[key] = &cp
	}
	return e
}

// loggingCloudConfig keeps what the recorder calls put, and passes every
// call on to configFake.
type loggingCloudConfig struct {
	logging.ConfigAPI
	c *loggingCloud
	w estate.Location
}

func (a loggingCloudConfig) recorder() *estate.Recorder {
	r := a.c.recorders[a.w]
	if r == nil {
		r = &estate.Recorder{}
		a.c.recorders[a.w] = r
	}
	return r
}

func (a loggingCloudConfig) PutConfigurationRecorder(ctx context.Context, in *configservice.PutConfigurationRecorderInput, opts ...func(*configservice.Options)) (*configservice.PutConfigurationRecorderOutput, error) {
	out, err := a.ConfigAPI.PutConfigurationRecorder(ctx, in, opts...)
	if err == nil {
		a.c.mu.Lock()
		r := a.recorder()
		rec := in.ConfigurationRecorder
		r.Name, r.RoleARN = aws.ToString(rec.Name), aws.ToString(rec.RoleARN)
		if g := rec.RecordingGroup; g != nil {
			r.AllSupported, r.GlobalTypes = g.AllSupported, g.IncludeGlobalResourceTypes
		}
		a.c.mu.Unlock()
	}
	return out, err
}

func (a loggingCloudConfig) PutDeliveryChannel(ctx context.Context, in *configservice.PutDeliveryChannelInput, opts ...func(*configservice.Options)) (*configservice.PutDeliveryChannelOutput, error) {
	out, err := a.ConfigAPI.PutDeliveryChannel(ctx, in, opts...)
	if err == nil {
		a.c.mu.Lock()
		r, ch := a.recorder(), in.DeliveryChannel
		r.Channel, r.ChannelBucket = aws.ToString(ch.Name), aws.ToString(ch.S3BucketName)
		r.ChannelPrefix, r.ChannelKMSKey = aws.ToString(ch.S3KeyPrefix), aws.ToString(ch.S3KmsKeyArn)
		a.c.mu.Unlock()
	}
	return out, err
}

func (a loggingCloudConfig) StartConfigurationRecorder(ctx context.Context, in *configservice.StartConfigurationRecorderInput, opts ...func(*configservice.Options)) (*configservice.StartConfigurationRecorderOutput, error) {
	out, err := a.ConfigAPI.StartConfigurationRecorder(ctx, in, opts...)
	if err == nil {
		a.c.mu.Lock()
		a.recorder().Recording = true
		a.c.mu.Unlock()
	}
	return out, err
}

// loggingCloudIAM is IAM in one account: roles, their trust, attached
// managed policies and inline policies. CreateRole refuses a name in use,
// as IAM does.
type loggingCloudIAM struct {
	c *loggingCloud
	w estate.Location
}

func (a loggingCloudIAM) role(name *string) (*estate.IAMRole, error) {
	r := a.c.roles[a.w][aws.ToString(name)]
	if r == nil {
		return nil, &iamtypes.NoSuchEntityException{Message: aws.String("no role " + aws.ToString(name))}
	}
	return r, nil
}

func (a loggingCloudIAM) GetRole(_ context.Context, in *iam.GetRoleInput, _ ...func(*iam.Options)) (*iam.GetRoleOutput, error) {
	a.c.mu.Lock()
	defer a.c.mu.Unlock()
	r, err := a.role(in.RoleName)
	if err != nil {
		return nil, err
	}
	return &iam.GetRoleOutput{Role: &iamtypes.Role{RoleName: aws.String(r.Name), Path: aws.String(r.Path), Arn: aws.String(r.ARN),
		AssumeRolePolicyDocument: aws.String(r.Trust)}}, nil
}

func (a loggingCloudIAM) CreateRole(_ context.Context, in *iam.CreateRoleInput, _ ...func(*iam.Options)) (*iam.CreateRoleOutput, error) {
	a.c.mu.Lock()
	defer a.c.mu.Unlock()
	a.c.iamWrites++
	name := aws.ToString(in.RoleName)
	if _, err := a.role(in.RoleName); err == nil {
		return nil, &iamtypes.EntityAlreadyExistsException{Message: aws.String("role " + name + " exists")}
	}
	if err := loggingtest.CheckDocument(aws.ToString(in.AssumeRolePolicyDocument)); err != nil {
		return nil, loggingtest.APIError("MalformedPolicyDocument", err.Error())
	}
	if a.c.roles[a.w] == nil {
		a.c.roles[a.w] = map[string]*estate.IAMRole{}
	}
	path := aws.ToString(in.Path)
	if path == "" {
		path = "/"
	}
	a.c.roles[a.w][name] = &estate.IAMRole{Name: name, Path: path, ARN: fmt.Sprintf("arn:aws:iam::%s:role%s%s", a.w.Account, path, name),
		Trust: aws.ToString(in.AssumeRolePolicyDocument), Inline: map[string]string{}}
	return &iam.CreateRoleOutput{}, nil
}

func (a loggingCloudIAM) UpdateAssumeRolePolicy(_ context.Context, in *iam.UpdateAssumeRolePolicyInput, _ ...func(*iam.Options)) (*iam.UpdateAssumeRolePolicyOutput, error) {
	a.c.mu.Lock()
	defer a.c.mu.Unlock()
	a.c.iamWrites++
	r, err := a.role(in.RoleName)
	if err != nil {
		return nil, err
	}
	r.Trust = aws.ToString(in.PolicyDocument)
	return &iam.UpdateAssumeRolePolicyOutput{}, nil
}

func (a loggingCloudIAM) AttachRolePolicy(_ context.Context, in *iam.AttachRolePolicyInput, _ ...func(*iam.Options)) (*iam.AttachRolePolicyOutput, error) {
	a.c.mu.Lock()
	defer a.c.mu.Unlock()
	a.c.iamWrites++
	r, err := a.role(in.RoleName)
	if err != nil {
		return nil, err
	}
	if arn := aws.ToString(in.PolicyArn); !slices.Contains(r.Managed, arn) {
		r.Managed = append(r.Managed, arn)
		slices.Sort(r.Managed)
	}
	return &iam.AttachRolePolicyOutput{}, nil
}

func (a loggingCloudIAM) PutRolePolicy(_ context.Context, in *iam.PutRolePolicyInput, _ ...func(*iam.Options)) (*iam.PutRolePolicyOutput, error) {
	a.c.mu.Lock()
	defer a.c.mu.Unlock()
	a.c.iamWrites++
	r, err := a.role(in.RoleName)
	if err != nil {
		return nil, err
	}
	if err := loggingtest.CheckDocument(aws.ToString(in.PolicyDocument)); err != nil {
		return nil, loggingtest.APIError("MalformedPolicyDocument", err.Error())
	}
	r.Inline[aws.ToString(in.PolicyName)] = aws.ToString(in.PolicyDocument)
	return &iam.PutRolePolicyOutput{}, nil
}

// loggingKinds are the kinds the logging layer registers.
var loggingKinds = []string{logging.KindKey, logging.KindBucket, logging.KindTrail, logging.KindLogGroup, logging.KindRole,
	logging.KindRecorder, logging.KindConfigRule, logging.KindAggregator}

// Every logging kind passes the kinds conformance suite: from nothing,
// and from a logging layer changed by hand in every kind.
func TestConformance(t *testing.T) {
	desired := func() *estate.Estate { d, _ := loggingEstates(t); return d }
	_, base := loggingEstates(t)
	keys := map[string]string{base.Organization.ManagementAccountID: estate.ManagementKey}
	for key, a := range base.Accounts {
		keys[a.ID] = key
	}
	fake := func(c *loggingCloud) kindstest.Fake {
		// The organization layer the trail and the aggregator need
		// (trusted access, delegated administrators) is in place.
		d, base := loggingEstates(t)
		base.Org = d.Org
		return kindstest.FakeFuncs{
			InstallFunc: func(env *kinds.Env) { kinds.SetClients[logging.Clients](env, c) },
			ObserveFunc: func() *estate.Estate { return c.observe(base, desired().Logging, keys) },
			WritesFunc:  c.writes,
		}
	}
	starts := []kindstest.Start{
		{Name: "nothing", New: func(*testing.T) kindstest.Fake { return fake(newLoggingCloud()) }},
		{Name: "changed by hand", New: func(t *testing.T) kindstest.Fake {
			c := newLoggingCloud()
			f := fake(c)
			d, actual := desired(), f.Observe()
			p := kinds.Plan(d, actual)
			p.Changes = slices.DeleteFunc(p.Changes, func(ch plan.Change) bool { return !slices.Contains(loggingKinds, ch.Kind) })
			env := &kinds.Env{Log: t.Logf}
			kinds.SetClients[logging.Clients](env, c)
			env.Seed(actual)
			if rep, err := apply.Run(t.Context(), env, p, apply.Options{}); err != nil {
				t.Fatalf("build: %v\n%+v", err, rep.Results)
			}
			for _, k := range c.keys.Keys {
				k.Description = "changed"
			}
			for _, b := range c.keys.Buckets {
				b.Policy = ""
			}
			for _, tr := range c.trails.trails {
				tr.logging = false
			}
			for k := range c.trails.groups {
				c.trails.groups[k] = aws.Int32(1)
			}
			for _, roles := range c.roles {
				for _, r := range roles {
					r.Managed = nil
				}
			}
			for _, r := range c.recorders {
				r.Recording = false
			}
			for _, rules := range c.config.rules {
				for name, r := range rules {
					r.InputParameters = aws.String(`{"changed":"true"}`)
					rules[name] = r
				}
			}
			for _, aggs := range c.config.aggregators {
				for name, src := range aggs {
					src.AllAwsRegions = false
					aggs[name] = src
				}
			}
			return f
		}},
	}
	var cases []kindstest.Case
	for _, kind := range loggingKinds {
		cases = append(cases, kindstest.Case{Kind: kind, Desired: desired, Starts: starts})
	}
	kindstest.RunPackage(t, "github.com/groundwork-aws/groundwork/internal/layer/logging", cases)
}
