package logging

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/inventory"
)

// What the trails and delivery channels the survey found deliver to: the
// buckets (with the access logging of the trails' buckets), the log
// groups and the KMS keys, each read in the account that owns it when
// that account is in the organization. A bucket, log group or key in an
// account outside it is not read: nothing there is the organization's to
// judge.

// delivered reads the buckets and log groups the trails and delivery
// channels deliver to.
func (s *surveyRead) delivered(ctx context.Context, scope estate.Scope) {
	l := s.out
	trailBuckets := map[string]bool{}
	var names []string
	for _, t := range sortedTrails(l.Trails) {
		if t.Bucket != "" {
			trailBuckets[t.Bucket] = true
			names = append(names, t.Bucket)
		}
	}
	for _, r := range l.SortedRecorders() {
		if r.ChannelBucket != "" {
			names = append(names, r.ChannelBucket)
		}
	}
	slices.Sort(names)
	names = slices.Compact(names)
	var unknown []string
	for _, name := range names {
		if _, read := l.Buckets[name]; !read {
			unknown = append(unknown, name)
		}
	}
	located := s.locateBuckets(ctx, scope, unknown)
	// What was read before the reads below start adding to the layer.
	have := maps.Clone(l.Buckets)
	type groupRef struct {
		at   estate.Location
		w    estate.Where
		name string
	}
	var groups []groupRef
	for _, t := range sortedTrails(l.Trails) {
		at, name, ok := t.LogGroupAt()
		if !ok || !s.active[at.Account] {
			continue
		}
		w := s.where(string(at.Account), at.Region)
		if _, read := l.LogGroups[w.Key(name)]; !read && !slices.Contains(groups, groupRef{at, w, name}) {
			groups = append(groups, groupRef{at, w, name})
		}
	}

	g, gctx := s.opts.Group(ctx)
	for _, name := range names {
		if b, read := have[name]; read {
			// Read as want names it: only its access logging is missing.
			if at, ok := s.at(b.Where); ok && trailBuckets[name] {
				g.Go(func() error { s.accessLogs(gctx, at, b); return nil })
			}
			continue
		}
		at, ok := located[name]
		if !ok {
			continue // outside the organization, or in an account not read
		}
		g.Go(func() error {
			b, err := ReadBucket(gctx, s.clients.S3(at), &estate.Bucket{Where: s.where(string(at.Account), at.Region)}, name)
			if err != nil {
				s.notRead(partBuckets, at, describe("read bucket "+name, at, err))
				return nil
			}
			if b == nil {
				return nil // deleted since the list
			}
			if trailBuckets[name] {
				s.accessLogs(gctx, at, b)
			}
			s.locked(func(l *estate.Logging) { l.Buckets[name] = b })
			return nil
		})
	}
	for _, lg := range groups {
		g.Go(func() error { s.logGroup(gctx, lg.at, lg.w, lg.name); return nil })
	}
	_ = g.Wait() // the reads report their own failures
}

// sortedTrails returns a layer's trails by key: the order the survey reads in.
func sortedTrails(m map[string]*estate.Trail) []*estate.Trail {
	out := make([]*estate.Trail, 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, m[k])
	}
	return out
}

// locateBuckets finds which active account of scope owns each of names,
// and in which Region: one ListBuckets per account, and GetBucketLocation
// for a bucket the list gives no Region for. A bucket no account lists is
// left out.
func (s *surveyRead) locateBuckets(ctx context.Context, scope estate.Scope, names []string) map[string]estate.Location {
	out := map[string]estate.Location{}
	if len(names) == 0 {
		return out
	}
	g, gctx := s.opts.Group(ctx)
	for _, a := range inventory.ActiveAccounts(s.e, scope.Accounts) {
		_, home := a.In(scope.HomeRegion)
		g.Go(func() error {
			api := s.clients.BucketList(home)
			pages := s3.NewListBucketsPaginator(api, &s3.ListBucketsInput{})
			for pages.HasMorePages() {
				page, err := pages.NextPage(gctx)
				if err != nil {
					s.notRead(partBuckets, estate.Location{Account: a.ID}, describe("list the buckets", estate.Location{Account: a.ID}, err))
					return nil
				}
				for _, b := range page.Buckets {
					name := aws.ToString(b.Name)
					if !slices.Contains(names, name) {
						continue
					}
					region := aws.ToString(b.BucketRegion)
					if region == "" {
						loc, err := api.GetBucketLocation(gctx, &s3.GetBucketLocationInput{Bucket: b.Name})
						if err != nil {
							s.notRead(partBuckets, estate.Location{Account: a.ID}, describe("locate bucket "+name, estate.Location{Account: a.ID}, err))
							continue
						}
						region = locationRegion(string(loc.LocationConstraint))
					}
					s.locked(func(*estate.Logging) { out[name] = estate.Location{Account: a.ID, Region: region} })
				}
			}
			return nil
		})
	}
	_ = g.Wait() // the reads report their own failures
	return out
}

// locationRegion is the Region a GetBucketLocation constraint names: none
// is us-east-1, and "EU" the old name of eu-west-1.
func locationRegion(c string) string {
	switch c {
	case "":
		return "us-east-1"
	case "EU":
		return "eu-west-1"
	}
	return c
}

