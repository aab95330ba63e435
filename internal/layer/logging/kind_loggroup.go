package logging

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/plan"
)

// KindLogGroup manages the CloudWatch Logs log groups of the logging layer
// (the organization trail's, guidance 001): the group and its retention.
// Creating an existing group is taken as success and retention is a put,
// so applying a change again is harmless.
const KindLogGroup = "log-group"

// LogGroupAddress is the address of a log group at w:
// "log-group/<account>/<region>/<name>". Log group names usually start
// with "/", which the address keeps as written.
func LogGroupAddress(w estate.Where, name string) string {
	return kinds.Address(KindLogGroup, kinds.WhereAddress(w)+"/"+name)
}

func init() {
	kinds.Register(kinds.Registration{Name: KindLogGroup, Diff: diffLogGroups, Apply: applyLogGroup})
}

func logGroupAttrs(g *estate.LogGroup) plan.Attrs {
	return plan.Attrs{"account": string(g.Account), "region": g.Region, "name": g.Name,
		"retention_days": strconv.Itoa(g.RetentionDays)}
}

// logGroupValue is what a log group change applies; RetentionDays 0 is
// "never expire".
type logGroupValue struct {
	Account       estate.AccountKey `json:"account"`
	Region        string            `json:"region"`
	Name          string            `json:"name"`
	RetentionDays int               `json:"retention_days"`
}

func diffLogGroups(desired, actual *estate.Estate) ([]plan.Change, []string) {
	if desired.Logging == nil {
		return nil, nil
	}
	have := map[string]*estate.LogGroup{}
	if actual.Logging != nil {
		have = actual.Logging.LogGroups
	}
	var changes []plan.Change
	for _, key := range slices.Sorted(maps.Keys(desired.Logging.LogGroups)) {
		d := desired.Logging.LogGroups[key]
		ch := plan.SetValue(plan.Change{Address: LogGroupAddress(d.Where, d.Name), Kind: KindLogGroup, Group: kinds.UnitOf(desired, d.Account),
			After: logGroupAttrs(d), DependsOn: kinds.AccountDeps(d.Account)},
			logGroupValue{Account: d.Account, Region: d.Region, Name: d.Name, RetentionDays: d.RetentionDays})
		a, exists := have[key]
		switch {
		case !exists:
			ch.Action = plan.Create
		case a.RetentionDays != d.RetentionDays:
			ch.Action, ch.Before = plan.Update, logGroupAttrs(a)
		default:
			continue
		}
		changes = append(changes, ch)
	}
	return changes, nil
}

func applyLogGroup(ctx context.Context, env *kinds.Env, ch plan.Change) error {
	cl, err := clientsOf(env)
	if err != nil {
		return err
	}
	v, err := plan.ValueOf[logGroupValue](ch)
	if err != nil {
		return err
	}
	w, err := env.At(estate.Where{Account: v.Account, Region: v.Region})
	if err != nil {
		return fmt.Errorf("log group %s: %w", v.Name, err)
	}
	api := cl.Logs(w)
	name := aws.String(v.Name)
	if ch.Action == plan.Create {
		_, err := api.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: name})
		var exists *types.ResourceAlreadyExistsException
		if err != nil && !errors.As(err, &exists) {
			return fmt.Errorf("create log group %s in %s: %w", v.Name, w, err)
		}
	}
	if v.RetentionDays == 0 {
		// Zero is "never expire": remove any retention policy.
		_, err := api.DeleteRetentionPolicy(ctx, &cloudwatchlogs.DeleteRetentionPolicyInput{LogGroupName: name})
		if err != nil {
			return fmt.Errorf("remove retention of log group %s in %s: %w", v.Name, w, err)
		}
		return nil
	}
	if _, err := api.PutRetentionPolicy(ctx, &cloudwatchlogs.PutRetentionPolicyInput{LogGroupName: name,
		RetentionInDays: aws.Int32(int32(v.RetentionDays))}); err != nil {
		return fmt.Errorf("set retention of log group %s in %s: %w", v.Name, w, err)
	}
	return nil
}
