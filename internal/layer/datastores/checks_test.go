package datastores

import (
	"testing"

	"github.com/groundwork-aws/groundwork/internal/audit/audittest"
	"github.com/groundwork-aws/groundwork/internal/estate"
)

// clean is the recommended foundation with the layer read everywhere:
// EBS encryption by default on in every account and Region, and in the
// payments-prod account an encrypted private DB instance, an encrypted
// file system and an instance with IMDSv2 and a role, the correctly kept
// twins of what the rows plant.
func clean() *estate.Estate {
	e := audittest.Foundation()
	res := estate.NewDatastores()
	res.Accounts, res.Regions = audittest.AccountKeys(), []string{audittest.Home, audittest.Other}
	for _, key := range res.Accounts {
		for _, region := range res.Regions {
			w := estate.Where{Account: estate.AccountKey(key), Region: region}
			res.EBSDefaults[w.String()] = &estate.EBSDefault{Where: w, Encrypted: true}
			res.DBInstances[w.String()], res.FileSystems[w.String()], res.Instances[w.String()] = nil, nil, nil
		}
	}
	w := prod()
	res.DBInstances[w.String()] = []*estate.DBInstance{{Where: w, ID: "orders", StorageEncrypted: true,
		AutoMinorVersionUpgrade: true}}
	res.FileSystems[w.String()] = []*estate.FileSystem{{Where: w, ID: "fs-0good", Name: "shared", Encrypted: true}}
	res.Instances[w.String()] = []*estate.Instance{{Where: w, ID: "i-0good", State: "running", HTTPTokens: "required",
		MetadataEndpoint: "enabled", InstanceProfile: "arn:aws:iam::444444444444:instance-profile/app"}}
	e.Datastores = res
	return e
}

func prod() estate.Where { return estate.Where{Account: audittest.ProdKey, Region: audittest.Home} }

// plant adds a resource beside the clean twins at the payments-prod place.
func plantDB(e *estate.Estate, d estate.DBInstance) {
	d.Where = prod()
	e.Datastores.DBInstances[prod().String()] = append(e.Datastores.DBInstances[prod().String()], &d)
}

func plantInstance(e *estate.Estate, i estate.Instance) {
	i.Where = prod()
	e.Datastores.Instances[prod().String()] = append(e.Datastores.Instances[prod().String()], &i)
}

func TestChecksRegistered(t *testing.T) {
	audittest.Documented(t, audittest.Registered(t, "GW-DAT-", []string{
		"GW-DAT-001", "GW-DAT-002", "GW-DAT-003", "GW-DAT-004", "GW-DAT-005", "GW-DAT-006", "GW-DAT-007"}))
	audittest.Clean(t, "clean datastores", clean())
}

func TestResourceChecks(t *testing.T) {
	plainDB := estate.DBInstance{ID: "legacy", StorageEncrypted: false, AutoMinorVersionUpgrade: false, PubliclyAccessible: true}
	audittest.RunCases(t, clean, map[string]audittest.Case{
		"EBS default off in one place": {
			Check: "GW-DAT-001",
			Edit: func(e *estate.Estate) {
				e.Datastores.EBSDefaults[estate.PlaceKey(audittest.DevKey, audittest.Other)].Encrypted = false
			},
			Want: []string{"account/555555555555 (payments-dev)"},
			Msg:  "encryption by default is off in us-east-1:",
		},
		"EBS default off in both Regions, one finding": {
			Check: "GW-DAT-001",
			Edit: func(e *estate.Estate) {
				e.Datastores.EBSDefaults[estate.PlaceKey(audittest.DevKey, audittest.Other)].Encrypted = false
				e.Datastores.EBSDefaults[estate.PlaceKey(audittest.DevKey, audittest.Home)].Encrypted = false
			},
			Want: []string{"account/555555555555 (payments-dev)"},
			Msg:  "off in eu-west-1, us-east-1:",
		},
		"EBS default of an unread place is not judged": {
			Check: "GW-DAT-001",
			Edit: func(e *estate.Estate) {
				delete(e.Datastores.EBSDefaults, estate.PlaceKey(audittest.DevKey, audittest.Other))
			},
		},
		"unencrypted DB instance": {
			Check: "GW-DAT-002", Edit: func(e *estate.Estate) { plantDB(e, plainDB) },
			Want: []string{"rds/legacy (payments-prod eu-west-1)"}, Msg: "storage is not encrypted",
		},
		"DB instance without minor upgrades": {
			Check: "GW-DAT-003", Edit: func(e *estate.Estate) { plantDB(e, plainDB) },
			Want: []string{"rds/legacy (payments-prod eu-west-1)"}, Msg: "auto minor version upgrade is off",
		},
		"public DB instance": {
			Check: "GW-DAT-004", Edit: func(e *estate.Estate) { plantDB(e, plainDB) },
			Want: []string{"rds/legacy (payments-prod eu-west-1)"}, Msg: "publicly accessible",
		},
		"unencrypted file system": {
			Check: "GW-DAT-005",
			Edit: func(e *estate.Estate) {
				w := prod()
				e.Datastores.FileSystems[w.String()] = append(e.Datastores.FileSystems[w.String()],
					&estate.FileSystem{Where: w, ID: "fs-0bad"})
			},
			Want: []string{"efs/fs-0bad (payments-prod eu-west-1)"}, Msg: "not encrypted at rest",
		},
		"instance with IMDSv1": {
			Check: "GW-DAT-006",
			Edit: func(e *estate.Estate) {
				plantInstance(e, estate.Instance{ID: "i-0old", HTTPTokens: "optional", MetadataEndpoint: "enabled",
					InstanceProfile: "arn:aws:iam::444444444444:instance-profile/app"})
			},
			Want: []string{"ec2/i-0old (payments-prod eu-west-1)"}, Msg: `HttpTokens "optional"`,
		},
		"instance with the metadata service off": {
			Check: "GW-DAT-006",
			Edit: func(e *estate.Estate) {
				plantInstance(e, estate.Instance{ID: "i-0off", HTTPTokens: "optional", MetadataEndpoint: "disabled",
					InstanceProfile: "arn:aws:iam::444444444444:instance-profile/app"})
			},
		},
		"instance without a role": {
			Check: "GW-DAT-007",
			Edit: func(e *estate.Estate) {
				plantInstance(e, estate.Instance{ID: "i-0keys", HTTPTokens: "required", MetadataEndpoint: "enabled"})
			},
			Want: []string{"ec2/i-0keys (payments-prod eu-west-1)"}, Msg: "no IAM instance profile",
		},
		"closing account ignored": {
			Check: "GW-DAT-004",
			Edit: func(e *estate.Estate) {
				plantDB(e, plainDB)
				audittest.Account(e, "payments-prod").Status = "PENDING_CLOSURE"
			},
		},
	}, audittest.NamesAccount)
}

func TestResourcePlaces(t *testing.T) {
	audittest.RunPlaces(t, map[string]audittest.PlaceCase{
		"EBS default": {Clean: clean, Check: "GW-DAT-001",
			Edit: func(e *estate.Estate) { e.Datastores.EBSDefaults[prod().String()].Encrypted = false },
			Want: audittest.Place{Resource: "account/444444444444 (payments-prod)", Account: "444444444444", Region: audittest.Home}},
		"DB instance": {Clean: clean, Check: "GW-DAT-004",
			Edit: func(e *estate.Estate) { plantDB(e, estate.DBInstance{ID: "pub", PubliclyAccessible: true}) },
			Want: audittest.Place{Resource: "rds/pub (payments-prod eu-west-1)", Account: "444444444444", Region: audittest.Home}},
	})
}
