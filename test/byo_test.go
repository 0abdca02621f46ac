package test

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/scheduler"
	"github.com/gruntwork-io/terratest/modules/terraform"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBringYourOwnApply applies examples/bring-your-own: the caller's KMS
// key, task and execution roles and log group, with the policies the
// module's outputs say they need. It reads back that the module used them
// and made none of its own (no key, no task or execution role, no log
// group), that the outputs point at them, and runs the applied task
// definition's containers against a real database: the roles and the log
// group it names must exist, and the export must restore.
func TestBringYourOwnApply(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	id := uniqueName("byo")
	dir := copyToTemp(t, "examples/bring-your-own")
	vars := map[string]interface{}{
		"name":               id,
		"image":              testImage,
		"bucket_name":        id + "-exports",
		"subnet_ids":         []string{testSubnet},
		"security_group_ids": []string{testSG},
		"force_destroy":      true,
	}
	// On the emulator that enforces IAM: the task runs with the caller's roles.
	s := siteOf(vars)
	pointAtMotoIn(t, dir, s.emulator().Endpoint, s, "")
	systemDatabase(t, vars)
	opts := tfOptions(t, dir, vars)
	defer destroy(t, opts)

	// Apply the caller's resources and the module together.
	terraform.InitAndApply(t, opts)

	// The module's outputs point at what was given.
	key := terraform.Output(t, opts, "own_kms_key_arn")
	mod := terraform.OutputMapOfObjects(t, opts, "advana_export")
	assert.Equal(t, key, mod["kms_key_arn"])
	assert.Equal(t, key, mod["schedule_kms_key_arn"])
	assert.Equal(t, terraform.Output(t, opts, "own_task_role_arn"), mod["task_role_arn"])
	assert.Equal(t, id+"-task", mod["task_role_name"])
	assert.Equal(t, terraform.Output(t, opts, "own_execution_role_arn"), mod["execution_role_arn"])
	assert.Equal(t, "/org/"+id, mod["log_group_name"])
	assert.Equal(t, "arn:aws:logs:us-east-1:123456789012:log-group:/org/"+id, mod["log_group_arn"])
	assert.Nil(t, mod["kms_key_alias_arn"], "no alias for a given key")
	assert.Nil(t, mod["missed_run_alarm_arn"], "weekly with missed_run_alarm_hours = 0: no alarm")

	// The module made no key, no task or execution role, no log group and
	// no missed-run alarm (the state, as refreshed from the emulator).
	state := stateResources(t, opts)
	for addr, r := range state {
		for _, made := range []string{
			".module.kms[0].",
			"module.task[0].aws_iam_role.",
			"module.task[0].aws_cloudwatch_log_group.",
			"aws_cloudwatch_metric_alarm.",
		} {
			assert.False(t, strings.HasPrefix(addr, "module.advana_export.") && strings.Contains(addr, made), "the module made %s", addr)
		}
		if r["type"] == "aws_kms_key" {
			assert.Equal(t, "aws_kms_key.exports", addr, "the only key is the caller's")
		}
	}
	// Everything the module encrypts uses the given key.
	cfg := s.awsConfig()
	enc, err := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true }).GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: aws.String(id + "-exports")})
	require.NoError(t, err)
	assert.Equal(t, key, aws.ToString(enc.ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault.KMSMasterKeyID), "bucket")
	sched, err := scheduler.NewFromConfig(cfg).GetSchedule(ctx, &scheduler.GetScheduleInput{Name: aws.String(id)})
	require.NoError(t, err)
	assert.Equal(t, key, aws.ToString(sched.KmsKeyArn), "schedule")
	assert.Equal(t, "cron(0 3 ? * SUN *)", aws.ToString(sched.ScheduleExpression))
	assert.True(t, strings.HasSuffix(aws.ToString(sched.Target.RoleArn), ":role/org/"+id+"-scheduler"), "the scheduler role takes iam_role_path")
	for _, addr := range []string{"module.advana_export.module.schedule[0].aws_sqs_queue.this", "module.advana_export.module.schedule[0].aws_sns_topic.this[0]"} {
		require.Contains(t, state, addr)
		assert.Equal(t, key, state[addr]["values"].(map[string]interface{})["kms_master_key_id"], addr)
	}

	// The caller's roles carry the policies the module's outputs gave, and
	// the caller's key policy the statements kms_key_policy_json gave.
	iamc := iam.NewFromConfig(cfg)
	pol, err := iamc.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String(id + "-task"), PolicyName: aws.String("write-exports")})
	require.NoError(t, err)
	doc, err := url.QueryUnescape(aws.ToString(pol.PolicyDocument)) // IAM returns it URL-encoded
	require.NoError(t, err)
	assert.Contains(t, doc, id+"-exports/exports/*")
	kp, err := kms.NewFromConfig(cfg).GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: aws.String(key), PolicyName: aws.String("default")})
	require.NoError(t, err)
	for _, sid := range []string{"WritersEncryptThroughS3", "ReplicationDecryptsThroughS3", "SchedulerRoleDecryptsSchedule", "EventBridgeAndAlarmsDeliver", "CloudWatchLogsEncryptsExportLogs"} {
		assert.Contains(t, aws.ToString(kp.Policy), sid, "the given key's policy")
	}
	assert.NotContains(t, aws.ToString(kp.Policy), "CloudWatchLogsEncryptsTheseLogGroups", "the module names no log group it did not create")

	// The log group is the caller's, with their retention.
	lg, err := cloudwatchlogs.NewFromConfig(cfg).DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("/org/" + id)})
	require.NoError(t, err)
	require.Len(t, lg.LogGroups, 1)
	assert.EqualValues(t, 3653, aws.ToInt32(lg.LogGroups[0].RetentionInDays))

	// Run what was applied: its roles and log group exist (ecstask asks),
	// and it writes with the given key.
	runDeployedExport(t, opts, false)
}

// stateResources is every resource of the applied state (terraform show
// -json) by address, child modules included.
func stateResources(t *testing.T, opts *terraform.Options) map[string]map[string]interface{} {
	t.Helper()
	var state struct {
		Values struct {
			RootModule stateModule `json:"root_module"`
		} `json:"values"`
	}
	require.NoError(t, json.Unmarshal([]byte(terraform.Show(t, opts)), &state))
	out := map[string]map[string]interface{}{}
	var walk func(m stateModule)
	walk = func(m stateModule) {
		for _, r := range m.Resources {
			out[r["address"].(string)] = r
		}
		for _, c := range m.ChildModules {
			walk(c)
		}
	}
	walk(state.Values.RootModule)
	return out
}

type stateModule struct {
	Resources    []map[string]interface{} `json:"resources"`
	ChildModules []stateModule            `json:"child_modules"`
}
