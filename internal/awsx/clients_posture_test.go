package awsx

import (
	"context"
	"testing"
)

// The posture clients are built for the account's Region, like every
// other client of a ConfigFor.
func TestPostureClientsRegion(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "testing")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "testing")
	t.Setenv("AWS_CONFIG_FILE", "/dev/null")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
	t.Setenv("AWS_PROFILE", "")
	s, err := Load(context.Background(), Options{Region: "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	c := ConfigFor{Session: s, Region: "eu-central-1"}
	for name, region := range map[string]string{
		"RDS": c.RDS().Options().Region, "Lambda": c.Lambda().Options().Region,
		"ECS": c.ECS().Options().Region, "EKS": c.EKS().Options().Region,
	} {
		if region != "eu-central-1" {
			t.Errorf("%s client Region = %q, want eu-central-1", name, region)
		}
	}
}
