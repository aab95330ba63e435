package awssim

import "fmt"

// AWS Config: per account and Region, a recorder and its status, the
// delivery channel, the rules and the aggregators, each stored as the
// Put call gave it.
func init() {
	generate("config/recorders", func(a *account, region string) map[string]any {
		out := map[string]any{}
		if !a.baselined() || !a.operational(region) || a.flawed(50) {
			return out
		}
		out[recorderName] = map[string]any{"name": recorderName, "roleARN": "arn:aws:iam::" + a.id + ":role/" + configRole,
			"recordingGroup": map[string]any{"allSupported": true, "includeGlobalResourceTypes": region == a.home()},
			"sim:recording":  !a.flawed(45)}
		return out
	})
	generate("config/channels", func(a *account, region string) map[string]any {
		out := map[string]any{}
		if !a.baselined() || !a.operational(region) || a.flawed(50) {
			return out
		}
		home := a.home()
		out[recorderName] = map[string]any{"name": recorderName, "s3BucketName": configBucket(home),
			"s3KmsKeyArn": keyARN(securityToolingID(), home, 2)}
		return out
	})
	generate("config/rules", func(a *account, region string) map[string]any {
		out := map[string]any{}
		if !a.baselined() || !a.operational(region) || a.flawed(50) {
			return out
		}
		for i, r := range baselineRules {
			if r[2] == "global" && region != a.home() {
				continue
			}
			out[r[0]] = configRule(a, region, i, map[string]any{"ConfigRuleName": r[0],
				"Source": map[string]any{"Owner": "AWS", "SourceIdentifier": r[1]}})
		}
		return out
	})
	generate("config/aggregators", func(a *account, region string) map[string]any {
		out := map[string]any{}
		if !a.baselined() || !a.is(SecurityTooling) || region != a.home() {
			return out
		}
		name := "groundwork-org-aggregator"
		out[name] = map[string]any{"ConfigurationAggregatorName": name,
			"ConfigurationAggregatorArn":    "arn:aws:config:" + region + ":" + a.id + ":config-aggregator/config-aggregator-sim",
			"OrganizationAggregationSource": map[string]any{"RoleArn": "arn:aws:iam::" + a.id + ":role/OrgConfigRole", "AllAwsRegions": true}}
		return out
	})
	serve("config", map[string]handler{
		"DescribeConfigurationRecorders":      jsonRead(describeRecorders),
		"DescribeConfigurationRecorderStatus": jsonRead(describeRecorderStatus),
		"DescribeDeliveryChannels":            jsonRead(describeAll("config/channels", "DeliveryChannels", "DeliveryChannelNames")),
		"DescribeConfigRules":                 jsonRead(describeAll("config/rules", "ConfigRules", "ConfigRuleNames")),
		"DescribeConfigurationAggregators":    jsonRead(describeAll("config/aggregators", "ConfigurationAggregators", "ConfigurationAggregatorNames")),
		"DescribeOrganizationConfigRules": jsonRead(func(*account, *call) (any, string) {
			return map[string]any{"OrganizationConfigRules": []any{}}, ""
		}),
		"PutConfigurationRecorder":   jsonWrite(putRecorder),
		"StartConfigurationRecorder": jsonWrite(startRecorder),
		"PutDeliveryChannel":         jsonWrite(putNamed("config/channels", "DeliveryChannel", "name")),
		"PutConfigRule":              jsonWrite(putConfigRule),
		"PutConfigurationAggregator": jsonWrite(putAggregator),
	})
}

func configRule(a *account, region string, n int, r map[string]any) map[string]any {
	id := fmt.Sprintf("config-rule-%s%02d", a.id[6:], n)
	return merged(r, map[string]any{"ConfigRuleId": id, "ConfigRuleState": "ACTIVE",
		"ConfigRuleArn": "arn:aws:config:" + region + ":" + a.id + ":config-rule/" + id})
}

