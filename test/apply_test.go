package test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/scheduler"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/gruntwork-io/terratest/modules/terraform"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/advana-export/terraform-aws-advana-export/planreview/offline"
	"github.com/advana-export/terraform-aws-advana-export/test/harness/testenv"
)

// motoGaps are the differences a plan after apply shows only because the
// emulator does not store part of what it was sent. Each is listed with the
// reason; anything else in that plan is drift and fails the test.
var motoGaps = map[string][]string{
	replConfig: {
		"rule.filter.prefix: moto does not store a replication rule's filter prefix",
		"rule.source_selection_criteria: moto does not store source_selection_criteria",
	},
	partnerNotification: {
		"eventbridge: moto does not store a bucket notification's EventBridgeConfiguration",
	},
}

// partnerNotification sends the partner bucket's events to EventBridge.
const partnerNotification = "module.advana.aws_s3_bucket_notification.this[0]"

// TestCompleteApply applies examples/complete (source account, partner
// account, replication between them) to the emulator, reads every part back
// through the AWS SDK, plans again to prove there is no drift, checks the
// controls that need real ARNs on that plan, runs the applied task
// definition's containers against a real database, and destroys everything.
// It does so in each site: the commercial partition and AWS GovCloud (US-West),
// where MilMove runs, both accounts replicating inside aws-us-gov.
func TestCompleteApply(t *testing.T) {
	t.Parallel()
	for _, s := range appliedSites {
		t.Run(s.Name, func(t *testing.T) {
			t.Parallel()
			completeApply(t, s)
		})
	}
}

func completeApply(t *testing.T, s site) {
	id := uniqueName("apply")
	dir := copyToTemp(t, "examples/complete")
	pointAtMotoIn(t, dir, s.emulator().Endpoint, s, "", partnerAlias)
	vars := completeVarsIn(s, id)
	systemDatabase(t, vars)
	prepareLandingZone(t, vars)
	opts := tfOptions(t, dir, vars)

	// Destroy at the end, whatever happens after this line.
	defer destroy(t, opts)

	// Apply both accounts' halves.
	terraform.InitAndApply(t, opts)

	// Read back through the AWS SDK.
	assertAppliedInAWS(t, s, id, terraform.Output(t, opts, "kms_key_arn"), terraform.Output(t, opts, "partner_kms_key_arn"))

	// The operating guide's commands, from this root as a caller runs them.
	runOperatingGuide(t, dir, opts, id)

	// Plan again: nothing may change except the emulator's known gaps.
	opts.PlanFilePath = filepath.Join(dir, "after-apply.tfplan")
	plan := terraform.InitAndPlanAndShowWithStruct(t, opts)
	assertNoDrift(t, plan)

	// Every ARN, host, service principal and condition value is the site's.
	assertInSite(t, plan, s)

	// plan-review's controls and the design's promises as on the fresh plan, and those that name real ARNs.
	assertPlanControls(t, plan, "rate(12 hours)")
	assertAppliedControls(t, plan)

	// The landing zone's controls on what was applied.
	assertLoggedAndBounded(t, id, vars)

	// Run what was applied: directory format, 4 jobs, on the scratch volume,
	// waiting for replication before the manifest.
	runDeployedExport(t, opts, true)

	// The task role holds what the run needs, no less: without the statement
	// that lets it read replication statuses, the run fails at the wait,
	// naming s3:GetObject, and removes what it had written.
	runWithoutStatement(t, opts, true, "ReadReplicationStatus", "s3:GetObject")
}

// TestMinimalApply is a caller's first apply with examples/minimal: the
// module's defaults, an RDS-managed secret, and no partner values yet (the
// partner needs this apply's replication role first). The applied task
// definition must export as it stands, in each site.
func TestMinimalApply(t *testing.T) {
	t.Parallel()
	for _, s := range appliedSites {
		t.Run(s.Name, func(t *testing.T) {
			t.Parallel()
			minimalApply(t, s)
		})
	}
}

