package test

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/gruntwork-io/terratest/modules/terraform"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Addresses in examples/complete.
const (
	srcBucket  = exportMod + ".module.bucket"
	dstBucket  = "module.advana.module.bucket"
	srcKey     = srcBucket + ".module.kms[0].aws_kms_key.this"
	dstKey     = dstBucket + ".module.kms[0].aws_kms_key.this"
	exportMod  = "module.advana_export.module.bucket[0]"
	taskMod    = "module.advana_export.module.task[0]"
	schedMod   = "module.advana_export.module.schedule[0]"
	replConfig = exportMod + ".aws_s3_bucket_replication_configuration.this[0]"
)

// assertPlanControls checks the controls whose values are known before
// apply: storage hardening, replication rule shape, key rotation, log
// retention, schedule and network placement. Used on a fresh plan and again
// on the plan after apply.
func assertPlanControls(t *testing.T, plan *terraform.PlanStruct, wantSchedule string, minRetention float64) {
	t.Helper()
	for _, b := range []string{srcBucket, dstBucket} {
		bucket := resource(t, plan, b+".aws_s3_bucket.this")
		assert.Equal(t, false, bucket["force_destroy"], "%s force_destroy", b)

		pab := resource(t, plan, b+".aws_s3_bucket_public_access_block.this")
		for _, f := range []string{"block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"} {
			assert.Equal(t, true, pab[f], "%s public access block %s", b, f)
		}
		own := resource(t, plan, b+".aws_s3_bucket_ownership_controls.this")
		assert.Equal(t, "BucketOwnerEnforced", at(own, "rule", 0, "object_ownership"), "%s ownership", b)

		ver := resource(t, plan, b+".aws_s3_bucket_versioning.this")
		assert.Equal(t, "Enabled", at(ver, "versioning_configuration", 0, "status"), "%s versioning", b)

		sse := resource(t, plan, b+".aws_s3_bucket_server_side_encryption_configuration.this")
		assert.Equal(t, "aws:kms", at(sse, "rule", 0, "apply_server_side_encryption_by_default", 0, "sse_algorithm"), "%s SSE", b)
		assert.Equal(t, true, at(sse, "rule", 0, "bucket_key_enabled"), "%s bucket key", b)

		lc := resource(t, plan, b+".aws_s3_bucket_lifecycle_configuration.this")
		assert.EqualValues(t, 1, at(lc, "rule", 0, "abort_incomplete_multipart_upload", 0, "days_after_initiation"), "%s aborts incomplete uploads", b)
		assert.Equal(t, "", at(lc, "rule", 0, "filter", 0, "prefix"), "%s abort rule covers the whole bucket", b)
		assert.Equal(t, "Enabled", at(lc, "rule", 0, "status"))
	}

	for _, k := range ofType(plan, "aws_kms_key") {
		assert.Equal(t, true, k.AttributeValues["enable_key_rotation"], "%s rotation", k.Address)
	}

	rule := at(resource(t, plan, replConfig), "rule", 0)
	assert.Equal(t, "Enabled", at(rule, "status"), "replication rule status")
	assert.Equal(t, "exports/", at(rule, "filter", 0, "prefix"), "replication prefix")
	assert.Equal(t, "Disabled", at(rule, "delete_marker_replication", 0, "status"), "delete markers not replicated")
	assert.Equal(t, "Enabled", at(rule, "source_selection_criteria", 0, "sse_kms_encrypted_objects", 0, "status"), "only SSE-KMS objects replicate")
	assert.Equal(t, "Destination", at(rule, "destination", 0, "access_control_translation", 0, "owner"), "replica owner")
	assert.Regexp(t, `^[0-9]{12}$`, at(rule, "destination", 0, "account"), "destination account")
	assert.Equal(t, "Enabled", at(rule, "destination", 0, "replication_time", 0, "status"), "replication time control")
	assert.Equal(t, "Enabled", at(rule, "destination", 0, "metrics", 0, "status"), "replication metrics")

	logs := resource(t, plan, taskMod+".aws_cloudwatch_log_group.this[0]")
	assert.GreaterOrEqual(t, logs["retention_in_days"].(float64), minRetention, "log retention")

	sched := resource(t, plan, schedMod+".aws_scheduler_schedule.this[0]")
	assert.Equal(t, wantSchedule, sched["schedule_expression"])
	assert.Equal(t, false, at(sched, "target", 0, "ecs_parameters", 0, "network_configuration", 0, "assign_public_ip"), "no public IP")
	assert.Equal(t, "FARGATE", at(sched, "target", 0, "ecs_parameters", 0, "launch_type"))
	assert.NotEmpty(t, at(sched, "target", 0, "retry_policy", 0, "maximum_retry_attempts"), "retry policy")
	assert.NotNil(t, at(sched, "target", 0, "dead_letter_config", 0), "dead-letter queue")

	assertObjectLock(t, plan)

	alarm := resource(t, plan, schedMod+".aws_cloudwatch_metric_alarm.missed_run[0]")
	assert.Equal(t, "breaching", alarm["treat_missing_data"], "missing successes breach")
	filter := resource(t, plan, schedMod+".aws_cloudwatch_log_metric_filter.succeeded")
	assert.Equal(t, `{ $.event = "export_succeeded" }`, filter["pattern"])

}

