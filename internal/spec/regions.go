package spec

import (
	"fmt"
	"slices"
	"strings"
)

// KnownRegions are the AWS Regions groundwork accepts, commercial, GovCloud
// and China partitions, as published in November 2026. A Region missing
// here is a bug: add it and release.
var KnownRegions = []string{
	"af-south-1",
	"ap-east-1", "ap-east-2",
	"ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
	"ap-south-1", "ap-south-2",
	"ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4",
	"ap-southeast-5", "ap-southeast-6", "ap-southeast-7",
	"ca-central-1", "ca-west-1",
	"cn-north-1", "cn-northwest-1",
	"eu-central-1", "eu-central-2",
	"eu-north-1",
	"eu-south-1", "eu-south-2",
	"eu-west-1", "eu-west-2", "eu-west-3",
	"il-central-1",
	"me-central-1", "me-south-1",
	"mx-central-1",
	"sa-east-1",
	"us-east-1", "us-east-2",
	"us-gov-east-1", "us-gov-west-1",
	"us-west-1", "us-west-2",
}

// IsRegion reports whether r is a known AWS Region name.
func IsRegion(r string) bool { return slices.Contains(KnownRegions, r) }

// CheckRegions returns an error naming every Region in regions that is
// not a known AWS Region, for a command-line flag (such as "--regions"),
// so that a typo fails before any AWS call rather than after hundreds of
// calls to an endpoint that does not exist. Empty entries are skipped.
func CheckRegions(flag string, regions []string) error {
	var bad []string
	for _, r := range regions {
		if r = strings.TrimSpace(r); r != "" && !IsRegion(r) {
			bad = append(bad, fmt.Sprintf("%q is not an AWS Region%s", r, Suggest(r, KnownRegions)))
		}
	}
	if len(bad) == 0 {
		return nil
	}
	return fmt.Errorf("%s: %s; nothing was sent to AWS", flag, strings.Join(bad, "; "))
}