func minimalApply(t *testing.T, s site) {
	id := uniqueName("min")
	dir := copyToTemp(t, "examples/minimal")
	pointAtMotoIn(t, dir, s.emulator().Endpoint, s, "")
	vars := minimalVarsIn(s, id)
	delete(vars, "partner_bucket_arn")
	delete(vars, "partner_account_id")
	delete(vars, "partner_kms_key_arn")
	systemDatabase(t, vars)
	opts := tfOptions(t, dir, vars)
	// The default names (bucket, roles, family) are per account and region:
	// one minimal apply at a time in each of the emulator's regions, and this is the one.
	defer destroy(t, opts)

	out := terraform.InitAndApply(t, opts)
	// Said, not silent: nothing reaches the partner until replication is set.
	assert.Contains(t, strings.Join(strings.Fields(out), " "), "replication is not set: exports stay in the internal bucket")
	assert.Regexp(t, `^arn:`+s.Partition+`:iam::123456789012:role/`, terraform.OutputMap(t, opts, "partner")["source_replication_role_arn"],
		"the first apply gives the partner the role their policies name")

	// What was applied, as a plan of no changes, names only the site.
	opts.PlanFilePath = filepath.Join(dir, "after-apply.tfplan")
	assertInSite(t, terraform.InitAndPlanAndShowWithStruct(t, opts), s)

	runDeployedExport(t, opts, false)
}

// runOperatingGuide runs every block of docs/operating.md marked for this
// test with bash from the applied root, the AWS CLI pointed at the emulator.
// The guide's commands read the module's outputs the way a caller's root
// does (an output passing module.advana_export on), so a renamed output
// fails here.
//
// One call is intercepted: moto's RunTask fails (HTTP 500) on a task
// definition whose containers set no memory of their own, which Fargate does
// not need, so `aws ecs run-task` is answered by a shim that records its
// arguments; the test checks them instead. Every other command is the real
// AWS CLI against moto.
func runOperatingGuide(t *testing.T, dir string, opts *terraform.Options, id string) {
	t.Helper()
	realAWS, err := exec.LookPath("aws")
	require.NoError(t, err, "the AWS CLI (aws) is needed to run docs/operating.md")
	shimDir := t.TempDir()
	runTaskArgs := filepath.Join(shimDir, "run-task.args")
	shim := "#!/bin/bash\n" +
		"if [ \"$1 $2\" = \"ecs run-task\" ]; then printf '%s\\n' \"$@\" > " + runTaskArgs + "; echo arn:aws:ecs:us-east-1:123456789012:task/shim/0; exit 0; fi\n" +
		// AWS CLI v1 sends SQS calls to the legacy queue.amazonaws.com host
		// whatever AWS_ENDPOINT_URL says; v2 (what the guide asks for) honours it.
		"if [ \"$1\" = sqs ]; then exec " + realAWS + " --endpoint-url \"$AWS_ENDPOINT_URL\" \"$@\"; fi\n" +
		"exec " + realAWS + " \"$@\"\n"
	require.NoError(t, os.WriteFile(filepath.Join(shimDir, "aws"), []byte(shim), 0o755))

	env := []string{"PATH=" + shimDir + ":" + os.Getenv("PATH"), "HOME=" + t.TempDir(),
		"AWS_ENDPOINT_URL=" + siteOf(opts.Vars).emulator().Endpoint, "AWS_DEFAULT_REGION=" + siteOf(opts.Vars).Region, "AWS_PAGER="}
	for k, v := range opts.EnvVars {
		env = append(env, k+"="+v)
	}
	var outputs []string
	for _, b := range blocksRunBy(t, "docs/operating.md", "TestCompleteApply") {
		if b.Lang == "hcl" {
			// The output the commands read: examples/complete declares it as written.
			outputs, err := os.ReadFile(filepath.Join(dir, "outputs.tf"))
			require.NoError(t, err)
			assert.Contains(t, string(outputs), b.Body, "%s:%d is not in examples/complete/outputs.tf", b.File, b.Line)
			continue
		}
		cmd := exec.Command("bash", "-euo", "pipefail", "-c", b.Body)
		cmd.Dir, cmd.Env = dir, env
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "%s:%d failed:\n%s\n%s", b.File, b.Line, b.Body, out)
		outputs = append(outputs, string(out))
	}
	assert.Contains(t, strings.Join(outputs, "\n"), id+"-exports", "the guide's mod reads the bucket name")

	// run-task got the cluster, the task definition and the schedule's network.
	raw, err := os.ReadFile(runTaskArgs)
	require.NoError(t, err, "the guide never called aws ecs run-task")
	args := strings.Split(strings.TrimSpace(string(raw)), "\n")
	arg := func(name string) string {
		for i, a := range args {
			if a == name && i+1 < len(args) {
				return args[i+1]
			}
		}
		return ""
	}
	assert.Equal(t, terraform.Output(t, opts, "task_definition_arn"), arg("--task-definition"))
	assert.True(t, strings.HasSuffix(arg("--cluster"), ":cluster/"+id), "cluster %q", arg("--cluster"))
	assert.Equal(t, "FARGATE", arg("--launch-type"))
	var network struct {
		Awsvpc struct {
			Subnets        []string `json:"subnets"`
			SecurityGroups []string `json:"securityGroups"`
			AssignPublicIP string   `json:"assignPublicIp"`
		} `json:"awsvpcConfiguration"`
	}
	require.NoError(t, json.Unmarshal([]byte(arg("--network-configuration")), &network), "network configuration %q", arg("--network-configuration"))
	assert.Equal(t, []string{testSubnet}, network.Awsvpc.Subnets)
	assert.Equal(t, []string{testSG}, network.Awsvpc.SecurityGroups)
	assert.Equal(t, "DISABLED", network.Awsvpc.AssignPublicIP)
}