// assertObjectLock checks issue #21's design on a plan: both buckets have
// Object Lock; the export bucket has no default retention (a run's versions
// are locked by the task at its commit, so a failed run can be removed),
// the partner's has one (replicas of archives arrive before the source
// locks them); the task may put retention on its prefix only; and no policy
// the module writes grants s3:BypassGovernanceRetention, the one permission
// that would let a role delete a committed run early.
func assertObjectLock(t *testing.T, plan *terraform.PlanStruct) {
	t.Helper()
	src := resource(t, plan, srcBucket+".aws_s3_bucket_object_lock_configuration.this[0]")
	assert.Equal(t, "Enabled", src["object_lock_enabled"], "export bucket Object Lock")
	assert.Empty(t, src["rule"], "the export bucket has no default retention: it would lock a failed run before undo")
	dst := resource(t, plan, dstBucket+".aws_s3_bucket_object_lock_configuration.this[0]")
	assert.Equal(t, "Enabled", dst["object_lock_enabled"], "S3 replicates from an Object Lock bucket only into one")
	assert.Equal(t, "GOVERNANCE", at(dst, "rule", 0, "default_retention", 0, "mode"), "replicas' default retention")
	assert.EqualValues(t, 30, at(dst, "rule", 0, "default_retention", 0, "days"))

	for where, doc := range policies(plan) {
		for _, st := range policyStatements(t, where, doc) {
			if st.Effect != "Allow" {
				continue
			}
			for _, a := range st.Actions {
				if a == "s3:BypassGovernanceRetention" || a == "s3:*" || a == "*" || a == "s3:Bypass*" {
					t.Errorf("%s statement %q allows %s: a role could delete a committed run before its retention ends", where, st.Sid, a)
				}
			}
			if slices.Contains(st.Actions, "s3:PutObjectRetention") {
				assert.Equal(t, "LockCommittedRuns", st.Sid, "%s: s3:PutObjectRetention outside the task's lock statement", where)
				for _, r := range st.Resources {
					assert.Regexp(t, `^arn:aws[a-z-]*:s3:::[a-z0-9.-]+/exports/\*$`, r, "%s: s3:PutObjectRetention beyond the export prefix", where)
				}
			}
		}
	}
}

// assertFailureAlert checks the rule that turns a failed run into an alert
// (its pattern names the cluster, so it is known only after apply).
func assertFailureAlert(t *testing.T, plan *terraform.PlanStruct) {
	t.Helper()
	failed := resource(t, plan, schedMod+".aws_cloudwatch_event_rule.failed")
	var pattern map[string]interface{}
	require.IsType(t, "", failed["event_pattern"])
	require.NoError(t, json.Unmarshal([]byte(failed["event_pattern"].(string)), &pattern))
	assert.Equal(t, []interface{}{"ECS Task State Change"}, pattern["detail-type"])
	assert.Equal(t, []interface{}{"STOPPED"}, at(pattern, "detail", "lastStatus"))
	assert.Equal(t, []interface{}{"export"}, at(pattern, "detail", "containers", "name"))
	assert.Equal(t, []interface{}{map[string]interface{}{"anything-but": float64(0)}}, at(pattern, "detail", "containers", "exitCode"))
	topic := resource(t, plan, schedMod+".aws_sns_topic.this[0]")
	target := resource(t, plan, schedMod+".aws_cloudwatch_event_target.failed")
	assert.Equal(t, topic["arn"], target["arn"], "failures go to the alert topic")
	assert.NotEmpty(t, topic["kms_master_key_id"], "alert topic is KMS-encrypted")
	queue := resource(t, plan, schedMod+".aws_sqs_queue.this")
	assert.NotEmpty(t, queue["kms_master_key_id"], "dead-letter queue is KMS-encrypted")
	sched := resource(t, plan, schedMod+".aws_scheduler_schedule.this[0]")
	assert.Equal(t, queue["arn"], at(sched, "target", 0, "dead_letter_config", 0, "arn"), "missed starts go to the dead-letter queue")
	assert.Equal(t, resource(t, plan, schedMod+".module.kms[0].aws_kms_key.this")["arn"], sched["kms_key_arn"], "schedule encrypted with the module's key")
	alarm := resource(t, plan, schedMod+".aws_cloudwatch_metric_alarm.missed_run[0]")
	assert.Equal(t, []interface{}{topic["arn"]}, alarm["alarm_actions"], "missed runs go to the alert topic")
}

