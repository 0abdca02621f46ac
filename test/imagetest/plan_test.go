//go:build imagetest

package imagetest

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	tfjson "github.com/hashicorp/terraform-json"

	"github.com/advana-export/terraform-aws-advana-export/internal/planreview/planfile"
	"github.com/advana-export/terraform-aws-advana-export/internal/podmanrun"
)

// taskDefinition plans examples/minimal offline (a first deployment, fake
// credentials, plan-review's fixture inputs) with img as the module's image,
// and returns the planned task definition's containers: the test runs what
// the module would register, not a copy written by hand.
func taskDefinition(t *testing.T, ctx context.Context, root, img string) []types.ContainerDefinition {
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
	plan, err := planfile.Run(ctx, planfile.RunOptions{Root: root, Dir: "examples/minimal", Mode: planfile.Fresh,
		VarFiles: []string{filepath.Join(root, "test", "fixtures", "plan-review", "minimal.tfvars.json"), vars}})
	if err != nil {
		t.Fatal(err)
	}
	var found []*tfjson.StateResource
	var walk func(m *tfjson.StateModule)
	walk = func(m *tfjson.StateModule) {
		if m == nil {
			return
		}
		for _, r := range m.Resources {
			if r.Type == "aws_ecs_task_definition" {
				found = append(found, r)
			}
		}
		for _, c := range m.ChildModules {
			walk(c)
		}
	}
	if plan.PlannedValues != nil {
		walk(plan.PlannedValues.RootModule)
	}
	if len(found) != 1 {
		t.Fatalf("the plan of examples/minimal has %d ECS task definitions, want 1", len(found))
	}
	js, ok := found[0].AttributeValues["container_definitions"].(string)
	if !ok {
		t.Fatalf("%s: container_definitions is not known at plan time (%T): the test runs what the plan shows", found[0].Address, found[0].AttributeValues["container_definitions"])
	}
	defs, err := podmanrun.ParseDefinitions(js)
	if err != nil {
		t.Fatal(err)
	}
	return defs
}
