package test

import (
	"encoding/json"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/gruntwork-io/terratest/modules/terraform"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/advana-export/terraform-aws-advana-export/planreview/model"
	"github.com/advana-export/terraform-aws-advana-export/task/config"
)

// TestCompletePlan plans examples/complete (both accounts, every notable
// input) in the commercial partition and checks on the plan JSON every
// control that is known before apply, and that it names no other partition. The controls that name ARNs created by the apply are checked on the
// plan after apply in TestCompleteApply.
func TestCompletePlan(t *testing.T) {
	t.Parallel()
	id := uniqueName("plan")
	dir := copyToTemp(t, "examples/complete")
	pointAtMoto(t, dir, "", "partner")
	vars := completeVars(id)
	opts := tfOptions(t, dir, vars)
	opts.PlanFilePath = filepath.Join(dir, "plan.tfplan")

	// Plan (the emulator only answers the account-id lookup) and parse the JSON.
	plan := terraform.InitAndPlanAndShowWithStruct(t, opts)

	assertPlanControls(t, plan, "rate(12 hours)")

	// Every ARN, host, service principal and condition value is the
	// commercial partition's (TestGovCloudPlan: the same check in aws-us-gov).
	assertInSite(t, plan, commercial)

	// Inputs of the complete example reach the resources.
	logs := resource(t, plan, taskMod+".aws_cloudwatch_log_group.this[0]")
	assert.EqualValues(t, 731, logs["retention_in_days"])
	td := resource(t, plan, taskMod+".aws_ecs_task_definition.this")
	assert.Equal(t, "2048", td["cpu"])
	assert.Equal(t, "8192", td["memory"])
	assert.EqualValues(t, 100, model.At(td, "ephemeral_storage", 0, "size_in_gib"))
	assert.Equal(t, "ARM64", model.At(td, "runtime_platform", 0, "cpu_architecture"))
	logging := resource(t, plan, srcBucket+".aws_s3_bucket_logging.this[0]")
	assert.Equal(t, id+"-access-logs", logging["target_bucket"])
	alarm := resource(t, plan, schedMod+".aws_cloudwatch_metric_alarm.missed_run[0]")
	assert.EqualValues(t, 14, alarm["evaluation_periods"])
	assert.EqualValues(t, 3600, alarm["period"])
	sched := resource(t, plan, schedMod+".aws_scheduler_schedule.this[0]")
	assert.Equal(t, "FLEXIBLE", model.At(sched, "flexible_time_window", 0, "mode"))
	assert.EqualValues(t, 15, model.At(sched, "flexible_time_window", 0, "maximum_window_in_minutes"))
	target := model.At(sched, "target", 0).(map[string]interface{})
	assert.Equal(t, "1.4.0", model.At(target, "ecs_parameters", 0, "platform_version"))
	assert.Equal(t, []interface{}{testSubnet}, model.At(target, "ecs_parameters", 0, "network_configuration", 0, "subnets"))
	assert.EqualValues(t, 5, model.At(target, "retry_policy", 0, "maximum_retry_attempts"))
	assert.NotNil(t, model.At(target, "dead_letter_config", 0), "dead-letter queue")

	// The partner hears of a complete export: S3 events to EventBridge, and a
	// rule that matches only a new manifest.json under the prefix.
	rule := resource(t, plan, "module.advana.aws_cloudwatch_event_rule.manifest[0]")
	var pattern struct {
		Source []string `json:"source"`
		Detail struct {
			Object struct {
				Key []map[string]string `json:"key"`
			} `json:"object"`
		} `json:"detail"`
	}
	require.NoError(t, json.Unmarshal([]byte(rule["event_pattern"].(string)), &pattern))
	assert.Equal(t, []string{"aws.s3"}, pattern.Source)
	assert.Equal(t, []map[string]string{{"wildcard": "exports/*/manifest.json"}}, pattern.Detail.Object.Key)
	assert.Equal(t, true, resource(t, plan, "module.advana.aws_s3_bucket_notification.this[0]")["eventbridge"])

	// Every resource that takes tags carries the caller's.
	for addr, r := range plan.ResourcePlannedValuesMap {
		if tags, ok := r.AttributeValues["tags"].(map[string]interface{}); ok {
			assert.Equal(t, "advana-export", tags["Project"], "%s tags", addr)
		}
	}
}

