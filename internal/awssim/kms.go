package awssim

import (
	"fmt"
	"strings"
)

// KMS: per account and Region, keys (their metadata, policy, rotation
// and tags) and aliases.
func init() {
	generate("kms/keys", func(a *account, region string) map[string]any {
		out := map[string]any{}
		for _, k := range genKeys(a, region) {
			out[k.id] = kmsKey(a.id, region, k.id, k.description, k.alias, !k.noRotation)
		}
		return out
	})
	generate("kms/aliases", func(a *account, region string) map[string]any {
		out := map[string]any{}
		for _, k := range genKeys(a, region) {
			out[k.alias] = kmsAlias(a.id, region, k.alias, k.id)
		}
		return out
	})
	serve("kms", map[string]handler{
		"ListKeys":    jsonRead(listKeys),
		"ListAliases": jsonRead(listAliases),
		"DescribeKey": jsonRead(withKey(func(k map[string]any, _ *call) any { return map[string]any{"KeyMetadata": visible(k)} })),
		"GetKeyPolicy": jsonRead(withKey(func(k map[string]any, _ *call) any {
			return map[string]any{"Policy": k["sim:policy"], "PolicyName": "default"}
		})),
		"GetKeyRotationStatus": jsonRead(withKey(func(k map[string]any, _ *call) any {
			return map[string]any{"KeyRotationEnabled": k["sim:rotation"] == true}
		})),
		"ListResourceTags":     jsonRead(withKey(func(k map[string]any, _ *call) any { return map[string]any{"Tags": k["sim:tags"], "Truncated": false} })),
		"CreateKey":            jsonWrite(createKey),
		"CreateAlias":          jsonWrite(createAlias),
		"PutKeyPolicy":         jsonWrite(withKey(func(k map[string]any, c *call) any { k["sim:policy"] = c.str("Policy"); return nil })),
		"EnableKeyRotation":    jsonWrite(withKey(func(k map[string]any, _ *call) any { k["sim:rotation"] = true; return nil })),
		"UpdateKeyDescription": jsonWrite(withKey(func(k map[string]any, c *call) any { k["Description"] = c.str("Description"); return nil })),
		"EnableKey":            jsonWrite(withKey(func(k map[string]any, _ *call) any { k["KeyState"], k["Enabled"] = "Enabled", true; return nil })),
		"CancelKeyDeletion": jsonWrite(withKey(func(k map[string]any, _ *call) any {
			k["KeyState"] = "Disabled"
			return map[string]any{"KeyId": k["KeyId"]}
		})),
	})
}

type genKey struct {
	id, alias, description string
	noRotation             bool
}

// genKeys are the keys a baselined account has in a Region: Security
// Tooling's keys of the trail and Config in the home Region, and a
// workload's key of its data bucket there (every 18th without
// rotation).
func genKeys(a *account, region string) []genKey {
	if !a.baselined() || region != a.home() {
		return nil
	}
	switch {
	case a.is(SecurityTooling):
		return []genKey{{keyID(a.id, region, 1), "alias/groundwork-cloudtrail", "groundwork: CloudTrail logs", false},
			{keyID(a.id, region, 2), "alias/groundwork-config", "groundwork: Config deliveries", false}}
	case a.index >= Foundation:
		return []genKey{{keyID(a.id, region, 1), "alias/app-data", "application data", a.flawed(18)}}
	}
	return nil
}