// accessLogs reads where bucket b sends its S3 server access logs (CIS
// AWS Foundations v3.0.0 3.4 asks it of the CloudTrail bucket).
func (s *surveyRead) accessLogs(ctx context.Context, at estate.Location, b *estate.Bucket) {
	out, err := s.clients.BucketList(at).GetBucketLogging(ctx, &s3.GetBucketLoggingInput{Bucket: aws.String(b.Name)})
	if err != nil {
		s.notRead(partBuckets, at, describe("read the access logging of bucket "+b.Name, at, err))
		return
	}
	s.locked(func(*estate.Logging) {
		b.AccessLogsRead = true
		if out.LoggingEnabled != nil {
			b.AccessLogsTo = aws.ToString(out.LoggingEnabled.TargetBucket)
		}
	})
}

// logGroup reads the log group name at at (w by key), as plan reads the
// one the spec names.
func (s *surveyRead) logGroup(ctx context.Context, at estate.Location, w estate.Where, name string) {
	pages := cloudwatchlogs.NewDescribeLogGroupsPaginator(s.clients.Logs(at),
		&cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String(name)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			s.notRead(partTrails, at, describe("read log group "+name, at, err))
			return
		}
		for _, lg := range page.LogGroups {
			if aws.ToString(lg.LogGroupName) != name {
				continue
			}
			arn := aws.ToString(lg.Arn)
			if arn == "" && lg.LogGroupArn != nil {
				arn = *lg.LogGroupArn + ":*"
			}
			out := &estate.LogGroup{Where: w, Name: name, ARN: arn, RetentionDays: int(aws.ToInt32(lg.RetentionInDays))}
			s.locked(func(l *estate.Logging) { l.LogGroups[w.Key(name)] = out })
			return
		}
	}
}

// keys reads the KMS keys the trails, delivery channels and log buckets
// encrypt with, those want names aside: per account and Region, one
// ListAliases (a key is recorded under its alias when it has one), three
// reads per key, and the search for keys groundwork made that no alias
// names (UnnamedKeys) where want did not search already.
func (s *surveyRead) keys(ctx context.Context) {
	l := s.out
	read := map[string]bool{}
	for _, k := range l.Keys {
		read[k.ARN], read[k.ID] = true, true
	}
	searched := map[estate.Location]bool{}
	for _, k := range s.want.Keys {
		if at, ok := s.at(k.Where); ok {
			searched[at] = true
		}
	}
	refs := []string{}
	for _, t := range sortedTrails(l.Trails) {
		refs = append(refs, t.KMSKey)
	}
	for _, r := range l.SortedRecorders() {
		refs = append(refs, r.ChannelKMSKey)
	}
	for _, b := range l.Buckets {
		refs = append(refs, b.KMSKey)
	}
	// The keys to read, by place: key IDs, or alias names to resolve.
	byPlace := map[estate.Location][]string{}
	for _, ref := range refs {
		service, region, account, resource, ok := arnParts(ref)
		if !ok || service != "kms" || !s.active[estate.AccountID(account)] {
			continue // not an ARN (a bare ID or alias says nothing of where), or outside the organization
		}
		id := strings.TrimPrefix(resource, "key/")
		if read[ref] || read[id] {
			continue
		}
		at := estate.Location{Account: estate.AccountID(account), Region: region}
		if !slices.Contains(byPlace[at], id) {
			byPlace[at] = append(byPlace[at], id)
		}
	}
	g, gctx := s.opts.Group(ctx)
	for at, ids := range byPlace {
		g.Go(func() error {
			if err := s.keysAt(gctx, at, ids, !searched[at]); err != nil {
				s.notRead(partKeys, at, err)
			}
			return nil
		})
	}
	_ = g.Wait() // the reads report their own failures
}

// keysAt reads the keys ids (key IDs, or "alias/NAME") at at, and, when
// search is set, the keys groundwork made there that no alias names.
func (s *surveyRead) keysAt(ctx context.Context, at estate.Location, ids []string, search bool) error {
	api := s.clients.KMS(at)
	w := s.where(string(at.Account), at.Region)
	aliases, err := listAliases(ctx, api)
	if err != nil {
		return describe("list key aliases", at, err)
	}
	aliasOf := map[string]string{}
	for _, name := range slices.Sorted(maps.Keys(aliases)) {
		if _, named := aliasOf[aliases[name]]; !named && !strings.HasPrefix(name, "alias/aws/") {
			aliasOf[aliases[name]] = name
		}
	}
	for _, id := range ids {
		if strings.HasPrefix(id, "alias/") {
			target, ok := aliases[id]
			if !ok {
				continue // an alias that names no key: the deliveries fail, and nothing is there to judge
			}
			id = target
		}
		k, err := readKey(ctx, api, &estate.Key{Where: w, Alias: aliasOf[id]}, id)
		if awsx.ErrorCodeIs(err, "NotFoundException") {
			continue
		}
		if err != nil {
			return describe("read key "+id, at, err)
		}
		s.locked(func(l *estate.Logging) {
			if _, dup := l.Keys[w.Key(cmp.Or(k.Alias, k.ID))]; !dup {
				l.Keys[w.Key(cmp.Or(k.Alias, k.ID))] = k
			}
		})
	}
	if !search {
		return nil
	}
	unnamed, err := unnamedKeys(ctx, api, aliases)
	if err != nil {
		return fmt.Errorf("look for unnamed keys in %s: %w", at, err)
	}
	s.locked(func(l *estate.Logging) {
		for _, u := range unnamed {
			l.UnnamedKeys = append(l.UnnamedKeys, &estate.Key{Where: w, Alias: u.Alias, ID: u.ID, ARN: u.ARN, State: u.State})
		}
		slices.SortFunc(l.UnnamedKeys, func(a, b *estate.Key) int { return strings.Compare(a.ID, b.ID) })
	})
	return nil
}