// secretLooking matches environment names or values that would carry a credential.
var secretLooking = regexp.MustCompile(`(?i)passw|secret|token|credential|private`)

// assertAppliedControls checks the controls that name ARNs only known after
// apply: which key encrypts what, the container definitions, and every IAM,
// key, bucket, topic and queue policy.
func assertAppliedControls(t *testing.T, plan *terraform.PlanStruct) {
	t.Helper()
	srcKeyARN := resource(t, plan, srcKey)["arn"].(string)
	dstKeyARN := resource(t, plan, dstKey)["arn"].(string)
	srcBucketARN := resource(t, plan, srcBucket+".aws_s3_bucket.this")["arn"].(string)
	taskRole := resource(t, plan, taskMod+".aws_iam_role.task[0]")["arn"].(string)
	execRole := resource(t, plan, taskMod+".aws_iam_role.execution[0]")["arn"].(string)
	replRole := resource(t, plan, exportMod+".aws_iam_role.replication[0]")["arn"].(string)

	// Storage: our key encrypts our bucket and logs; the partner's key the replicas.
	sse := resource(t, plan, srcBucket+".aws_s3_bucket_server_side_encryption_configuration.this")
	assert.Equal(t, srcKeyARN, at(sse, "rule", 0, "apply_server_side_encryption_by_default", 0, "kms_master_key_id"))
	rule := at(resource(t, plan, replConfig), "rule", 0)
	assert.Equal(t, dstKeyARN, at(rule, "destination", 0, "encryption_configuration", 0, "replica_kms_key_id"))
	assert.Equal(t, replRole, resource(t, plan, replConfig)["role"])
	assert.Equal(t, srcKeyARN, resource(t, plan, taskMod+".aws_cloudwatch_log_group.this[0]")["kms_key_id"])

	// Bucket policy: TLS only; uploads naming another key or another algorithm are refused.
	bp := policyStatements(t, "source bucket policy", resource(t, plan, srcBucket+".aws_s3_bucket_policy.this")["policy"].(string))
	assert.True(t, hasDeny(bp, "Bool", "aws:SecureTransport", "false"), "bucket policy denies non-TLS")
	assert.True(t, hasDeny(bp, "StringNotEquals", "s3:x-amz-server-side-encryption-aws-kms-key-id", srcKeyARN), "bucket policy denies another key")
	assert.True(t, hasDeny(bp, "StringNotEquals", "s3:x-amz-server-side-encryption", "aws:kms"), "bucket policy denies non-KMS encryption")

	assertContainers(t, plan, srcKeyARN)
	assertFailureAlert(t, plan)

	// IAM: no wildcard action in any Allow; "*" resources only where AWS has nothing narrower.
	for where, doc := range policies(plan) {
		isKeyPolicy := strings.Contains(where, "aws_kms_key")
		for _, st := range policyStatements(t, where, doc) {
			if st.Effect == "Deny" {
				// A Deny may cover a whole service (s3:* for TLS); it only ever narrows.
				continue
			}
			assert.False(t, hasWildcard(st.Actions), "%s %s: wildcard action %v", where, st.Sid, st.Actions)
			if slices.Contains(st.Resources, "*") && !isKeyPolicy {
				assert.Equal(t, []string{"ecr:GetAuthorizationToken"}, st.Actions, "%s %s: * resource", where, st.Sid)
			}
			assert.NotContains(t, st.Principals, "*", "%s %s: public principal", where, st.Sid)
		}
	}

	// Scheduler role: trusted by this schedule only; RunTask on this family in
	// this cluster; PassRole on exactly the two task roles; dead letters to its queue.
	schedARN := resource(t, plan, schedMod+".aws_scheduler_schedule.this[0]")["arn"].(string)
	schedRole := resource(t, plan, schedMod+".aws_iam_role.scheduler")
	trust := policyStatements(t, "scheduler trust", schedRole["assume_role_policy"].(string))
	require.Len(t, trust, 1)
	assert.Equal(t, []string{"scheduler.amazonaws.com"}, trust[0].Principals)
	assert.Equal(t, []string{schedARN}, trust[0].Condition["ArnEquals"]["aws:SourceArn"], "trust limited to the schedule")
	assert.Regexp(t, `^[0-9]{12}$`, strings.Join(trust[0].Condition["StringEquals"]["aws:SourceAccount"], ""))
	queueARN := resource(t, plan, schedMod+".aws_sqs_queue.this")["arn"].(string)
	events := policyStatements(t, "scheduler role", resource(t, plan, schedMod+".aws_iam_role_policy.scheduler")["policy"].(string))
	cluster := resource(t, plan, schedMod+".aws_ecs_cluster.this[0]")["arn"].(string)
	for _, st := range events {
		switch {
		case slices.Contains(st.Actions, "iam:PassRole"):
			assert.ElementsMatch(t, []string{taskRole, execRole}, st.Resources, "PassRole resources")
			assert.Equal(t, []string{"ecs-tasks.amazonaws.com"}, st.Condition["StringEquals"]["iam:PassedToService"])
		case slices.Contains(st.Actions, "ecs:RunTask"):
			require.Len(t, st.Resources, 1)
			assert.Regexp(t, `:task-definition/[a-z0-9-]+:\*$`, st.Resources[0])
			assert.Equal(t, []string{cluster}, st.Condition["ArnEquals"]["ecs:cluster"])
		case slices.Contains(st.Actions, "sqs:SendMessage"):
			assert.Equal(t, []string{queueARN}, st.Resources, "dead letters to its own queue")
		}
	}

	// Task role: exactly the contract's S3 calls on the prefix, the bucket key.
	task := policyStatements(t, "task role", resource(t, plan, taskMod+".aws_iam_role_policy.task[0]")["policy"].(string))
	for _, st := range task {
		switch st.Sid {
		case "WriteExports":
			assert.ElementsMatch(t, []string{"s3:AbortMultipartUpload", "s3:ListMultipartUploadParts", "s3:PutObject", "s3:PutObjectTagging"}, st.Actions)
			assert.Equal(t, []string{srcBucketARN + "/exports/*"}, st.Resources)
		case "ListOwnMultipartUploads":
			assert.Equal(t, []string{srcBucketARN}, st.Resources)
		case "RemoveFailedRuns": // a failed run deletes its versions (docs/contract.md)
			assert.Equal(t, []string{"s3:DeleteObjectVersion"}, st.Actions)
			assert.Equal(t, []string{srcBucketARN + "/exports/*"}, st.Resources)
		case "ListOwnVersions":
			assert.Equal(t, []string{"s3:ListBucketVersions"}, st.Actions)
			assert.Equal(t, []string{srcBucketARN}, st.Resources)
			assert.Equal(t, []string{"exports/*"}, st.Condition["StringLike"]["s3:prefix"])
		case "LockCommittedRuns": // hold, retention and lifting the hold at the commit
			assert.ElementsMatch(t, []string{"s3:PutObjectLegalHold", "s3:PutObjectRetention"}, st.Actions)
			assert.Equal(t, []string{srcBucketARN + "/exports/*"}, st.Resources)
		case "ReadReplicationStatus": // HeadObject before the manifest
			assert.Equal(t, []string{"s3:GetObject"}, st.Actions)
			assert.Equal(t, []string{srcBucketARN + "/exports/*"}, st.Resources)
		case "EncryptExports":
			assert.ElementsMatch(t, []string{"kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"}, st.Actions)
			assert.Equal(t, []string{srcKeyARN}, st.Resources)
		default:
			t.Errorf("task role has an unexpected statement %q", st.Sid)
		}
	}

	// Partner side trusts exactly the replication role, from the source account.
	dp := policyStatements(t, "partner bucket policy", resource(t, plan, dstBucket+".aws_s3_bucket_policy.this")["policy"].(string))
	dk := policyStatements(t, "partner key policy", resource(t, plan, dstKey)["policy"].(string))
	srcAccount := strings.Split(replRole, ":")[4]
	for _, st := range append(dp, dk...) {
		if st.Effect == "Allow" && !strings.Contains(strings.Join(st.Principals, ","), ":root") {
			assert.Equal(t, []string{replRole}, st.Principals, "partner grants %s", st.Sid)
			assert.Equal(t, []string{srcAccount}, st.Condition["StringEquals"]["aws:PrincipalAccount"], "partner grant %s names source_account_id", st.Sid)
		}
		if st.Sid == "SourceReplicationEncryptsReplicas" {
			assert.NotEmpty(t, st.Condition["StringLike"]["kms:EncryptionContext:aws:s3:arn"], "the replica key is bound to the partner bucket")
		}
	}
	// The replicas' key is the partner's choice: the encryption denials cover replication writes.
	for _, sid := range []string{"DenyEncryptionOtherThanKms", "DenyOtherKmsKey", "DenyKmsWithoutKeyId"} {
		for _, st := range dp {
			if st.Sid == sid {
				assert.Contains(t, st.Actions, "s3:ReplicateObject", "partner %s covers replicas", sid)
			}
		}
	}

	// No key policy delegates kms:CreateGrant or kms:PutKeyPolicy to IAM:
	// the account root gets them only with aws:PrincipalArn naming the administrators.
	for _, k := range ofType(plan, "aws_kms_key") {
		for _, st := range policyStatements(t, k.Address, k.AttributeValues["policy"].(string)) {
			if st.Effect != "Allow" || !(slices.Contains(st.Actions, "kms:CreateGrant") || slices.Contains(st.Actions, "kms:PutKeyPolicy")) {
				continue
			}
			assert.NotEmpty(t, st.Condition["ArnEquals"]["aws:PrincipalArn"], "%s %s: CreateGrant/PutKeyPolicy without aws:PrincipalArn", k.Address, st.Sid)
		}
	}
}

