package test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/gruntwork-io/terratest/modules/terraform"
	"github.com/stretchr/testify/assert"

	"github.com/advana-export/terraform-aws-advana-export/planreview/model"
)

// TestRolePathAndNames plans the root module with an IAM path, one role
// named by the caller and per-resource tags: every role the module creates
// takes the path, the named one its name, the others keep `<name>-<role>`;
// each part's tags and role_tags land on that part's resources only, over
// `tags`.
func TestRolePathAndNames(t *testing.T) {
	t.Parallel()
	dir := copyToTemp(t, ".")
	pointAtMoto(t, dir)
	opts := tfOptions(t, dir, map[string]interface{}{
		"name":               "naming",
		"image":              testImage,
		"db_secret_arn":      testDBSecretARN,
		"database":           map[string]interface{}{"host": testDBHost, "name": "milmove"},
		"subnet_ids":         []string{testSubnet},
		"security_group_ids": []string{testSG},
		"replication": map[string]interface{}{
			"destination_bucket_arn":  "arn:aws:s3:::advana-partner",
			"destination_account_id":  "210987654321",
			"destination_kms_key_arn": "arn:aws:kms:us-east-1:210987654321:key/1a2b3c4d-1111-2222-3333-444444444444",
		},
		"iam_role_path":  "/service-roles/export/",
		"iam_role_names": map[string]interface{}{"task": "org-export-task"},
		"tags":           map[string]string{"Project": "advana-export", "Part": "all"},
		"bucket_tags":    map[string]string{"Part": "bucket"},
		"task_tags":      map[string]string{"Part": "task"},
		"schedule_tags":  map[string]string{"Part": "schedule"},
		"role_tags":      map[string]string{"Role": "yes"},
	})
	opts.PlanFilePath = filepath.Join(dir, "plan.tfplan")

	plan := terraform.InitAndPlanAndShowWithStruct(t, opts)

	want := map[string]string{
		"module.task[0].aws_iam_role.task[0]":          "org-export-task",
		"module.task[0].aws_iam_role.execution[0]":     "naming-execution",
		"module.schedule[0].aws_iam_role.scheduler":    "naming-scheduler",
		"module.bucket[0].aws_iam_role.replication[0]": "naming-replication",
	}
	for addr, name := range want {
		role := resource(t, plan, addr)
		assert.Equal(t, name, role["name"], addr)
		assert.Equal(t, "/service-roles/export/", role["path"], addr)
	}

	// Every tagged resource: `tags` everywhere, its part's tags over them,
	// role_tags on roles only.
	part := func(addr string) string {
		for _, p := range []string{"bucket", "task", "schedule"} {
			if strings.HasPrefix(addr, "module."+p+"[0].") {
				return p
			}
		}
		return "all"
	}
	tagged := 0
	for addr, r := range plan.ResourcePlannedValuesMap {
		tags, ok := r.AttributeValues["tags"].(map[string]interface{})
		if !ok || r.Type == "aws_scheduler_schedule" {
			continue
		}
		tagged++
		assert.Equal(t, "advana-export", tags["Project"], addr)
		assert.Equal(t, part(addr), tags["Part"], addr)
		if r.Type == "aws_iam_role" {
			assert.Equal(t, "yes", tags["Role"], addr)
		} else {
			assert.NotContains(t, tags, "Role", addr)
		}
	}
	assert.Greater(t, tagged, 10)
	// The tasks the schedule starts carry the schedule's tags too.
	sched := resource(t, plan, "module.schedule[0].aws_scheduler_schedule.this[0]")
	assert.Equal(t, map[string]interface{}{"Project": "advana-export", "Part": "schedule"}, model.At(sched, "target", 0, "ecs_parameters", 0, "tags"))
}
