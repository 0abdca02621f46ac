package test

import (
	"path/filepath"
	"testing"

	"github.com/gruntwork-io/terratest/modules/terraform"
	"github.com/stretchr/testify/assert"
)

// TestRolePathAndNames plans the root module with an IAM path and one role
// named by the caller: every role the module creates takes the path, the
// named one its name, the others keep `<name>-<role>`.
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
	})
	opts.PlanFilePath = filepath.Join(dir, "plan.tfplan")

	plan := terraform.InitAndPlanAndShowWithStruct(t, opts)

	want := map[string]string{
		"module.task.aws_iam_role.task[0]":          "org-export-task",
		"module.task.aws_iam_role.execution[0]":     "naming-execution",
		"module.schedule.aws_iam_role.scheduler":    "naming-scheduler",
		"module.bucket.aws_iam_role.replication[0]": "naming-replication",
	}
	for addr, name := range want {
		role := resource(t, plan, addr)
		assert.Equal(t, name, role["name"], addr)
		assert.Equal(t, "/service-roles/export/", role["path"], addr)
	}
}