// assertNoDrift fails on every planned change that is not a listed moto gap.
func assertNoDrift(t *testing.T, plan *terraform.PlanStruct) {
	t.Helper()
	for addr, rc := range plan.ResourceChangesMap {
		if rc.Change.Actions.NoOp() || rc.Change.Actions.Read() {
			continue
		}
		gaps, known := motoGaps[addr]
		if !known || !rc.Change.Actions.Update() {
			t.Errorf("drift after apply: %s %v", addr, rc.Change.Actions)
			continue
		}
		before := withoutReplicationGaps(rc.Change.Before)
		after := withoutReplicationGaps(rc.Change.After)
		if !reflect.DeepEqual(before, after) {
			t.Errorf("drift after apply in %s beyond the moto gaps %v:\nbefore %v\nafter  %v", addr, gaps, before, after)
		}
	}
}

// withoutReplicationGaps drops the fields moto forgets: the replication
// rule's, and a bucket notification's eventbridge flag.
func withoutReplicationGaps(v interface{}) interface{} {
	b, _ := json.Marshal(v)
	var m map[string]interface{}
	_ = json.Unmarshal(b, &m)
	delete(m, "eventbridge")
	for _, r := range stringKeyedList(m["rule"]) {
		delete(r, "source_selection_criteria")
		for _, f := range stringKeyedList(r["filter"]) {
			delete(f, "prefix")
		}
	}
	return m
}

func stringKeyedList(v interface{}) []map[string]interface{} {
	var out []map[string]interface{}
	l, _ := v.([]interface{})
	for _, e := range l {
		if m, ok := e.(map[string]interface{}); ok {
			out = append(out, m)
		}
	}
	return out
}

// siteOf is the site an apply-and-run test's inputs deploy to (their
// region; the commercial partition when they name none), on the emulator
// that enforces IAM.
func siteOf(vars map[string]interface{}) site {
	for _, s := range appliedSites {
		if vars["region"] == s.Region {
			return s
		}
	}
	return commercial.enforced()
}

// destroy empties the export bucket (force_destroy is off, as it should be)
// and destroys everything the test applied.
func destroy(t *testing.T, opts *terraform.Options) {
	t.Helper()
	if bucket, err := terraform.OutputE(t, opts, "bucket_name"); err == nil && bucket != "" {
		emptyBucket(t, siteOf(opts.Vars), bucket)
	}
	terraform.Destroy(t, opts)
}

// emptyBucket deletes every version and delete marker in bucket.
func emptyBucket(t *testing.T, s site, bucket string) {
	t.Helper()
	ctx := context.Background()
	c := s3.NewFromConfig(s.awsConfig(), func(o *s3.Options) { o.UsePathStyle = true })
	// moto treats the policy's conditional Denys as unconditional (see
	// setAsideBucketPolicy): set it aside while the versions go.
	defer setAsideBucketPolicy(t, c, bucket)()
	out, err := c.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: aws.String(bucket)})
	if err != nil {
		t.Logf("list versions of %s: %v", bucket, err)
		return
	}
	del := func(key, version *string) {
		// Exports are locked (GOVERNANCE): the emulator's root may bypass.
		if _, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: key, VersionId: version,
			BypassGovernanceRetention: aws.Bool(true)}); err != nil {
			t.Logf("delete %s: %v", aws.ToString(key), err)
		}
	}
	for _, v := range out.Versions {
		del(v.Key, v.VersionId)
	}
	for _, m := range out.DeleteMarkers {
		del(m.Key, m.VersionId)
	}
}

