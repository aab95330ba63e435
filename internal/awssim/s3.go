package awssim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync"
)

// bucket is an S3 bucket: its Region, policy and the bodies of its
// configuration as last put (S3 answers a get with what was put).
type bucket struct {
	mu     sync.Mutex
	name   string
	owner  string
	region string
	policy string
	public bool              // the policy grants to everyone
	config map[string]string // subresource -> XML body
}

const (
	blockAllXML = `<PublicAccessBlockConfiguration><BlockPublicAcls>true</BlockPublicAcls><IgnorePublicAcls>true</IgnorePublicAcls>` +
		`<BlockPublicPolicy>true</BlockPublicPolicy><RestrictPublicBuckets>true</RestrictPublicBuckets></PublicAccessBlockConfiguration>`
	// Every bucket is encrypted with S3's keys unless told otherwise, as
	// S3 does since January 2023.
	sseS3XML = `<ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm>` +
		`</ApplyServerSideEncryptionByDefault><BucketKeyEnabled>false</BucketKeyEnabled></Rule></ServerSideEncryptionConfiguration>`
	denyInsecure = `{"Sid":"DenyInsecureTransport","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::%[1]s","arn:aws:s3:::%[1]s/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}`
)

// newBucket is a bucket as S3 makes it today: Block Public Access on,
// encrypted with S3's keys.
func newBucket(name, owner, region string) *bucket {
	return &bucket{name: name, owner: owner, region: region,
		config: map[string]string{"publicAccessBlock": blockAllXML, "encryption": sseS3XML}}
}

// genBuckets generates an account's buckets. A baselined workload has a
// data bucket (encrypted with KMS, versioned, its policy denying plain
// HTTP); every 25th has a public website bucket besides, whose policy
// lets everyone read and whose Block Public Access is off. The
// organization's log buckets are generated with the trail and Config
// (logging.go).
func genBuckets(a *account, _ string) map[string]any {
	out := map[string]any{}
	if !a.baselined() || a.index < Foundation {
		if a.is(LogArchive) && a.baselined() {
			for _, b := range logBuckets(a) {
				out[b.name] = b
			}
		}
		return out
	}
	home := a.home()
	data := newBucket("app-"+a.id+"-data", a.id, home)
	data.policy = `{"Version":"2012-10-17","Statement":[` + fmt.Sprintf(denyInsecure, data.name) + `]}`
	data.config["versioning"] = `<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>`
	data.config["encryption"] = `<ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>aws:kms</SSEAlgorithm>` +
		`<KMSMasterKeyID>arn:aws:kms:` + home + `:` + a.id + `:key/` + keyID(a.id, home, 1) + `</KMSMasterKeyID></ApplyServerSideEncryptionByDefault>` +
		`<BucketKeyEnabled>true</BucketKeyEnabled></Rule></ServerSideEncryptionConfiguration>`
	out[data.name] = data
	if a.flawed(25) {
		site := newBucket("app-"+a.id+"-site", a.id, home)
		site.policy = `{"Version":"2012-10-17","Statement":[{"Sid":"PublicRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::` + site.name + `/*"}]}`
		site.public = true
		delete(site.config, "publicAccessBlock")
		out[site.name] = site
	}
	return out
}

func init() {
	generate("s3", genBuckets)
	serve("s3", map[string]handler{
		"GET /":                     (*Server).listBuckets,
		"PUT bucket":                (*Server).createBucket,
		"HEAD bucket":               bucketRead(func(*bucket) (string, string) { return "", "" }),
		"GET ?location":             bucketRead((*bucket).location),
		"GET ?policy":               bucketRead((*bucket).getPolicy),
		"PUT ?policy":               bucketWrite(putPolicy),
		"GET ?policyStatus":         bucketRead((*bucket).policyStatus),
		"GET ?acl":                  bucketRead((*bucket).acl),
		"GET ?versioning":           bucketRead(bucketConfig("versioning", "", "<VersioningConfiguration/>")),
		"GET ?encryption":           bucketRead(bucketConfig("encryption", "ServerSideEncryptionConfigurationNotFoundError", "")),
		"GET ?publicAccessBlock":    bucketRead(bucketConfig("publicAccessBlock", "NoSuchPublicAccessBlockConfiguration", "")),
		"GET ?lifecycle":            bucketRead(bucketConfig("lifecycle", "NoSuchLifecycleConfiguration", "")),
		"GET ?logging":              bucketRead(bucketConfig("logging", "", `<BucketLoggingStatus/>`)),
		"PUT ?versioning":           bucketWrite(putBucketConfig("versioning")),
		"PUT ?encryption":           bucketWrite(putBucketConfig("encryption")),
		"PUT ?publicAccessBlock":    bucketWrite(putBucketConfig("publicAccessBlock")),
		"PUT ?lifecycle":            bucketWrite(putBucketConfig("lifecycle")),
		"PUT ?logging":              bucketWrite(putBucketConfig("logging")),
		"DELETE ?lifecycle":         bucketWrite(deleteBucketConfig("lifecycle")),
		"DELETE ?publicAccessBlock": bucketWrite(deleteBucketConfig("publicAccessBlock")),
	})
}

// accountIn finds the account ID a generated name carries.
var accountIn = regexp.MustCompile(`\d{12}`)

// findBucket finds a bucket by name, whoever owns it: made by a call
// (s.made), or generated with the account its name carries.
func (s *Server) findBucket(name string) *bucket {
	if v, ok := s.madeBuckets.Load(name); ok {
		return v.(*bucket)
	}
	for _, id := range accountIn.FindAllString(name, -1) {
		a := s.acct(id)
		if a == nil {
			continue
		}
		a.mu.Lock()
		b, _ := a.coll("", "s3")[name].(*bucket)
		a.mu.Unlock()
		if b != nil {
			return b
		}
	}
	return nil
}

