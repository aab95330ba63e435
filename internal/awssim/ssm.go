package awssim

import (
	"strconv"
	"time"
)

// SSM parameters, per account and Region: what apply's lease writes and
// reads (PutParameter with Overwrite, GetParameter by name or
// name:version).
func init() {
	serve("ssm", map[string]handler{
		"GetParameter": jsonRead(getParameter),
		"PutParameter": jsonWrite(putParameter),
	})
}

func getParameter(a *account, c *call) (any, string) {
	name := c.str("Name")
	version := 0
	for i := len(name) - 1; i > 0; i-- {
		if name[i] == ':' {
			if v, err := strconv.Atoi(name[i+1:]); err == nil {
				name, version = name[:i], v
			}
			break
		}
	}
	p, ok := a.coll(c.region, "ssm")[name].(map[string]any)
	if !ok || version != 0 && p["Version"] != float64(version) {
		return "Parameter " + name + " not found.", "ParameterNotFound"
	}
	return map[string]any{"Parameter": p}, ""
}

func putParameter(a *account, c *call) (any, string) {
	name := c.str("Name")
	params := a.coll(c.region, "ssm")
	old, exists := params[name].(map[string]any)
	if exists && c.in["Overwrite"] != true {
		return "The parameter already exists.", "ParameterAlreadyExists"
	}
	version := 1.0
	if exists {
		version = old["Version"].(float64) + 1
	}
	params[name] = map[string]any{"Name": name, "Type": "String", "Value": c.str("Value"), "Version": version,
		"LastModifiedDate": float64(time.Now().Unix()), "ARN": "arn:aws:ssm:" + c.region + ":" + a.id + ":parameter" + name}
	return map[string]any{"Version": version, "Tier": "Standard"}, ""
}