// describeAll answers a collection, narrowed to the names the request
// lists under filter.
func describeAll(coll, key, filter string) jsonOp {
	return func(a *account, c *call) (any, string) {
		names := c.strs(filter)
		items := a.coll(c.region, coll)
		keep := func(m map[string]any) bool { return true }
		if len(names) > 0 {
			for _, n := range names {
				if _, ok := items[n]; !ok {
					return "cannot find " + n, noSuchConfig[coll]
				}
			}
			keep = func(m map[string]any) bool {
				for _, k := range []string{"name", "ConfigRuleName", "ConfigurationAggregatorName"} {
					for _, n := range names {
						if m[k] == n {
							return true
						}
					}
				}
				return false
			}
		}
		return map[string]any{key: list(items, keep)}, ""
	}
}

var noSuchConfig = map[string]string{"config/channels": "NoSuchDeliveryChannelException", "config/rules": "NoSuchConfigRuleException",
	"config/aggregators": "NoSuchConfigurationAggregatorException", "config/recorders": "NoSuchConfigurationRecorderException"}

func describeRecorders(a *account, c *call) (any, string) {
	return describeAll("config/recorders", "ConfigurationRecorders", "ConfigurationRecorderNames")(a, c)
}

func describeRecorderStatus(a *account, c *call) (any, string) {
	out := []any{}
	for _, name := range sortedKeys(a.coll(c.region, "config/recorders")) {
		r := a.coll(c.region, "config/recorders")[name].(map[string]any)
		on := r["sim:recording"] == true
		st := map[string]any{"name": name, "recording": on, "lastStatus": "PENDING"}
		if on {
			st["lastStatus"] = "SUCCESS"
		}
		out = append(out, st)
	}
	return map[string]any{"ConfigurationRecordersStatus": out}, ""
}

func putRecorder(a *account, c *call) (any, string) {
	r := c.obj("ConfigurationRecorder")
	name, _ := r["name"].(string)
	items := a.coll(c.region, "config/recorders")
	if old, ok := items[name].(map[string]any); ok {
		r["sim:recording"] = old["sim:recording"]
	} else if len(items) > 0 {
		return "one recorder per account and Region", "MaxNumberOfConfigurationRecordersExceededException"
	}
	items[name] = r
	return nil, ""
}

func startRecorder(a *account, c *call) (any, string) {
	r, ok := a.coll(c.region, "config/recorders")[c.str("ConfigurationRecorderName")].(map[string]any)
	if !ok {
		return "no recorder", "NoSuchConfigurationRecorderException"
	}
	if len(a.coll(c.region, "config/channels")) == 0 {
		return "no delivery channel", "NoAvailableDeliveryChannelException"
	}
	r["sim:recording"] = true
	return nil, ""
}

// putNamed stores the request's object under its name field.
func putNamed(coll, object, nameField string) jsonOp {
	return func(a *account, c *call) (any, string) {
		o := c.obj(object)
		name, _ := o[nameField].(string)
		a.coll(c.region, coll)[name] = o
		return nil, ""
	}
}

func putConfigRule(a *account, c *call) (any, string) {
	r := c.obj("ConfigRule")
	name, _ := r["ConfigRuleName"].(string)
	items := a.coll(c.region, "config/rules")
	items[name] = configRule(a, c.region, len(items)+10, r)
	return nil, ""
}

func putAggregator(a *account, c *call) (any, string) {
	name := c.str("ConfigurationAggregatorName")
	agg := map[string]any{"ConfigurationAggregatorName": name,
		"ConfigurationAggregatorArn": "arn:aws:config:" + c.region + ":" + a.id + ":config-aggregator/config-aggregator-" + name}
	for _, k := range []string{"OrganizationAggregationSource", "AccountAggregationSources"} {
		if v, ok := c.in[k]; ok {
			agg[k] = v
		}
	}
	a.coll(c.region, "config/aggregators")[name] = agg
	return map[string]any{"ConfigurationAggregator": agg}, ""
}