// TestMinimalPlan plans examples/minimal and checks the secure defaults a
// caller gets without asking: schedule, retention, a created cluster and
// encrypted topic, no force_destroy, the smallest sensible task.
func TestMinimalPlan(t *testing.T) {
	t.Parallel()
	dir := copyToTemp(t, "examples/minimal")
	pointAtMoto(t, dir, "")
	opts := tfOptions(t, dir, minimalVars(uniqueName("min")))
	opts.PlanFilePath = filepath.Join(dir, "plan.tfplan")

	plan := terraform.InitAndPlanAndShowWithStruct(t, opts)

	const (
		bucket = "module.advana_export.module.bucket[0].module.bucket"
		task   = "module.advana_export.module.task[0]"
		sched  = "module.advana_export.module.schedule[0]"
	)
	schedule := resource(t, plan, sched+".aws_scheduler_schedule.this[0]")
	assert.Equal(t, "rate(12 hours)", schedule["schedule_expression"])
	assert.Equal(t, "UTC", schedule["schedule_expression_timezone"])
	assert.Equal(t, "ENABLED", schedule["state"])
	assert.Equal(t, "OFF", model.At(schedule, "flexible_time_window", 0, "mode"), "starts on time by default")
	assert.EqualValues(t, 365, resource(t, plan, task+".aws_cloudwatch_log_group.this[0]")["retention_in_days"])
	assert.Equal(t, false, resource(t, plan, bucket+".aws_s3_bucket.this")["force_destroy"])
	// Object Lock on by default, enabled by its own resource (in place on an
	// existing bucket), with no default retention: the task locks each run.
	assert.Nil(t, resource(t, plan, bucket+".aws_s3_bucket.this")["object_lock_enabled"], "left to the lock configuration: set here it replaces an existing bucket")
	lock := resource(t, plan, bucket+".aws_s3_bucket_object_lock_configuration.this[0]")
	assert.Equal(t, "Enabled", lock["object_lock_enabled"])
	assert.Empty(t, lock["rule"], "no default retention on the export bucket")
	assert.Equal(t, "advana-export-123456789012-us-east-1", resource(t, plan, bucket+".aws_s3_bucket.this")["bucket"])
	td := resource(t, plan, task+".aws_ecs_task_definition.this")
	assert.Equal(t, "1024", td["cpu"])
	assert.Equal(t, "2048", td["memory"])
	assert.Equal(t, "advana-export", td["family"])
	// The module's defaults are the task's own: a caller who sets nothing gets
	// what `advana-export --help` says.
	var defs []containerDef
	require.NoError(t, json.Unmarshal([]byte(td["container_definitions"].(string)), &defs))
	for _, d := range defs {
		for _, e := range d.Environment {
			if e.Name == config.EnvJobs {
				assert.Equal(t, strconv.Itoa(config.DefaultJobs), e.Value, "dump.jobs default equals --jobs default")
			}
		}
	}
	alarm := resource(t, plan, sched+".aws_cloudwatch_metric_alarm.missed_run[0]")
	assert.EqualValues(t, 14, alarm["evaluation_periods"], "rate(12 hours) + 2 h")
	assert.Equal(t, "breaching", alarm["treat_missing_data"])
	terraform.RequirePlannedValuesMapKeyExists(t, plan, sched+".aws_ecs_cluster.this[0]")
	terraform.RequirePlannedValuesMapKeyExists(t, plan, sched+".aws_sns_topic.this[0]")
	_, logging := plan.ResourcePlannedValuesMap[bucket+".aws_s3_bucket_logging.this[0]"]
	assert.False(t, logging, "access logging is off unless asked for")
	repl := resource(t, plan, "module.advana_export.module.bucket[0].aws_s3_bucket_replication_configuration.this[0]")
	assert.Equal(t, "210987654321", model.At(repl, "rule", 0, "destination", 0, "account"))
	assert.Nil(t, model.At(repl, "rule", 0, "destination", 0, "replication_time", 0), "RTC is off by default")
	for _, k := range ofType(plan, "aws_kms_key") {
		assert.Equal(t, true, k.AttributeValues["enable_key_rotation"], k.Address)
	}
}

// TestCreateFalsePlansNothing plans the root module with create = false:
// no resource at all, and the outputs a caller wires further are null.
func TestCreateFalsePlansNothing(t *testing.T) {
	t.Parallel()
	dir := copyToTemp(t, ".")
	pointAtMoto(t, dir)
	opts := tfOptions(t, dir, map[string]interface{}{
		"create":             false,
		"image":              testImage,
		"db_secret_arn":      testDBSecretARN,
		"database":           map[string]interface{}{"host": testDBHost, "name": "milmove"},
		"subnet_ids":         []string{testSubnet},
		"security_group_ids": []string{testSG},
	})
	opts.PlanFilePath = filepath.Join(dir, "plan.tfplan")

	plan := terraform.InitAndPlanAndShowWithStruct(t, opts)

	for addr, rc := range plan.ResourceChangesMap {
		assert.True(t, rc.Change.Actions.Read() || rc.Change.Actions.NoOp(), "create = false plans %s %v", addr, rc.Change.Actions)
	}
	assert.Empty(t, plan.ResourcePlannedValuesMap, "no resource")
}

// lifecycle_rules.expiration_days = 0 keeps exports: the lifecycle has no
// expiration, and each run is locked for object_lock.days. (null cannot mean
// "keep": Terraform gives an optional attribute set to null its default.)
func TestKeepExportsForever(t *testing.T) {
	t.Parallel()
	dir := copyToTemp(t, ".")
	pointAtMoto(t, dir)
	opts := tfOptions(t, dir, map[string]interface{}{
		"image":              testImage,
		"db_secret_arn":      testDBSecretARN,
		"database":           map[string]interface{}{"host": testDBHost, "name": "milmove"},
		"subnet_ids":         []string{testSubnet},
		"security_group_ids": []string{testSG},
		"lifecycle_rules":    map[string]interface{}{"expiration_days": 0},
		"object_lock":        map[string]interface{}{"days": 365},
	})
	opts.PlanFilePath = filepath.Join(dir, "plan.tfplan")

	plan := terraform.InitAndPlanAndShowWithStruct(t, opts)

	lc := resource(t, plan, "module.bucket[0].module.bucket.aws_s3_bucket_lifecycle_configuration.this")
	found := false
	for _, r := range lc["rule"].([]interface{}) {
		if model.At(r, "id") == "expire-objects" {
			found = true
			assert.Empty(t, model.At(r, "expiration"), "expiration_days = 0 must keep exports, not expire them")
			assert.EqualValues(t, 7, model.At(r, "noncurrent_version_expiration", 0, "noncurrent_days"))
		}
	}
	assert.True(t, found, "no expire-objects rule in the lifecycle")
	td := resource(t, plan, "module.task[0].aws_ecs_task_definition.this")
	assert.Contains(t, td["container_definitions"], `{"name":"ADVANA_EXPORT_OBJECT_LOCK_DAYS","value":"365"}`)
}
