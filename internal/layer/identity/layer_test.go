package identity

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssoadmin"
	"github.com/aws/aws-sdk-go-v2/service/ssoadmin/types"
)

type fakeInstances struct {
	out *ssoadmin.ListInstancesOutput
	err error
}

func (f fakeInstances) ListInstances(context.Context, *ssoadmin.ListInstancesInput, ...func(*ssoadmin.Options)) (*ssoadmin.ListInstancesOutput, error) {
	return f.out, f.err
}

func TestListInstance(t *testing.T) {
	c, err := listInstance(context.Background(), fakeInstances{out: &ssoadmin.ListInstancesOutput{}}, "eu-west-1")
	if err != nil || !c.InstanceMissing || c.Region != "eu-west-1" {
		t.Errorf("no instance: %+v, %v; want InstanceMissing in the home Region", c, err)
	}
	c, err = listInstance(context.Background(), fakeInstances{out: &ssoadmin.ListInstancesOutput{Instances: []types.InstanceMetadata{
		{InstanceArn: aws.String("arn:aws:sso:::instance/ssoins-2"), IdentityStoreId: aws.String("d-2"), Status: "CREATE_IN_PROGRESS"},
		{InstanceArn: aws.String("arn:aws:sso:::instance/ssoins-1"), IdentityStoreId: aws.String("d-1"), Status: "ACTIVE"},
	}}}, "eu-west-1")
	if err != nil || c.InstanceMissing || c.InstanceARN != "arn:aws:sso:::instance/ssoins-1" || c.IdentityStoreID != "d-1" {
		t.Errorf("instance %+v, %v; want the active one", c, err)
	}
	_, err = listInstance(context.Background(), fakeInstances{err: errors.New("AccessDenied")}, "eu-west-1")
	if err == nil || !strings.Contains(err.Error(), readInstanceName) {
		t.Errorf("error %v; want it to name %s", err, readInstanceName)
	}
}
