package datastores

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/groundwork-aws/groundwork/internal/audit"
	"github.com/groundwork-aws/groundwork/internal/estate"
)

// The checks of the datastores layer, each on what the layer read in every
// account and Region: a place it could not read is not judged (the audit
// reports it not evaluated there).

const cis = "CIS AWS Foundations Benchmark v3.0.0 "

func init() {
	audit.Register(audit.Check{
		ID:       "GW-DAT-001",
		Title:    "EBS encrypts new volumes by default in every account and Region",
		Severity: audit.Medium,
		Guidance: "004 Compliance Alignment",
		Controls: []string{cis + "2.2.1", "NIST CSF PR.DS-1"},
		Rationale: "Without encryption by default, every volume and snapshot made without asking for encryption holds " +
			"its data in the clear, and an unencrypted snapshot can be shared or copied out of the account.",
		Remediation: "manual: run aws ec2 enable-ebs-encryption-by-default in the account and Region (EC2 console > " +
			"Settings > EBS encryption > Always encrypt new EBS volumes); volumes made before stay as they are",
		Reads: []string{readEBS},
		Run:   checkEBSDefault,
	})
	audit.Register(audit.Check{
		ID:       "GW-DAT-002",
		Title:    "RDS DB instances encrypted at rest",
		Severity: audit.Medium,
		Guidance: "004 Compliance Alignment",
		Controls: []string{cis + "2.3.1", "NIST CSF PR.DS-1"},
		Rationale: "An unencrypted DB instance keeps its storage, automated backups, read replicas and snapshots in the " +
			"clear, and its snapshots can be shared or restored outside the account.",
		Remediation: "manual: encryption is chosen when an instance is made; snapshot the instance, copy the snapshot " +
			"with encryption (aws rds copy-db-snapshot --kms-key-id ...), restore a new instance from it and move " +
			"the clients over",
		Reads: []string{readRDS},
		Run: checkDBInstances(func(d *estate.DBInstance) string {
			if d.StorageEncrypted {
				return ""
			}
			return "storage is not encrypted: its data, backups and snapshots are kept in the clear"
		}),
	})
	audit.Register(audit.Check{
		ID:       "GW-DAT-003",
		Title:    "RDS DB instances take minor engine upgrades automatically",
		Severity: audit.Low,
		Guidance: "004 Compliance Alignment",
		Controls: []string{cis + "2.3.2", "NIST CSF PR.IP-12"},
		Rationale: "An instance that does not take minor version upgrades keeps running engine versions with known " +
			"security bugs until someone remembers to upgrade it.",
		Remediation: "manual: aws rds modify-db-instance --db-instance-identifier <id> --auto-minor-version-upgrade " +
			"(applied in the next maintenance window)",
		Reads: []string{readRDS},
		Run: checkDBInstances(func(d *estate.DBInstance) string {
			if d.AutoMinorVersionUpgrade {
				return ""
			}
			return "auto minor version upgrade is off: security fixes in minor engine versions are not applied"
		}),
	})
	audit.Register(audit.Check{
		ID:       "GW-DAT-004",
		Title:    "RDS DB instances not publicly accessible",
		Severity: audit.High,
		Guidance: "004 Compliance Alignment",
		Controls: []string{cis + "2.3.3", "NIST CSF PR.AC-5"},
		Rationale: "A publicly accessible DB instance has an address on the internet: its security groups are all " +
			"that stands between the database's login and every scanner.",
		Remediation: "manual: aws rds modify-db-instance --db-instance-identifier <id> --no-publicly-accessible, and " +
			"keep the instance in subnets without a route to an internet gateway",
		Reads: []string{readRDS},
		Run: checkDBInstances(func(d *estate.DBInstance) string {
			if !d.PubliclyAccessible {
				return ""
			}
			return "publicly accessible: the instance has a public address that resolves from the internet"
		}),
	})
	audit.Register(audit.Check{
		ID:       "GW-DAT-005",
		Title:    "EFS file systems encrypted at rest",
		Severity: audit.Medium,
		Guidance: "004 Compliance Alignment",
		Controls: []string{cis + "2.4.1", "NIST CSF PR.DS-1"},
		Rationale: "An EFS file system made without encryption keeps every file in the clear for as long as it " +
			"exists: encryption at rest can only be chosen when the file system is made.",
		Remediation: "manual: create an encrypted file system (aws efs create-file-system --encrypted), copy the data " +
			"over (AWS DataSync or a mount of both) and delete the unencrypted one",
		Reads: []string{readEFS},
		Run:   checkFileSystems,
	})
	audit.Register(audit.Check{
		ID:       "GW-DAT-006",
		Title:    "EC2 instances require IMDSv2",
		Severity: audit.Medium,
		Guidance: "004 Compliance Alignment",
		Controls: []string{cis + "5.6", "NIST CSF PR.AC-4"},
		Rationale: "An instance whose metadata service still answers IMDSv1 hands its role's credentials to any " +
			"request its software can be tricked into making (server-side request forgery), with no session token.",
		Remediation: "manual: aws ec2 modify-instance-metadata-options --instance-id <id> --http-tokens required " +
			"(test the instance's software with IMDSv2 first); make it the default for new instances with aws ec2 " +
			"modify-instance-metadata-defaults --http-tokens required",
		Reads: []string{readInstances},
		Run: checkInstances(func(i *estate.Instance) string {
			if strings.EqualFold(i.HTTPTokens, "required") || strings.EqualFold(i.MetadataEndpoint, "disabled") {
				return ""
			}
			return fmt.Sprintf("the metadata service accepts IMDSv1 (HttpTokens %s): requests without a session token "+
				"get the instance's credentials", audit.QuoteOrNone(i.HTTPTokens))
		}),
	})
	audit.Register(audit.Check{
		ID:       "GW-DAT-007",
		Title:    "EC2 instances reach AWS through an instance role",
		Severity: audit.Low,
		Guidance: "003 AWS Identity and Access Management (IAM); 004 Compliance Alignment",
		Controls: []string{cis + "1.18", "NIST CSF PR.AC-1"},
		Rationale: "An instance without an instance profile that calls AWS does so with long-lived access keys kept " +
			"on it, which leak with its disks, images and backups and are seldom rotated.",
		Remediation: "manual: attach an instance profile with the permissions the instance needs (aws ec2 " +
			"associate-iam-instance-profile), then delete the access keys stored on the instance",
		Reads: []string{readInstances},
		Run: checkInstances(func(i *estate.Instance) string {
			if i.InstanceProfile != "" {
				return ""
			}
			return "no IAM instance profile: software on it that calls AWS must keep access keys on the instance"
		}),
	})
}

