package awssim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// page is how many accounts Organizations lists per page (its maximum
// for ListAccountsForParent is 20).
const page = 20

const rootID = "r-sim0"

func (s *Server) serve(w http.ResponseWriter, c call) {
	switch c.service {
	case "organizations":
		s.organizations(w, c)
	case "account":
		s.account(w, c)
	case "sts":
		s.sts(w, c)
	case "iam":
		s.iam(w, c)
	case "ec2":
		s.ec2(w, c)
	case "s3-control":
		s.s3control(w, c)
	default:
		notImplemented(w, c)
	}
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	_ = json.NewEncoder(w).Encode(v)
}

// jsonField is a string field of a JSON request body.
func jsonField(body []byte, name string) string {
	var m map[string]any
	if json.Unmarshal(body, &m) != nil {
		return ""
	}
	v, _ := m[name].(string)
	return v
}

func unitID(j int) string { return fmt.Sprintf("ou-sim0-%08d", j) }

func (s *Server) accountJSON(id, name, email string) map[string]any {
	return map[string]any{"Id": id, "Arn": "arn:aws:organizations::" + Management + ":account/o-sim/" + id,
		"Name": name, "Email": email, "Status": "ACTIVE", "State": "ACTIVE", "JoinedMethod": "CREATED", "JoinedTimestamp": 1.7e9}
}

// members returns the indexes of the member accounts under parent.
func (s *Server) members(parent string) []int {
	var out []int
	if parent == rootID {
		return nil
	}
	j, err := strconv.Atoi(strings.TrimPrefix(parent, "ou-sim0-"))
	if err != nil {
		return nil
	}
	for i := j; i < s.org.Accounts; i += s.org.Units {
		out = append(out, i)
	}
	return out
}

