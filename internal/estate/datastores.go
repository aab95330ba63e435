package estate

// Datastores is what the audit reads, in every account and Region of its
// scope, of where the organization keeps data and of the instances that
// reach it: EBS encryption by default, RDS DB instances, EFS file systems
// and EC2 instances. It is
// actual only: groundwork does not manage workloads, it judges how they
// are kept (CIS AWS Foundations Benchmark v3.0.0 1.18, 2.2.1, 2.3, 2.4.1
// and 5.6).
//
// Each part is a map keyed by the place it was read, Where.String()
// ("account Region"). A place without an entry was not read there (the
// read failed, and the audit says so): checks make no judgement there.
// An entry with no resources was read and holds none.
type Datastores struct {
	// Accounts and Regions are where the layer was read, sorted.
	Accounts []string
	Regions  []string
	// EBSDefaults say whether new EBS volumes are encrypted whatever
	// their creator asks (ec2:GetEbsEncryptionByDefault).
	EBSDefaults map[string]*EBSDefault
	// DBInstances, FileSystems and Instances are the RDS DB instances,
	// EFS file systems and EC2 instances (not terminated) of each place.
	DBInstances map[string][]*DBInstance
	FileSystems map[string][]*FileSystem
	Instances   map[string][]*Instance
}

// NewDatastores returns an empty datastores layer.
func NewDatastores() *Datastores {
	return &Datastores{
		EBSDefaults: map[string]*EBSDefault{}, DBInstances: map[string][]*DBInstance{},
		FileSystems: map[string][]*FileSystem{}, Instances: map[string][]*Instance{},
	}
}

// EBSDefault is the EBS encryption default of an account in a Region.
type EBSDefault struct {
	Where
	Encrypted bool
}

// DBInstance is an RDS DB instance, as RDS describes it.
type DBInstance struct {
	Where
	ID     string // DBInstanceIdentifier
	ARN    string
	Engine string `json:",omitempty"`
	// StorageEncrypted, AutoMinorVersionUpgrade and PubliclyAccessible are
	// the instance's settings of those names.
	StorageEncrypted        bool
	AutoMinorVersionUpgrade bool
	PubliclyAccessible      bool
}

// FileSystem is an EFS file system.
type FileSystem struct {
	Where
	ID        string
	ARN       string `json:",omitempty"`
	Name      string `json:",omitempty"`
	Encrypted bool
}

// Instance is an EC2 instance that is not terminated.
type Instance struct {
	Where
	ID    string
	State string `json:",omitempty"`
	// HTTPTokens is the instance metadata service's token setting:
	// "required" (IMDSv2 only) or "optional" (IMDSv1 answers too).
	// MetadataEndpoint is "enabled" or "disabled"; with the endpoint
	// disabled the instance has no metadata service to misuse.
	HTTPTokens       string `json:",omitempty"`
	MetadataEndpoint string `json:",omitempty"`
	// InstanceProfile is the ARN of the IAM instance profile attached,
	// "" when none is.
	InstanceProfile string `json:",omitempty"`
}