func (s *Server) listBuckets(w http.ResponseWriter, c *call) {
	a := s.lock(c)
	var b strings.Builder
	items := a.coll("", "s3")
	for _, name := range sortedKeys(items) {
		bk := items[name].(*bucket)
		fmt.Fprintf(&b, "<Bucket>%s%s%s</Bucket>", el("Name", name), el("CreationDate", simEpoch), el("BucketRegion", bk.region))
	}
	a.mu.Unlock()
	writeXML(w, `<ListAllMyBucketsResult><Owner><ID>`+c.account+`</ID></Owner><Buckets>`+b.String()+`</Buckets></ListAllMyBucketsResult>`)
}

var locationConstraint = regexp.MustCompile(`<LocationConstraint>([^<]+)</LocationConstraint>`)

func (s *Server) createBucket(w http.ResponseWriter, c *call) {
	region := "us-east-1"
	if m := locationConstraint.FindSubmatch(c.body); m != nil {
		region = string(m[1])
	}
	if b := s.findBucket(c.bucket); b != nil {
		code := "BucketAlreadyExists"
		if b.owner == c.account {
			code = "BucketAlreadyOwnedByYou"
		}
		writeError(w, c, http.StatusConflict, code, "The requested bucket name is not available.")
		return
	}
	a := s.lock(c)
	b := newBucket(c.bucket, a.id, region)
	if _, taken := s.madeBuckets.LoadOrStore(c.bucket, b); taken {
		a.mu.Unlock()
		writeError(w, c, http.StatusConflict, "OperationAborted", "A conflicting conditional operation is in progress.")
		return
	}
	a.coll("", "s3")[c.bucket] = b
	a.mu.Unlock()
	s.Writes.Add(1)
	w.Header().Set("Location", "/"+c.bucket)
}

// A bucket operation answers its body, or an error code.
type bucketOp func(b *bucket, c *call) (body, code string)

func bucketRead(op func(*bucket) (string, string)) handler {
	return bucketHandler(func(b *bucket, _ *call) (string, string) { return op(b) }, false)
}

func bucketWrite(op bucketOp) handler { return bucketHandler(op, true) }

func bucketHandler(op bucketOp, write bool) handler {
	return func(s *Server, w http.ResponseWriter, c *call) {
		b := s.findBucket(c.bucket)
		if b == nil {
			notFound(w, c, "NoSuchBucket", "The specified bucket does not exist")
			return
		}
		if b.owner != c.account && c.operation != "GET ?policy" {
			writeError(w, c, http.StatusForbidden, "AccessDenied", "Access Denied")
			return
		}
		b.mu.Lock()
		body, code := op(b, c)
		b.mu.Unlock()
		if code != "" {
			notFound(w, c, code, "The "+c.operation[5:]+" configuration does not exist")
			return
		}
		if write {
			s.Writes.Add(1)
			w.WriteHeader(http.StatusNoContent)
			return
		}
		if strings.HasPrefix(body, "{") {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, body)
			return
		}
		writeXML(w, body)
	}
}

func (b *bucket) location() (string, string) {
	region := b.region
	if region == "us-east-1" {
		region = ""
	}
	return `<LocationConstraint>` + region + `</LocationConstraint>`, ""
}

func (b *bucket) getPolicy() (string, string) {
	if b.policy == "" {
		return "", "NoSuchBucketPolicy"
	}
	return b.policy, ""
}

func putPolicy(b *bucket, c *call) (string, string) {
	b.policy = string(c.body)
	b.public = publicPolicy(b.policy)
	return "", ""
}

// publicPolicy tells a policy that allows everyone something without a
// condition: what S3's policy status calls public.
func publicPolicy(doc string) bool {
	var p struct {
		Statement []struct {
			Effect    string
			Principal any
			Condition any
		}
	}
	if json.Unmarshal([]byte(doc), &p) != nil {
		return false
	}
	for _, st := range p.Statement {
		everyone := st.Principal == "*"
		if m, ok := st.Principal.(map[string]any); ok {
			everyone = m["AWS"] == "*"
		}
		if st.Effect == "Allow" && everyone && st.Condition == nil {
			return true
		}
	}
	return false
}

func (b *bucket) policyStatus() (string, string) {
	if b.policy == "" {
		return "", "NoSuchBucketPolicy"
	}
	return fmt.Sprintf(`<PolicyStatus><IsPublic>%t</IsPublic></PolicyStatus>`, b.public), ""
}

func (b *bucket) acl() (string, string) {
	return `<AccessControlPolicy><Owner><ID>` + b.owner + `</ID></Owner><AccessControlList><Grant>` +
		`<Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser"><ID>` + b.owner + `</ID></Grantee>` +
		`<Permission>FULL_CONTROL</Permission></Grant></AccessControlList></AccessControlPolicy>`, ""
}

func bucketConfig(sub, missing, empty string) func(*bucket) (string, string) {
	return func(b *bucket) (string, string) {
		if v, ok := b.config[sub]; ok {
			return v, ""
		}
		if missing != "" {
			return "", missing
		}
		return empty, ""
	}
}

func putBucketConfig(sub string) bucketOp {
	return func(b *bucket, c *call) (string, string) {
		b.config[sub] = string(c.body)
		return "", ""
	}
}

func deleteBucketConfig(sub string) bucketOp {
	return func(b *bucket, _ *call) (string, string) {
		delete(b.config, sub)
		return "", ""
	}
}
