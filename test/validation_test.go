package test

import (
	"strings"
	"testing"

	"github.com/gruntwork-io/terratest/modules/terraform"
	"github.com/stretchr/testify/assert"
)

// TestRootInputValidation plans the root module with one bad input at a time
// and expects the plan to fail with that variable's own error message.
func TestRootInputValidation(t *testing.T) {
	t.Parallel()
	dir := copyToTemp(t, ".")
	pointAtMoto(t, dir)
	valid := func() map[string]interface{} {
		return map[string]interface{}{
			"image":              testImage,
			"db_secret_arn":      testDBSecretARN,
			"subnet_ids":         []string{testSubnet},
			"security_group_ids": []string{testSG},
			"replication": map[string]interface{}{
				"destination_bucket_arn":  "arn:aws:s3:::advana-partner",
				"destination_account_id":  "210987654321",
				"destination_kms_key_arn": "arn:aws:kms:us-east-1:210987654321:key/1a2b3c4d-1111-2222-3333-444444444444",
			},
		}
	}
	// One init for every case; the cases run one after another in this copy.
	terraform.Init(t, tfOptions(t, dir, nil))

	cases := []struct {
		name    string
		set     func(v map[string]interface{})
		message string
	}{
		{"account id not 12 digits", func(v map[string]interface{}) {
			v["replication"].(map[string]interface{})["destination_account_id"] = "21098765432"
		}, "replication.destination_account_id must be a 12-digit AWS account id."},
		{"bucket ARN malformed", func(v map[string]interface{}) {
			v["replication"].(map[string]interface{})["destination_bucket_arn"] = "advana-partner"
		}, "replication.destination_bucket_arn must be an S3 bucket ARN"},
		{"schedule singular unit", func(v map[string]interface{}) { v["schedule_expression"] = "rate(12 hour)" }, "schedule_expression must be rate(N unit)"},
		{"schedule not an expression", func(v map[string]interface{}) { v["schedule_expression"] = "every 12 hours" }, "schedule_expression must be rate(N unit)"},
		{"cpu/memory not a Fargate pair", func(v map[string]interface{}) {
			v["task_size"] = map[string]interface{}{"cpu": 1024, "memory": 1024}
		}, "task_size is not a Fargate CPU/memory pair"},
		{"log retention below 365", func(v map[string]interface{}) { v["log_retention_days"] = 90 }, "log_retention_days must be at least 365"},
		{"export as root", func(v map[string]interface{}) {
			v["container_user"] = map[string]interface{}{"uid": 0, "gid": 0}
		}, "the export container never runs as root"},
		{"unencrypted database connection", func(v map[string]interface{}) {
			v["database"] = map[string]interface{}{"sslmode": "disable"}
		}, "database.sslmode must be require, verify-ca or verify-full"},
		{"secret ARN malformed", func(v map[string]interface{}) { v["db_secret_arn"] = "advana/db" }, "db_secret_arn must be a Secrets Manager secret ARN"},
		{"role path without slashes", func(v map[string]interface{}) { v["iam_role_path"] = "service-roles" }, "role_path must start and end with '/'"},
		{"role name too long", func(v map[string]interface{}) {
			v["iam_role_names"] = map[string]interface{}{"scheduler": strings.Repeat("r", 65)}
		}, "role_name must be 1-64 characters"},
		{"subnet id malformed", func(v map[string]interface{}) { v["subnet_ids"] = []string{"10.0.0.0/24"} }, "subnet_ids must be a non-empty list of subnet ids"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			vars := valid()
			tc.set(vars)
			// Plan only: validation fails before anything would be created.
			out, err := terraform.PlanE(t, tfOptions(t, dir, vars))
			if assert.Error(t, err, "plan accepted a bad input") {
				// Terraform wraps long messages; compare with whitespace folded.
				assert.Contains(t, strings.Join(strings.Fields(out), " "), tc.message)
			}
		})
	}
}
