package cli

import (
	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/checklist"
)

// The checklist's DataReader: S3, Amazon Macie and EC2 of any account
// (members through the access role) and operational Region, for the
// steps of the CIS benchmark that only a person can judge but an API can
// prepare (MFA Delete, data discovery, routes through VPC peering).

var _ checklist.DataReader = checklistReader{}

func (r checklistReader) at(accountID, region string) awsx.ConfigFor {
	return awsx.ConfigFor{Session: r.session, Account: accountID, Management: r.management, Region: region}
}

func (r checklistReader) S3(accountID, region string) checklist.S3API {
	return r.at(accountID, region).S3()
}

func (r checklistReader) Macie(accountID, region string) checklist.MacieAPI {
	return r.at(accountID, region).Macie()
}

func (r checklistReader) EC2(accountID, region string) checklist.EC2API {
	return r.at(accountID, region).EC2()
}

// Regions are the spec's operational Regions, else the home Region.
func (r checklistReader) Regions() []string {
	if len(r.regions) > 0 {
		return r.regions
	}
	return []string{r.homeRegion}
}