// checkEBSDefault reports, per account, the Regions where EBS does not
// encrypt new volumes by default.
func checkEBSDefault(e *estate.Estate) []audit.Finding {
	if e.Datastores == nil {
		return nil
	}
	var off []estate.Where
	for _, k := range slices.Sorted(maps.Keys(e.Datastores.EBSDefaults)) {
		if d := e.Datastores.EBSDefaults[k]; !d.Encrypted {
			off = append(off, d.Where)
		}
	}
	slices.SortFunc(off, func(a, b estate.Where) int {
		return cmp.Or(strings.Compare(string(a.Account), string(b.Account)), strings.Compare(a.Region, b.Region))
	})
	accounts, regions := audit.RegionsByAccount(e, off)
	var out []audit.Finding
	for _, acct := range accounts {
		f := audit.Finding{
			Resource: audit.WhereAccountResource(e, acct),
			Account:  audit.WhereID(e, acct),
			Message: "EBS encryption by default is off in " + strings.Join(regions[acct], ", ") + ": new volumes and " +
				"their snapshots there are unencrypted unless their creator asks",
		}
		if len(regions[acct]) == 1 {
			f.Region = regions[acct][0]
		}
		out = append(out, f)
	}
	return out
}

// each calls f on every value of a regional map of the layer, in the
// order of their places, leaving out accounts leaving the organization.
func each[V any](e *estate.Estate, m map[string][]V, where func(V) estate.Where, f func(V)) {
	for _, k := range slices.Sorted(maps.Keys(m)) {
		for _, v := range m[k] {
			if !audit.Leaving(e, where(v)) {
				f(v)
			}
		}
	}
}

// checkDBInstances reports every DB instance for which why says something.
func checkDBInstances(why func(*estate.DBInstance) string) func(*estate.Estate) []audit.Finding {
	return func(e *estate.Estate) []audit.Finding {
		if e.Datastores == nil {
			return nil
		}
		var out []audit.Finding
		each(e, e.Datastores.DBInstances, func(d *estate.DBInstance) estate.Where { return d.Where }, func(d *estate.DBInstance) {
			if msg := why(d); msg != "" {
				out = append(out, audit.PlacedFinding(e, "rds", d.ID, d.Where, msg))
			}
		})
		return out
	}
}

func checkFileSystems(e *estate.Estate) []audit.Finding {
	if e.Datastores == nil {
		return nil
	}
	var out []audit.Finding
	each(e, e.Datastores.FileSystems, func(f *estate.FileSystem) estate.Where { return f.Where }, func(f *estate.FileSystem) {
		if f.Encrypted {
			return
		}
		name := f.ID
		if f.Name != "" {
			name += " " + f.Name
		}
		out = append(out, audit.PlacedFinding(e, "efs", name, f.Where, "not encrypted at rest: every file is stored in the clear"))
	})
	return out
}

// checkInstances reports every EC2 instance for which why says something.
func checkInstances(why func(*estate.Instance) string) func(*estate.Estate) []audit.Finding {
	return func(e *estate.Estate) []audit.Finding {
		if e.Datastores == nil {
			return nil
		}
		var out []audit.Finding
		each(e, e.Datastores.Instances, func(i *estate.Instance) estate.Where { return i.Where }, func(i *estate.Instance) {
			if msg := why(i); msg != "" {
				out = append(out, audit.PlacedFinding(e, "ec2", i.ID, i.Where, msg))
			}
		})
		return out
	}
}