// hasDeny reports whether a Deny statement has condition op key = value.
func hasDeny(sts []statement, op, key, value string) bool {
	for _, st := range sts {
		if st.Effect == "Deny" && slices.Contains(st.Condition[op][key], value) {
			return true
		}
	}
	return false
}

// containerDef is the part of an ECS container definition the controls name.
type containerDef struct {
	Name                   string
	Image                  string
	User                   string
	Essential              bool
	ReadonlyRootFilesystem bool
	Privileged             bool
	Command                []string
	MountPoints            []struct{ SourceVolume, ContainerPath string }
	DependsOn              []struct{ ContainerName, Condition string }
	LinuxParameters        struct{ Capabilities struct{ Drop, Add []string } }
	Environment            []struct{ Name, Value string }
	Secrets                []struct{ Name, ValueFrom string }
	StopTimeout            int
	LogConfiguration       struct {
		LogDriver string
		Options   map[string]string
	}
}

func assertContainers(t *testing.T, plan *terraform.PlanStruct, keyARN string) {
	t.Helper()
	td := resource(t, plan, taskMod+".aws_ecs_task_definition.this")
	assert.Equal(t, "awsvpc", td["network_mode"])
	assert.Equal(t, []interface{}{"FARGATE"}, td["requires_compatibilities"])
	assert.Equal(t, "scratch", at(td, "volume", 0, "name"))
	var defs []containerDef
	require.NoError(t, json.Unmarshal([]byte(td["container_definitions"].(string)), &defs))
	byName := map[string]containerDef{}
	for _, d := range defs {
		byName[d.Name] = d
	}
	require.Len(t, byName, 2, "two containers")

	init := byName["permissions-init"]
	assert.Equal(t, "0", init.User, "permissions-init runs as root to chown the volume")
	assert.False(t, init.Essential, "permissions-init is not essential")
	assert.True(t, init.ReadonlyRootFilesystem, "permissions-init read-only root")
	assert.False(t, init.Privileged)
	assert.Equal(t, []string{"prepare-scratch", "--path", "/scratch", "--uid", "1000", "--gid", "1000"}, init.Command, "contract command")
	require.Len(t, init.MountPoints, 1)
	assert.Equal(t, "/scratch", init.MountPoints[0].ContainerPath)
	assert.Empty(t, init.LinuxParameters.Capabilities.Add)
	// Of Docker's default capabilities it keeps CHOWN alone: prepare-scratch
	// needs no more (task/scratch's TestPrepareInSimulation runs it so).
	assert.ElementsMatch(t, []string{"AUDIT_WRITE", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE",
		"NET_RAW", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"}, init.LinuxParameters.Capabilities.Drop)
	assert.Empty(t, init.Secrets, "permissions-init gets no secrets")
	assert.Empty(t, init.Environment, "permissions-init gets no configuration")

	exp := byName["export"]
	// The init container hands the volume to exactly the user the export
	// runs as, with the same image (issue #4's contract).
	assert.Equal(t, exp.Image, init.Image, "permissions-init runs the export's image")
	assert.Equal(t, init.Command[4]+":"+init.Command[6], exp.User, "prepare-scratch --uid:--gid equals the export user")
	assert.Regexp(t, `^[1-9][0-9]*:[1-9][0-9]*$`, exp.User, "export runs as a non-root uid:gid")
	assert.Equal(t, "1000:1000", exp.User, "uid:gid of the image")
	assert.True(t, exp.Essential)
	assert.True(t, exp.ReadonlyRootFilesystem, "export read-only root")
	assert.False(t, exp.Privileged)
	assert.Equal(t, []string{"ALL"}, exp.LinuxParameters.Capabilities.Drop, "export drops ALL")
	assert.Empty(t, exp.LinuxParameters.Capabilities.Add)
	assert.Equal(t, []string{"export"}, exp.Command)
	require.Len(t, exp.DependsOn, 1)
	assert.Equal(t, "permissions-init", exp.DependsOn[0].ContainerName)
	assert.Equal(t, "SUCCESS", exp.DependsOn[0].Condition)
	require.Len(t, exp.MountPoints, 1)
	assert.Equal(t, "/scratch", exp.MountPoints[0].ContainerPath)
	assert.Equal(t, 120, exp.StopTimeout)
	require.Len(t, exp.Secrets, 1, "the DB secret only through secrets")
	assert.Equal(t, "ADVANA_EXPORT_DB_SECRET", exp.Secrets[0].Name)
	assert.Equal(t, plan.RawPlan.Variables["db_secret_arn"].Value, exp.Secrets[0].ValueFrom, "the secret the caller gave")
	env := map[string]string{}
	for _, e := range exp.Environment {
		env[e.Name] = e.Value
		assert.NotRegexp(t, secretLooking, e.Name, "secret-looking environment name")
		assert.NotRegexp(t, secretLooking, e.Value, "secret-looking environment value of %s", e.Name)
	}
	// The alias ARN (known at plan time) of the bucket key; the task resolves it.
	assert.Regexp(t, `^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:alias/`, env["ADVANA_EXPORT_KMS_KEY_ID"])
	assert.Equal(t, "exports", env["ADVANA_EXPORT_PREFIX"])
	assert.Equal(t, "/scratch", env["ADVANA_EXPORT_SCRATCH_DIR"])
	// The task refuses --jobs with the custom format: a default deployment
	// once failed every run (the apply tests now run the definition).
	if env["ADVANA_EXPORT_FORMAT"] != "custom" {
		assert.NotEmpty(t, env["ADVANA_EXPORT_JOBS"], "parallel formats: jobs")
	} else {
		assert.NotContains(t, env, "ADVANA_EXPORT_JOBS", "no jobs with the custom format")
	}
	assert.Equal(t, "600s", env["ADVANA_EXPORT_STALL_TIMEOUT"])
	assert.Equal(t, "10800s", env["ADVANA_EXPORT_REPLICATION_WAIT"], "replication is configured: the manifest waits for it")
	// Object Lock on by default: each run is locked at its commit for as
	// long as the lifecycle keeps it (lifecycle_rules.expiration_days).
	assert.Equal(t, "GOVERNANCE", env["ADVANA_EXPORT_OBJECT_LOCK_MODE"])
	assert.Equal(t, fmt.Sprint(lifecycleExpirationDays(t, plan)), env["ADVANA_EXPORT_OBJECT_LOCK_DAYS"], "locked as long as the lifecycle keeps it")
	assert.Equal(t, "awslogs", exp.LogConfiguration.LogDriver)
}

// lifecycleExpirationDays is the days after which the export bucket's
// lifecycle expires an export, as planned.
func lifecycleExpirationDays(t *testing.T, plan *terraform.PlanStruct) float64 {
	t.Helper()
	lc := resource(t, plan, srcBucket+".aws_s3_bucket_lifecycle_configuration.this")
	for _, r := range lc["rule"].([]interface{}) {
		if at(r, "id") == "expire-objects" {
			if d, ok := at(r, "expiration", 0, "days").(float64); ok {
				return d
			}
		}
	}
	t.Fatal("the export bucket's lifecycle expires nothing")
	return 0
}
