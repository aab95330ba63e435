package awsx

import (
	"context"
	"testing"
)

// Every client of a ConfigFor is built for the ConfigFor's Region.
func TestClientsRegion(t *testing.T) {
	testEnv(t, "")
	s, err := Load(context.Background(), Options{Region: "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	c := ConfigFor{Session: s, Region: "eu-central-1"}
	for name, region := range map[string]string{
		"RDS": c.RDS().Options().Region, "Lambda": c.Lambda().Options().Region,
		"ECS": c.ECS().Options().Region, "EKS": c.EKS().Options().Region,
		"CloudWatch": c.CloudWatch().Options().Region, "SNS": c.SNS().Options().Region,
		"EC2": c.EC2().Options().Region, "S3Control": c.S3Control().Options().Region,
		"Budgets": c.Budgets().Options().Region, "Organizations": c.Organizations().Options().Region,
	} {
		if region != "eu-central-1" {
			t.Errorf("%s client Region = %q, want eu-central-1", name, region)
		}
	}
}
