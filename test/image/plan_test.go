//go:build imagetest

package imagetest

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	tfjson "github.com/hashicorp/terraform-json"

	"github.com/advana-export/terraform-aws-advana-export/planreview/offline"
	"github.com/advana-export/terraform-aws-advana-export/planreview/planfile"
	"github.com/advana-export/terraform-aws-advana-export/test/harness/testenv"
)

// appliedTaskDefinition applies examples/minimal to moto (plan-review's
// fixture inputs, img as the module's image), reads the registered task
// definition back from the emulator's ECS and returns its containers with an
// SDK configuration in the account it was applied to: the image runs what
// the module registered, as ECS would hand it over, not a plan or a copy.
func appliedTaskDefinition(t *testing.T, ctx context.Context, root, img string, moto *testenv.Moto) ([]types.ContainerDefinition, aws.Config) {
	t.Helper()
	vars := filepath.Join(t.TempDir(), "image.tfvars.json")
	// A locally built image has no registry digest, so the module's explicit
	// opt-out for a tag is set (plan-review reports it as an exception). No
	// partner yet (a first apply): with replication set the task would wait
	// for a replication status that moto never reports; the apply tests run
	// that wait (test/system_test.go).
	b, _ := json.Marshal(map[string]any{"image": img, "allow_mutable_image": true, "partner_bucket_arn": nil})
	if err := os.WriteFile(vars, b, 0o644); err != nil {
		t.Fatal(err)
	}
	plan, err := planfile.Run(ctx, planfile.RunOptions{Root: root, Dir: "examples/minimal", Mode: planfile.Deployed, Emulator: moto.Endpoint,
		VarFiles: []string{filepath.Join(root, "test", "fixtures", "plan-review", "minimal.tfvars.json"), vars}})
	if err != nil {
		t.Fatal(err)
	}
	// The plan after apply knows the registered definition's ARN.
	var found []*tfjson.StateResource
	var walk func(m *tfjson.StateModule)
	walk = func(m *tfjson.StateModule) {
		if m == nil {
			return
		}
		for _, r := range m.Resources {
			if r.Type == "aws_ecs_task_definition" && r.Mode == tfjson.ManagedResourceMode {
				found = append(found, r)
			}
		}
		for _, c := range m.ChildModules {
			walk(c)
		}
	}
	if plan.PriorState != nil && plan.PriorState.Values != nil {
		walk(plan.PriorState.Values.RootModule)
	}
	if len(found) != 1 {
		t.Fatalf("examples/minimal applied %d ECS task definitions, want 1", len(found))
	}
	tdARN, _ := found[0].AttributeValues["arn"].(string)
	if tdARN == "" {
		t.Fatalf("%s has no ARN after apply", found[0].Address)
	}

	// The account plan-review's emulator setup gave the default provider;
	// moto hands an assumed role's credentials that account.
	cfg := testenv.AWSConfig(moto.Endpoint)
	role, err := sts.NewFromConfig(cfg).AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn: aws.String("arn:aws:iam::" + offline.Accounts[0] + ":role/image-test"), RoleSessionName: aws.String("image-test")})
	if err != nil {
		t.Fatal(err)
	}
	c := role.Credentials
	cfg.Credentials = credentials.NewStaticCredentialsProvider(aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken))
	td, err := ecs.NewFromConfig(cfg).DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(tdARN)})
	if err != nil {
		t.Fatalf("read back %s: %v", tdARN, err)
	}
	t.Logf("running %s as registered", aws.ToString(td.TaskDefinition.TaskDefinitionArn))
	return td.TaskDefinition.ContainerDefinitions, cfg
}
