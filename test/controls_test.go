package test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/gruntwork-io/terratest/modules/terraform"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/advana-export/terraform-aws-advana-export/planreview/controls"
	"github.com/advana-export/terraform-aws-advana-export/planreview/model"
	"github.com/advana-export/terraform-aws-advana-export/planreview/report"
	"github.com/advana-export/terraform-aws-advana-export/planreview/review"
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

// assertReviewPasses reviews the plan with plan-review's engine
// (planreview/controls: the controls InfraSec signs off, written
// once) and fails on every control that does not PASS, naming the evidence
// that failed it. planreview/cmd/plan-review's TestEachCheckCanFail breaks a plan in
// one place per control and proves the engine fails it.
func assertReviewPasses(t *testing.T, plan *terraform.PlanStruct) {
	t.Helper()
	rv := review.Plan(&plan.RawPlan, t.Name(), report.Provenance{})
	require.Len(t, rv.Results, len(controls.All()), "plan-review evaluates every control")
	for _, r := range rv.Results {
		if r.Status == controls.Pass {
			continue
		}
		t.Errorf("plan-review control %s (%s): %s", r.ID, r.Title, r.Status)
		for _, e := range r.Evidence {
			if e.Status == controls.Fail || e.Status == controls.Unknown {
				t.Errorf("  %s %s: %s = %s (%s)", e.Status, e.Resource, e.Attribute, e.Value, e.Note)
			}
		}
	}
}

// assertPlanControls checks the controls whose values are known before
// apply: plan-review's controls (assertReviewPasses), then what this
// module's design promises beyond them (no force_destroy, the replication
// rule's shape, the schedule's target, the alarms). Used on a fresh plan and
// again on the plan after apply.
func assertPlanControls(t *testing.T, plan *terraform.PlanStruct, wantSchedule string) {
	t.Helper()
	assertReviewPasses(t, plan)
	for _, b := range []string{srcBucket, dstBucket} {
		bucket := resource(t, plan, b+".aws_s3_bucket.this")
		assert.Equal(t, false, bucket["force_destroy"], "%s force_destroy", b)

		sse := resource(t, plan, b+".aws_s3_bucket_server_side_encryption_configuration.this")
		assert.Equal(t, true, model.At(sse, "rule", 0, "bucket_key_enabled"), "%s bucket key", b)

		lc := resource(t, plan, b+".aws_s3_bucket_lifecycle_configuration.this")
		assert.EqualValues(t, 1, model.At(lc, "rule", 0, "abort_incomplete_multipart_upload", 0, "days_after_initiation"), "%s aborts incomplete uploads", b)
		assert.Equal(t, "", model.At(lc, "rule", 0, "filter", 0, "prefix"), "%s abort rule covers the whole bucket", b)
		assert.Equal(t, "Enabled", model.At(lc, "rule", 0, "status"))
	}

	rule := model.At(resource(t, plan, replConfig), "rule", 0)
	assert.Equal(t, "exports/", model.At(rule, "filter", 0, "prefix"), "replication prefix")
	assert.Equal(t, "Disabled", model.At(rule, "delete_marker_replication", 0, "status"), "delete markers not replicated")
	assert.Equal(t, "Enabled", model.At(rule, "destination", 0, "replication_time", 0, "status"), "replication time control")
	assert.Equal(t, "Enabled", model.At(rule, "destination", 0, "metrics", 0, "status"), "replication metrics")

	sched := resource(t, plan, schedMod+".aws_scheduler_schedule.this[0]")
	assert.Equal(t, wantSchedule, sched["schedule_expression"])
	assert.Equal(t, "FARGATE", model.At(sched, "target", 0, "ecs_parameters", 0, "launch_type"))
	assert.NotEmpty(t, model.At(sched, "target", 0, "retry_policy", 0, "maximum_retry_attempts"), "retry policy")
	assert.NotNil(t, model.At(sched, "target", 0, "dead_letter_config", 0), "dead-letter queue")

	assertObjectLock(t, plan)

	alarm := resource(t, plan, schedMod+".aws_cloudwatch_metric_alarm.missed_run[0]")
	assert.Equal(t, "breaching", alarm["treat_missing_data"], "missing successes breach")
	filter := resource(t, plan, schedMod+".aws_cloudwatch_log_metric_filter.succeeded")
	assert.Equal(t, `{ $.event = "export_succeeded" }`, filter["pattern"])
}