// prepareLandingZone makes what examples/complete expects a landing zone
// to own already: an access-log bucket in each account, accepting S3 log
// delivery (as plan-review's deployed mode makes them), and the permissions
// boundary policy.
func prepareLandingZone(t *testing.T, vars map[string]interface{}) {
	t.Helper()
	s := siteOf(vars)
	ctx := context.Background()
	// Each by its account's own identity: the emulator enforces IAM.
	for _, b := range []struct {
		cfg             aws.Config
		bucket, account string
	}{
		{s.awsConfig(), vars["access_log_bucket"].(string), testenv.MotoAccountID},
		{partnerAWSConfig(t, s), vars["partner_access_log_bucket"].(string), testenv.MotoPartnerAccountID},
	} {
		c := s3.NewFromConfig(b.cfg, func(o *s3.Options) { o.UsePathStyle = true })
		in := &s3.CreateBucketInput{Bucket: aws.String(b.bucket)}
		if s.Region != "us-east-1" {
			in.CreateBucketConfiguration = &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraint(s.Region)}
		}
		_, err := c.CreateBucket(ctx, in)
		require.NoError(t, err, "create access-log bucket %s", b.bucket)
		_, err = c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(b.bucket), Policy: aws.String(offline.LogDeliveryPolicy(s.Partition, b.bucket, b.account))})
		require.NoError(t, err, "policy of access-log bucket %s", b.bucket)
	}
	arn := vars["permissions_boundary_arn"].(string)
	_, err := iam.NewFromConfig(s.awsConfig()).CreatePolicy(context.Background(), &iam.CreatePolicyInput{
		PolicyName: aws.String(arn[strings.LastIndex(arn, "/")+1:]),
		// A boundary that allows what the module's roles need and no IAM.
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[` +
			`{"Effect":"Allow","Action":["s3:*","kms:*","logs:*","ecs:*","ecr:*","secretsmanager:GetSecretValue","iam:PassRole","sqs:SendMessage","sns:Publish"],"Resource":"*"},` +
			`{"Effect":"Deny","Action":["iam:Create*","iam:Put*","iam:Attach*","iam:Update*","iam:Delete*"],"Resource":"*"}]}`),
	})
	require.NoError(t, err, "create the permissions boundary")
	// After the deferred destroy (cleanups run once the test function returns).
	t.Cleanup(func() {
		if _, err := iam.NewFromConfig(s.awsConfig()).DeletePolicy(context.Background(), &iam.DeletePolicyInput{PolicyArn: aws.String(arn)}); err != nil {
			t.Logf("delete the permissions boundary: %v", err)
		}
	})
}

// assertLoggedAndBounded: both buckets send access logs to their account's
// log bucket, and every role of the export carries the boundary.
func assertLoggedAndBounded(t *testing.T, id string, vars map[string]interface{}) {
	t.Helper()
	ctx := context.Background()
	s := siteOf(vars)
	for bucket, cfg := range map[string]aws.Config{id + "-exports": s.awsConfig(), id + "-advana": partnerAWSConfig(t, s)} {
		c := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
		out, err := c.GetBucketLogging(ctx, &s3.GetBucketLoggingInput{Bucket: aws.String(bucket)})
		require.NoError(t, err, "logging of %s", bucket)
		require.NotNil(t, out.LoggingEnabled, "access logging of %s is off", bucket)
		want := vars["access_log_bucket"]
		if bucket == id+"-advana" {
			want = vars["partner_access_log_bucket"]
		}
		assert.Equal(t, want, aws.ToString(out.LoggingEnabled.TargetBucket), "access-log target of %s", bucket)
	}
	iamc := iam.NewFromConfig(s.awsConfig())
	roles, err := iamc.ListRoles(ctx, &iam.ListRolesInput{})
	require.NoError(t, err)
	var bounded []string
	for _, r := range roles.Roles {
		if !strings.HasPrefix(aws.ToString(r.RoleName), id+"-") {
			continue
		}
		// ListRoles leaves the boundary out; GetRole has it.
		got, err := iamc.GetRole(ctx, &iam.GetRoleInput{RoleName: r.RoleName})
		require.NoError(t, err)
		b := got.Role.PermissionsBoundary
		if assert.NotNil(t, b, "role %s has no permissions boundary", aws.ToString(r.RoleName)) {
			assert.Equal(t, vars["permissions_boundary_arn"], aws.ToString(b.PermissionsBoundaryArn), "boundary of %s", aws.ToString(r.RoleName))
		}
		bounded = append(bounded, aws.ToString(r.RoleName))
	}
	// The task, execution, scheduler and replication roles at least.
	assert.GreaterOrEqual(t, len(bounded), 4, "roles of %s: %v", id, bounded)
}

// partnerAWSConfig is an SDK configuration in the partner's account: the
// emulator gives an assumed role's credentials the role's account.
func partnerAWSConfig(t *testing.T, s site) aws.Config {
	t.Helper()
	out, err := sts.NewFromConfig(s.awsConfig()).AssumeRole(context.Background(), &sts.AssumeRoleInput{
		RoleArn:         aws.String(s.arn("iam", "", testenv.MotoPartnerAccountID, "role/advana-terraform")),
		RoleSessionName: aws.String("terratest"),
	})
	require.NoError(t, err)
	cfg := s.awsConfig()
	c := out.Credentials
	cfg.Credentials = credentials.NewStaticCredentialsProvider(aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken))
	return cfg
}

// assertAppliedInAWS reads the applied resources back through the AWS API.
func assertAppliedInAWS(t *testing.T, s site, id, keyARN, partnerKeyARN string) {
	t.Helper()
	ctx := context.Background()
	cfg := s.awsConfig()
	s3c := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	bucket := aws.String(id + "-exports")
	partner := aws.String(id + "-advana")

	// Bucket: SSE-KMS with our key and a bucket key.
	enc, err := s3c.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: bucket})
	require.NoError(t, err)
	rule := enc.ServerSideEncryptionConfiguration.Rules[0]
	assert.Equal(t, "aws:kms", string(rule.ApplyServerSideEncryptionByDefault.SSEAlgorithm))
	assert.Equal(t, keyARN, aws.ToString(rule.ApplyServerSideEncryptionByDefault.KMSMasterKeyID))
	assert.True(t, aws.ToBool(rule.BucketKeyEnabled))

	for _, b := range []*string{bucket, partner} {
		ver, err := s3c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: b})
		require.NoError(t, err)
		assert.Equal(t, "Enabled", string(ver.Status), "versioning of %s", *b)

		pab, err := s3c.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: b})
		require.NoError(t, err)
		c := pab.PublicAccessBlockConfiguration
		assert.True(t, aws.ToBool(c.BlockPublicAcls) && aws.ToBool(c.BlockPublicPolicy) && aws.ToBool(c.IgnorePublicAcls) && aws.ToBool(c.RestrictPublicBuckets), "public access block of %s", *b)

		own, err := s3c.GetBucketOwnershipControls(ctx, &s3.GetBucketOwnershipControlsInput{Bucket: b})
		require.NoError(t, err)
		assert.Equal(t, "BucketOwnerEnforced", string(own.OwnershipControls.Rules[0].ObjectOwnership))

		pol, err := s3c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: b})
		require.NoError(t, err)
		assert.Contains(t, aws.ToString(pol.Policy), "aws:SecureTransport", "TLS-only policy on %s", *b)
	}

	// Replication: to the partner's bucket, account and key, owned by them.
	repl, err := s3c.GetBucketReplication(ctx, &s3.GetBucketReplicationInput{Bucket: bucket})
	require.NoError(t, err)
	require.Len(t, repl.ReplicationConfiguration.Rules, 1)
	rr := repl.ReplicationConfiguration.Rules[0]
	assert.Equal(t, "Enabled", string(rr.Status))
	assert.Equal(t, s.arn("s3", "", "", *partner), aws.ToString(rr.Destination.Bucket))
	assert.Equal(t, testenv.MotoPartnerAccountID, aws.ToString(rr.Destination.Account))
	assert.Equal(t, "Destination", string(rr.Destination.AccessControlTranslation.Owner))
	assert.Equal(t, partnerKeyARN, aws.ToString(rr.Destination.EncryptionConfiguration.ReplicaKmsKeyID))
	assert.True(t, strings.HasSuffix(aws.ToString(repl.ReplicationConfiguration.Role), ":role/"+id+"-replication"))

	// Key rotation on our key and the partner's (in the partner's account).
	assert.Regexp(t, `^`+s.arn("kms", s.Region, testenv.MotoPartnerAccountID, "key/"), partnerKeyARN, "the partner's key is in their account")
	for k, c := range map[string]aws.Config{keyARN: cfg, partnerKeyARN: partnerAWSConfig(t, s)} {
		rot, err := kms.NewFromConfig(c).GetKeyRotationStatus(ctx, &kms.GetKeyRotationStatusInput{KeyId: aws.String(k)})
		require.NoError(t, err)
		assert.True(t, rot.KeyRotationEnabled, "rotation of %s", k)
	}

	// Task definition: the two containers as the contract says.
	ecsc := ecs.NewFromConfig(cfg)
	td, err := ecsc.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(id)})
	require.NoError(t, err)
	require.Len(t, td.TaskDefinition.ContainerDefinitions, 2)
	for _, c := range td.TaskDefinition.ContainerDefinitions {
		assert.True(t, aws.ToBool(c.ReadonlyRootFilesystem), "%s read-only root", aws.ToString(c.Name))
		switch aws.ToString(c.Name) {
		case "permissions-init":
			assert.Equal(t, "0", aws.ToString(c.User))
			assert.False(t, aws.ToBool(c.Essential))
		case "export":
			assert.Equal(t, "1000:1000", aws.ToString(c.User))
			assert.Equal(t, []string{"ALL"}, c.LinuxParameters.Capabilities.Drop)
			require.Len(t, c.DependsOn, 1)
			assert.Equal(t, "SUCCESS", string(c.DependsOn[0].Condition))
			require.Len(t, c.Secrets, 1)
			assert.Contains(t, aws.ToString(c.Secrets[0].ValueFrom), ":secret:rds!db-")
		default:
			t.Errorf("unexpected container %s", aws.ToString(c.Name))
		}
	}

	// Schedule: EventBridge Scheduler, its ECS target in private subnets,
	// retries, dead letters and key; the role trusted by this schedule only.
	sc := scheduler.NewFromConfig(cfg)
	sched, err := sc.GetSchedule(ctx, &scheduler.GetScheduleInput{Name: aws.String(id)})
	require.NoError(t, err)
	assert.Equal(t, "rate(12 hours)", aws.ToString(sched.ScheduleExpression))
	assert.Equal(t, "ENABLED", string(sched.State))
	assert.Equal(t, "FLEXIBLE", string(sched.FlexibleTimeWindow.Mode))
	assert.EqualValues(t, 15, aws.ToInt32(sched.FlexibleTimeWindow.MaximumWindowInMinutes))
	assert.True(t, strings.HasPrefix(aws.ToString(sched.KmsKeyArn), "arn:"+s.Partition+":kms:"+s.Region+":"), "schedule encrypted with a customer-managed key")
	target := sched.Target
	assert.True(t, strings.HasSuffix(aws.ToString(target.RoleArn), ":role/"+id+"-scheduler"))
	assert.True(t, strings.HasSuffix(aws.ToString(target.Arn), ":cluster/"+id))
	assert.True(t, strings.HasSuffix(aws.ToString(target.DeadLetterConfig.Arn), ":"+id+"-dead-letter"))
	assert.EqualValues(t, 5, aws.ToInt32(target.RetryPolicy.MaximumRetryAttempts))
	net := target.EcsParameters.NetworkConfiguration.AwsvpcConfiguration
	assert.Equal(t, "DISABLED", string(net.AssignPublicIp))
	assert.Equal(t, []string{testSubnet}, net.Subnets)
	assert.Equal(t, "FARGATE", string(target.EcsParameters.LaunchType))

	// The failure rule stays an EventBridge rule (task state changes arrive on the bus).
	ebc := eventbridge.NewFromConfig(cfg)
	failed, err := ebc.DescribeRule(ctx, &eventbridge.DescribeRuleInput{Name: aws.String(id + "-failed")})
	require.NoError(t, err)
	assert.Contains(t, aws.ToString(failed.EventPattern), "ECS Task State Change")

	// Log group: encrypted with our key, kept 731 days.
	logc := cloudwatchlogs.NewFromConfig(cfg)
	lg, err := logc.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("/ecs/" + id)})
	require.NoError(t, err)
	require.Len(t, lg.LogGroups, 1)
	assert.EqualValues(t, 731, aws.ToInt32(lg.LogGroups[0].RetentionInDays))
	assert.Equal(t, keyARN, aws.ToString(lg.LogGroups[0].KmsKeyId))
}