func kmsKey(account, region, id, description, alias string, rotation bool) map[string]any {
	policy := `{"Version":"2012-10-17","Id":"key-default-1","Statement":[{"Sid":"Enable IAM User Permissions","Effect":"Allow",` +
		`"Principal":{"AWS":"arn:aws:iam::` + account + `:root"},"Action":"kms:*","Resource":"*"}]}`
	k := map[string]any{"KeyId": id, "Arn": "arn:aws:kms:" + region + ":" + account + ":key/" + id, "AWSAccountId": account,
		"Description": description, "Enabled": true, "KeyState": "Enabled", "KeyManager": "CUSTOMER", "KeyUsage": "ENCRYPT_DECRYPT",
		"KeySpec": "SYMMETRIC_DEFAULT", "CustomerMasterKeySpec": "SYMMETRIC_DEFAULT", "Origin": "AWS_KMS", "CreationDate": 1.7e9,
		"MultiRegion": false, "sim:policy": policy, "sim:rotation": rotation, "sim:tags": []any{}}
	if alias != "" && strings.HasPrefix(alias, "alias/groundwork-") {
		k["sim:tags"] = []any{map[string]any{"TagKey": "groundwork:alias", "TagValue": alias}}
	}
	return k
}

func kmsAlias(account, region, name, target string) map[string]any {
	return map[string]any{"AliasName": name, "AliasArn": "arn:aws:kms:" + region + ":" + account + ":" + name, "TargetKeyId": target}
}

func listKeys(a *account, c *call) (any, string) {
	keys := []any{}
	for _, id := range sortedKeys(a.coll(c.region, "kms/keys")) {
		k := a.coll(c.region, "kms/keys")[id].(map[string]any)
		keys = append(keys, map[string]any{"KeyId": id, "KeyArn": k["Arn"]})
	}
	return map[string]any{"Keys": keys, "Truncated": false}, ""
}

func listAliases(a *account, c *call) (any, string) {
	target := c.str("KeyId")
	aliases := list(a.coll(c.region, "kms/aliases"), func(m map[string]any) bool { return target == "" || m["TargetKeyId"] == target })
	return map[string]any{"Aliases": aliases, "Truncated": false}, ""
}

// findKey resolves a key ID, key ARN, alias name or alias ARN.
func findKey(a *account, region, ref string) map[string]any {
	keys := a.coll(region, "kms/keys")
	if i := strings.LastIndex(ref, ":"); i >= 0 && strings.HasPrefix(ref, "arn:") {
		ref = ref[i+1:]
	}
	ref = strings.TrimPrefix(ref, "key/")
	if strings.HasPrefix(ref, "alias/") {
		al, ok := a.coll(region, "kms/aliases")[ref].(map[string]any)
		if !ok {
			return nil
		}
		ref, _ = al["TargetKeyId"].(string)
	}
	k, _ := keys[ref].(map[string]any)
	return k
}

func withKey(f func(k map[string]any, c *call) any) jsonOp {
	return func(a *account, c *call) (any, string) {
		ref := c.str("KeyId")
		if ref == "" {
			ref = c.str("TargetKeyId")
		}
		k := findKey(a, c.region, ref)
		if k == nil {
			return "Key '" + ref + "' does not exist", "NotFoundException"
		}
		return f(k, c), ""
	}
}

func createKey(a *account, c *call) (any, string) {
	keys := a.coll(c.region, "kms/keys")
	id := keyID(a.id, c.region, 100+len(keys))
	k := kmsKey(a.id, c.region, id, c.str("Description"), "", false)
	if p := c.str("Policy"); p != "" {
		k["sim:policy"] = p
	}
	if tags, ok := c.in["Tags"].([]any); ok {
		k["sim:tags"] = tags
	}
	keys[id] = k
	return map[string]any{"KeyMetadata": visible(k)}, ""
}

func createAlias(a *account, c *call) (any, string) {
	name := c.str("AliasName")
	aliases := a.coll(c.region, "kms/aliases")
	if _, ok := aliases[name]; ok {
		return fmt.Sprintf("An alias with the name %s already exists", name), "AlreadyExistsException"
	}
	k := findKey(a, c.region, c.str("TargetKeyId"))
	if k == nil {
		return "no such key", "NotFoundException"
	}
	aliases[name] = kmsAlias(a.id, c.region, name, k["KeyId"].(string))
	return nil, ""
}