// assertObjectLock checks issue #21's design on a plan (plan-review's
// backup-replication control proves both buckets have Object Lock and no
// policy grants s3:BypassGovernanceRetention): the export bucket has no
// default retention (a run's versions are locked by the task at its commit,
// so a failed run can be removed), the partner's has one (replicas of
// archives arrive before the source locks them); and only the task's lock
// statement may put retention, on its prefix only.
func assertObjectLock(t *testing.T, plan *terraform.PlanStruct) {
	t.Helper()
	src := resource(t, plan, srcBucket+".aws_s3_bucket_object_lock_configuration.this[0]")
	assert.Empty(t, src["rule"], "the export bucket has no default retention: it would lock a failed run before undo")
	dst := resource(t, plan, dstBucket+".aws_s3_bucket_object_lock_configuration.this[0]")
	assert.Equal(t, "GOVERNANCE", model.At(dst, "rule", 0, "default_retention", 0, "mode"), "replicas' default retention")
	assert.EqualValues(t, 30, model.At(dst, "rule", 0, "default_retention", 0, "days"))

	for where, sts := range planPolicies(plan) {
		for _, st := range sts {
			if st.Effect != "Allow" || !slices.Contains(st.Actions, "s3:PutObjectRetention") {
				continue
			}
			assert.Equal(t, "LockCommittedRuns", st.Sid, "%s: s3:PutObjectRetention outside the task's lock statement", where)
			for _, r := range st.Resources {
				assert.Regexp(t, `^arn:aws[a-z-]*:s3:::[a-z0-9.-]+/exports/\*$`, r, "%s: s3:PutObjectRetention beyond the export prefix", where)
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
	assert.Equal(t, []interface{}{"STOPPED"}, model.At(pattern, "detail", "lastStatus"))
	assert.Equal(t, []interface{}{"export"}, model.At(pattern, "detail", "containers", "name"))
	assert.Equal(t, []interface{}{map[string]interface{}{"anything-but": float64(0)}}, model.At(pattern, "detail", "containers", "exitCode"))
	topic := resource(t, plan, schedMod+".aws_sns_topic.this[0]")
	target := resource(t, plan, schedMod+".aws_cloudwatch_event_target.failed")
	assert.Equal(t, topic["arn"], target["arn"], "failures go to the alert topic")
	queue := resource(t, plan, schedMod+".aws_sqs_queue.this")
	sched := resource(t, plan, schedMod+".aws_scheduler_schedule.this[0]")
	assert.Equal(t, queue["arn"], model.At(sched, "target", 0, "dead_letter_config", 0, "arn"), "missed starts go to the dead-letter queue")
	assert.Equal(t, resource(t, plan, schedMod+".module.kms[0].aws_kms_key.this")["arn"], sched["kms_key_arn"], "schedule encrypted with the module's key")
	alarm := resource(t, plan, schedMod+".aws_cloudwatch_metric_alarm.missed_run[0]")
	assert.Equal(t, []interface{}{topic["arn"]}, alarm["alarm_actions"], "missed runs go to the alert topic")
}

// assertAppliedControls checks, on the plan after apply, what the module's
// contract says beyond plan-review's controls and which names ARNs known
// only then: which key encrypts what, the container definitions, and the
// exact statements of the bucket, role and partner policies.
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
	assert.Equal(t, srcKeyARN, model.At(sse, "rule", 0, "apply_server_side_encryption_by_default", 0, "kms_master_key_id"))
	rule := model.At(resource(t, plan, replConfig), "rule", 0)
	assert.Equal(t, dstKeyARN, model.At(rule, "destination", 0, "encryption_configuration", 0, "replica_kms_key_id"))
	assert.Equal(t, replRole, resource(t, plan, replConfig)["role"])
	assert.Equal(t, srcKeyARN, resource(t, plan, taskMod+".aws_cloudwatch_log_group.this[0]")["kms_key_id"])

	// Bucket policy (TLS only: plan-review's tls-only): uploads naming another key or another algorithm are refused.
	bp := policyStatements(t, "source bucket policy", resource(t, plan, srcBucket+".aws_s3_bucket_policy.this")["policy"].(string))
	assert.True(t, hasDeny(bp, "StringNotEquals", "s3:x-amz-server-side-encryption-aws-kms-key-id", srcKeyARN), "bucket policy denies another key")
	assert.True(t, hasDeny(bp, "StringNotEquals", "s3:x-amz-server-side-encryption", "aws:kms"), "bucket policy denies non-KMS encryption")

	assertContainers(t, plan, srcKeyARN)
	assertFailureAlert(t, plan)

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
	assert.Equal(t, "scratch", model.At(td, "volume", 0, "name"))
	var defs []containerDef
	require.NoError(t, json.Unmarshal([]byte(td["container_definitions"].(string)), &defs))
	byName := map[string]containerDef{}
	for _, d := range defs {
		byName[d.Name] = d
	}
	require.Len(t, byName, 2, "two containers")

	// plan-review's containers control holds both to the hardening (not
	// privileged, read-only root, no added capability; the export non-root
	// dropping ALL; permissions-init, root, within exception EX-ROOT-INIT:
	// non-essential, no secrets, keeping CHOWN alone); here, the contract.
	init := byName["permissions-init"]
	assert.Equal(t, "0", init.User, "permissions-init runs as root to chown the volume")
	assert.Equal(t, []string{"prepare-scratch", "--path", "/scratch", "--uid", "1000", "--gid", "1000"}, init.Command, "contract command")
	require.Len(t, init.MountPoints, 1)
	assert.Equal(t, "/scratch", init.MountPoints[0].ContainerPath)
	assert.Empty(t, init.Environment, "permissions-init gets no configuration")

	exp := byName["export"]
	// The init container hands the volume to exactly the user the export
	// runs as, with the same image (issue #4's contract).
	assert.Equal(t, exp.Image, init.Image, "permissions-init runs the export's image")
	assert.Equal(t, init.Command[4]+":"+init.Command[6], exp.User, "prepare-scratch --uid:--gid equals the export user")
	assert.Equal(t, "1000:1000", exp.User, "uid:gid of the image")
	assert.True(t, exp.Essential)
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
}

// lifecycleExpirationDays is the days after which the export bucket's
// lifecycle expires an export, as planned.
func lifecycleExpirationDays(t *testing.T, plan *terraform.PlanStruct) float64 {
	t.Helper()
	lc := resource(t, plan, srcBucket+".aws_s3_bucket_lifecycle_configuration.this")
	for _, r := range lc["rule"].([]interface{}) {
		if model.At(r, "id") == "expire-objects" {
			if d, ok := model.At(r, "expiration", 0, "days").(float64); ok {
				return d
			}
		}
	}
	t.Fatal("the export bucket's lifecycle expires nothing")
	return 0
}