func (s *Server) organizations(w http.ResponseWriter, c call) {
	arn := "arn:aws:organizations::" + Management
	switch c.operation {
	case "DescribeOrganization":
		writeJSON(w, map[string]any{"Organization": map[string]any{"Id": "o-sim", "Arn": arn + ":organization/o-sim", "FeatureSet": "ALL",
			"MasterAccountId": Management, "MasterAccountArn": arn + ":account/o-sim/" + Management,
			"MasterAccountEmail": "aws-management-account-primary@example.com"}})
	case "ListRoots":
		writeJSON(w, map[string]any{"Roots": []any{map[string]any{"Id": rootID, "Arn": arn + ":root/o-sim/" + rootID, "Name": "Root",
			"PolicyTypes": []any{map[string]any{"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"}}}}})
	case "ListOrganizationalUnitsForParent":
		var units []any
		if jsonField(c.body, "ParentId") == rootID {
			for j := range s.org.Units {
				units = append(units, map[string]any{"Id": unitID(j), "Arn": arn + ":ou/o-sim/" + unitID(j), "Name": UnitName(j)})
			}
		}
		writeJSON(w, map[string]any{"OrganizationalUnits": units})
	case "ListAccountsForParent":
		parent := jsonField(c.body, "ParentId")
		var accounts []any
		if parent == rootID {
			accounts = append(accounts, s.accountJSON(Management, "aws-management-account-primary", "aws-management-account-primary@example.com"))
		}
		members := s.members(parent)
		start, _ := strconv.Atoi(jsonField(c.body, "NextToken"))
		end := min(start+page, len(members))
		for _, i := range members[min(start, end):end] {
			accounts = append(accounts, s.accountJSON(MemberID(i), MemberName(i), MemberEmail(i)))
		}
		out := map[string]any{"Accounts": accounts}
		if end < len(members) {
			out["NextToken"] = strconv.Itoa(end)
		}
		writeJSON(w, out)
	case "ListTagsForResource":
		id := jsonField(c.body, "ResourceId")
		var tags []any
		if strings.HasPrefix(id, "2") && len(id) == 12 {
			i, _ := strconv.Atoi(id[1:])
			tags = []any{map[string]any{"Key": "Owner", "Value": fmt.Sprintf("team-%05d", i)}, map[string]any{"Key": "Environment", "Value": "Prod"}}
		}
		writeJSON(w, map[string]any{"Tags": tags})
	case "ListPolicies":
		var policies []any
		if jsonField(c.body, "Filter") == "SERVICE_CONTROL_POLICY" {
			policies = append(policies, fullAccess)
		}
		writeJSON(w, map[string]any{"Policies": policies})
	case "DescribePolicy":
		writeJSON(w, map[string]any{"Policy": map[string]any{"PolicySummary": fullAccess,
			"Content": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`}})
	case "ListTargetsForPolicy":
		writeJSON(w, map[string]any{"Targets": []any{map[string]any{"TargetId": rootID, "Arn": arn + ":root/o-sim/" + rootID, "Name": "Root", "Type": "ROOT"}}})
	case "ListAWSServiceAccessForOrganization":
		writeJSON(w, map[string]any{"EnabledServicePrincipals": []any{}})
	case "ListDelegatedAdministrators":
		writeJSON(w, map[string]any{"DelegatedAdministrators": []any{}})
	case "ListDelegatedServicesForAccount":
		writeError(w, c, http.StatusBadRequest, "AccountNotRegisteredException", "not a delegated administrator")
	default:
		notImplemented(w, c)
	}
}

var fullAccess = map[string]any{"Id": "p-FullAWSAccess", "Arn": "arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess",
	"Name": "FullAWSAccess", "Description": "Allows access to every operation", "Type": "SERVICE_CONTROL_POLICY", "AwsManaged": true}

func (s *Server) account(w http.ResponseWriter, c call) {
	if c.operation != "POST /getAlternateContact" {
		notImplemented(w, c)
		return
	}
	kind := jsonField(c.body, "AlternateContactType")
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"AlternateContact": map[string]any{"AlternateContactType": kind,
		"EmailAddress": "aws-" + strings.ToLower(kind) + "@example.com", "Name": strings.ToLower(kind), "PhoneNumber": "+1-555-0100", "Title": kind}})
}

func writeXML(w http.ResponseWriter, op, result string) {
	w.Header().Set("Content-Type", "text/xml")
	fmt.Fprintf(w, `<%sResponse><%sResult>%s</%sResult><ResponseMetadata><RequestId>sim</RequestId></ResponseMetadata></%sResponse>`, op, op, result, op, op)
}

func (s *Server) sts(w http.ResponseWriter, c call) {
	switch c.operation {
	case "GetCallerIdentity":
		writeXML(w, c.operation, fmt.Sprintf(`<Arn>arn:aws:iam::%s:user/groundwork</Arn><UserId>AIDASIM</UserId><Account>%s</Account>`, c.account, c.account))
	case "AssumeRole":
		role := c.form.Get("RoleArn")
		parts := strings.Split(role, ":")
		if len(parts) < 6 {
			writeError(w, c, http.StatusBadRequest, "ValidationError", "bad role ARN")
			return
		}
		account := parts[4]
		writeXML(w, c.operation, fmt.Sprintf(`<Credentials><AccessKeyId>ASIA%sSIM</AccessKeyId><SecretAccessKey>sim</SecretAccessKey>`+
			`<SessionToken>sim</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials>`+
			`<AssumedRoleUser><Arn>arn:aws:sts::%s:assumed-role/OrganizationAccountAccessRole/groundwork</Arn><AssumedRoleId>AROASIM:groundwork</AssumedRoleId></AssumedRoleUser>`,
			account, account))
	default:
		notImplemented(w, c)
	}
}

func (s *Server) iam(w http.ResponseWriter, c call) {
	switch c.operation {
	case "GetAccountPasswordPolicy":
		writeXML(w, c.operation, `<PasswordPolicy><MinimumPasswordLength>14</MinimumPasswordLength><RequireSymbols>true</RequireSymbols>`+
			`<RequireNumbers>true</RequireNumbers><RequireUppercaseCharacters>true</RequireUppercaseCharacters>`+
			`<RequireLowercaseCharacters>true</RequireLowercaseCharacters><AllowUsersToChangePassword>true</AllowUsersToChangePassword>`+
			`<ExpirePasswords>true</ExpirePasswords><MaxPasswordAge>90</MaxPasswordAge><PasswordReusePrevention>24</PasswordReusePrevention>`+
			`<HardExpiry>false</HardExpiry></PasswordPolicy>`)
	case "GetAccountSummary":
		writeXML(w, c.operation, `<SummaryMap><entry><key>AccountMFAEnabled</key><value>1</value></entry>`+
			`<entry><key>AccountAccessKeysPresent</key><value>0</value></entry><entry><key>Users</key><value>0</value></entry></SummaryMap>`)
	case "ListUsers":
		writeXML(w, c.operation, `<Users/><IsTruncated>false</IsTruncated>`)
	case "GetRole":
		// Every role asked for exists as the hardening layer makes its
		// support role: under /org-admin/, trusting the account itself.
		name := c.form.Get("RoleName")
		trust := url.QueryEscape(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` +
			c.account + `:root"},"Action":"sts:AssumeRole"}]}`)
		writeXML(w, c.operation, fmt.Sprintf(`<Role><RoleName>%s</RoleName><Path>/org-admin/</Path><RoleId>AROASIM%s</RoleId>`+
			`<Arn>arn:aws:iam::%s:role/org-admin/%s</Arn><CreateDate>2024-01-01T00:00:00Z</CreateDate>`+
			`<AssumeRolePolicyDocument>%s</AssumeRolePolicyDocument></Role>`, name, c.account, c.account, name, trust))
	case "ListAttachedRolePolicies":
		writeXML(w, c.operation, `<AttachedPolicies><member><PolicyName>AWSSupportAccess</PolicyName>`+
			`<PolicyArn>arn:aws:iam::aws:policy/AWSSupportAccess</PolicyArn></member></AttachedPolicies><IsTruncated>false</IsTruncated>`)
	default:
		notImplemented(w, c)
	}
}

func (s *Server) ec2(w http.ResponseWriter, c call) {
	const ns = ` xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"`
	w.Header().Set("Content-Type", "text/xml")
	switch c.operation {
	case "DescribeVpcs":
		// One VPC of the account's own per Region; the default VPCs are
		// gone, as the foundation asks.
		fmt.Fprintf(w, `<DescribeVpcsResponse%s><requestId>sim</requestId><vpcSet><item><vpcId>vpc-%s</vpcId><ownerId>%s</ownerId>`+
			`<state>available</state><cidrBlock>10.0.0.0/16</cidrBlock><isDefault>false</isDefault></item></vpcSet></DescribeVpcsResponse>`,
			ns, c.account, c.account)
	case "DescribeNetworkInterfaces":
		fmt.Fprintf(w, `<DescribeNetworkInterfacesResponse%s><requestId>sim</requestId><networkInterfaceSet/></DescribeNetworkInterfacesResponse>`, ns)
	case "GetEbsEncryptionByDefault":
		fmt.Fprintf(w, `<GetEbsEncryptionByDefaultResponse%s><requestId>sim</requestId><ebsEncryptionByDefault>true</ebsEncryptionByDefault></GetEbsEncryptionByDefaultResponse>`, ns)
	default:
		notImplemented(w, c)
	}
}

func (s *Server) s3control(w http.ResponseWriter, c call) {
	if c.operation != "GET /v20180820/configuration/publicAccessBlock" {
		notImplemented(w, c)
		return
	}
	w.Header().Set("Content-Type", "application/xml")
	fmt.Fprint(w, `<PublicAccessBlockConfiguration><BlockPublicAcls>true</BlockPublicAcls><IgnorePublicAcls>true</IgnorePublicAcls>`+
		`<BlockPublicPolicy>true</BlockPublicPolicy><RestrictPublicBuckets>true</RestrictPublicBuckets></PublicAccessBlockConfiguration>`)
}
