package test

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/gruntwork-io/terratest/modules/terraform"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/advana-export/terraform-aws-advana-export/planreview/model"
)

// scheduleModule is one modules/schedule block of a test root: name, the
// service that starts the task, and the cluster ("" creates one).
func scheduleModule(s site, label, name, service, cluster, logGroup string) string {
	clusterARN := "null"
	if cluster != "" {
		clusterARN = fmt.Sprintf("%q", cluster)
	}
	return fmt.Sprintf(`module %q {
  source              = "../modules/schedule"
  name                = %q
  service             = %q
  schedule_expression = "cron(0 2,14 * * ? *)"
  cluster_arn         = %s
  platform_version    = "1.4.0"
  retry_policy        = { maximum_retry_attempts = 5, maximum_event_age_in_seconds = 7200 }
  task_definition_arn = %q
  task_role_arn       = %q
  execution_role_arn  = %q
  log_group_name      = %s
  subnet_ids          = [%q]
  security_group_ids  = [%q]
  tags                = { Project = "advana-export" }
}
`, label, name, service, clusterARN,
		s.arn("ecs", s.Region, testAccount, "task-definition/"+name+":3"),
		s.arn("iam", "", testAccount, "role/"+name+"-task"),
		s.arn("iam", "", testAccount, "role/"+name+"-execution"),
		logGroup, testSubnet, testSG)
}

const testAccount = "123456789012"

// TestScheduleRule: service = "eventbridge-rule" makes modules/schedule start
// the task with a scheduled EventBridge rule instead of EventBridge Scheduler
// (for where Scheduler is not offered, docs/govcloud.md). The plan has the
// rule, its ECS target (same task, cluster, network, platform, retry policy
// and dead-letter queue the schedule would have) and a role of its own that
// events.amazonaws.com assumes for this rule only, allowed RunTask on the
// family on the cluster and PassRole on the task's two roles, nothing else;
// the Scheduler variant beside it keeps its schedule and role. Applied to the
// emulator in GovCloud, the rule and its target read back as planned.
func TestScheduleRule(t *testing.T) {
	t.Parallel()
	root := copyToTemp(t, ".")

	t.Run("plan", func(t *testing.T) {
		t.Parallel()
		s := commercial
		cluster := s.arn("ecs", s.Region, testAccount, "cluster/exports")
		dir := filepath.Join(root, "rule-plan")
		require.NoError(t, os.Mkdir(dir, 0o755))
		hcl := scheduleModule(s, "rule", "ruleplan", "eventbridge-rule", cluster, `"/ecs/ruleplan"`) +
			scheduleModule(s, "sched", "schedplan", "scheduler", cluster, `"/ecs/schedplan"`)
		require.NoError(t, os.WriteFile(filepath.Join(dir, "main.tf"), []byte(hcl), 0o644))
		pointAtMoto(t, dir)
		opts := tfOptions(t, dir, nil)
		opts.PlanFilePath = filepath.Join(dir, "plan.tfplan")
		plan := terraform.InitAndPlanAndShowWithStruct(t, opts)

		// Each variant has its own resources and none of the other's.
		for _, addr := range []string{"aws_scheduler_schedule.this[0]", "data.aws_iam_policy_document.kms_scheduler[0]"} {
			terraform.RequirePlannedValuesMapKeyExists(t, plan, "module.sched."+addr)
			assert.NotContains(t, plan.ResourcePlannedValuesMap, "module.rule."+addr)
		}
		for _, addr := range []string{"aws_cloudwatch_event_rule.schedule[0]", "aws_cloudwatch_event_target.schedule[0]"} {
			terraform.RequirePlannedValuesMapKeyExists(t, plan, "module.rule."+addr)
			assert.NotContains(t, plan.ResourcePlannedValuesMap, "module.sched."+addr)
		}

		// The rule runs the schedule, in UTC (rules have no time zone).
		rule := resource(t, plan, "module.rule.aws_cloudwatch_event_rule.schedule[0]")
		assert.Equal(t, "ruleplan", rule["name"])
		assert.Equal(t, "cron(0 2,14 * * ? *)", rule["schedule_expression"])
		assert.Equal(t, "ENABLED", rule["state"])
		assert.Equal(t, "default", rule["event_bus_name"])

		// Its target starts the same task the schedule would.
		target := resource(t, plan, "module.rule.aws_cloudwatch_event_target.schedule[0]")
		sched := model.At(resource(t, plan, "module.sched.aws_scheduler_schedule.this[0]"), "target", 0).(map[string]interface{})
		assert.Equal(t, cluster, target["arn"])
		assert.Equal(t, sched["arn"], target["arn"])
		ecs := model.At(target, "ecs_target", 0).(map[string]interface{})
		want := model.At(sched, "ecs_parameters", 0).(map[string]interface{})
		assert.Equal(t, s.arn("ecs", s.Region, testAccount, "task-definition/ruleplan:3"), ecs["task_definition_arn"])
		for _, k := range []string{"task_count", "launch_type", "platform_version", "propagate_tags", "enable_ecs_managed_tags", "tags"} {
			assert.Equal(t, want[k], ecs[k], "ecs_target.%s as the schedule's", k)
		}
		assert.Equal(t, "FARGATE", ecs["launch_type"])
		assert.Equal(t, "1.4.0", ecs["platform_version"])
		assert.Equal(t, model.At(want, "network_configuration", 0), model.At(ecs, "network_configuration", 0), "same subnets, security groups, no public IP")
		assert.Equal(t, false, model.At(ecs, "network_configuration", 0, "assign_public_ip"))
		assert.Equal(t, model.At(sched, "retry_policy", 0), model.At(target, "retry_policy", 0), "same retry policy")
		assert.EqualValues(t, 5, model.At(target, "retry_policy", 0, "maximum_retry_attempts"))

		// The rule's role: assumed by EventBridge, for this rule in this account only.
		role := resource(t, plan, "module.rule.aws_iam_role.scheduler")
		assert.Equal(t, "ruleplan-events", role["name"])
		trust := policyStatements(t, "rule role trust", role["assume_role_policy"].(string))
		require.Len(t, trust, 1)
		assert.Equal(t, []string{"events.amazonaws.com"}, trust[0].Principals)
		assert.Equal(t, []string{testAccount}, trust[0].Condition["StringEquals"]["aws:SourceAccount"])
		assert.Equal(t, []string{s.arn("events", s.Region, testAccount, "rule/ruleplan")}, trust[0].Condition["ArnEquals"]["aws:SourceArn"])

		// Allowed: RunTask on the family on this cluster, TagResource on its
		// new tasks, PassRole on the task's two roles to ECS tasks. Nothing
		// else (EventBridge sends dead letters as a service, not as the role).
		pol := resource(t, plan, "module.rule.aws_iam_role_policy.scheduler")
		got := map[string]statement{}
		for _, st := range policyStatements(t, "rule role policy", pol["policy"].(string)) {
			assert.Equal(t, "Allow", st.Effect, st.Sid)
			got[st.Sid] = st
		}
		require.ElementsMatch(t, []string{"RunExportTask", "TagExportTask", "PassExportTaskRoles"}, keys(got))
		assert.Equal(t, []string{"ecs:RunTask"}, got["RunExportTask"].Actions)
		assert.Equal(t, []string{s.arn("ecs", s.Region, testAccount, "task-definition/ruleplan:*")}, got["RunExportTask"].Resources)
		assert.Equal(t, []string{cluster}, got["RunExportTask"].Condition["ArnEquals"]["ecs:cluster"])
		assert.Equal(t, []string{"ecs:TagResource"}, got["TagExportTask"].Actions)
		assert.Equal(t, []string{"RunTask"}, got["TagExportTask"].Condition["StringEquals"]["ecs:CreateAction"])
		assert.Equal(t, []string{"iam:PassRole"}, got["PassExportTaskRoles"].Actions)
		assert.ElementsMatch(t, []string{s.arn("iam", "", testAccount, "role/ruleplan-task"), s.arn("iam", "", testAccount, "role/ruleplan-execution")}, got["PassExportTaskRoles"].Resources)
		assert.Equal(t, []string{"ecs-tasks.amazonaws.com"}, got["PassExportTaskRoles"].Condition["StringEquals"]["iam:PassedToService"])

		// The rule is not encrypted with the module's key: its key policy
		// grants nothing to Scheduler (no schedule role, no scheduler.* service).
		for _, st := range policyStatements(t, "rule key policy", resource(t, plan, "module.rule.module.kms[0].aws_kms_key.this")["policy"].(string)) {
			assert.NotEqual(t, "SchedulerRoleDecryptsSchedule", st.Sid)
			for _, v := range st.Condition["StringEquals"]["kms:ViaService"] {
				assert.NotContains(t, v, "scheduler.", "key usable through Scheduler with a rule")
			}
		}

		// The Scheduler variant's role is Scheduler's, as before.
		strust := policyStatements(t, "scheduler role trust", resource(t, plan, "module.sched.aws_iam_role.scheduler")["assume_role_policy"].(string))
		assert.Equal(t, []string{"scheduler.amazonaws.com"}, strust[0].Principals)
	})

	t.Run("apply", func(t *testing.T) {
		t.Parallel()
		ctx := context.Background()
		s := govCloud
		id := uniqueName("rule")
		dir := filepath.Join(root, "rule-apply")
		require.NoError(t, os.Mkdir(dir, 0o755))
		// The log group the missed-run metric filter reads; the cluster is the module's.
		hcl := fmt.Sprintf("resource \"aws_cloudwatch_log_group\" \"this\" {\n  name = %q\n}\n\n", "/ecs/"+id) +
			scheduleModule(s, "rule", id, "eventbridge-rule", "", "aws_cloudwatch_log_group.this.name") +
			"output \"schedule_arn\" {\n  value = module.rule.schedule_arn\n}\n" +
			"output \"schedule_name\" {\n  value = module.rule.schedule_name\n}\n" +
			"output \"scheduler_role_arn\" {\n  value = module.rule.scheduler_role_arn\n}\n" +
			"output \"dead_letter_queue_arn\" {\n  value = module.rule.dead_letter_queue_arn\n}\n" +
			"output \"cluster_arn\" {\n  value = module.rule.cluster_arn\n}\n"
		require.NoError(t, os.WriteFile(filepath.Join(dir, "main.tf"), []byte(hcl), 0o644))
		pointAtMotoIn(t, dir, moto.Endpoint, s)
		opts := tfOptions(t, dir, nil)
		defer destroy(t, opts)

		// Apply to the emulator in us-gov-west-1.
		terraform.InitAndApply(t, opts)

		// The outputs that name the schedule name the rule.
		ruleARN := s.arn("events", s.Region, testAccount, "rule/"+id)
		assert.Equal(t, ruleARN, terraform.Output(t, opts, "schedule_arn"))
		assert.Equal(t, id, terraform.Output(t, opts, "schedule_name"))
		roleARN := terraform.Output(t, opts, "scheduler_role_arn")
		assert.Equal(t, s.arn("iam", "", testAccount, "role/"+id+"-events"), roleARN)

		// The rule and its target, read back from EventBridge.
		ebc := eventbridge.NewFromConfig(s.awsConfig())
		rule, err := ebc.DescribeRule(ctx, &eventbridge.DescribeRuleInput{Name: aws.String(id)})
		require.NoError(t, err)
		assert.Equal(t, ruleARN, aws.ToString(rule.Arn))
		assert.Equal(t, "cron(0 2,14 * * ? *)", aws.ToString(rule.ScheduleExpression))
		assert.Equal(t, "ENABLED", string(rule.State))
		targets, err := ebc.ListTargetsByRule(ctx, &eventbridge.ListTargetsByRuleInput{Rule: aws.String(id)})
		require.NoError(t, err)
		require.Len(t, targets.Targets, 1)
		tg := targets.Targets[0]
		assert.Equal(t, terraform.Output(t, opts, "cluster_arn"), aws.ToString(tg.Arn))
		assert.Equal(t, roleARN, aws.ToString(tg.RoleArn))
		require.NotNil(t, tg.EcsParameters)
		assert.Equal(t, s.arn("ecs", s.Region, testAccount, "task-definition/"+id+":3"), aws.ToString(tg.EcsParameters.TaskDefinitionArn))
		assert.Equal(t, "FARGATE", string(tg.EcsParameters.LaunchType))
		assert.Equal(t, "1.4.0", aws.ToString(tg.EcsParameters.PlatformVersion))
		net := tg.EcsParameters.NetworkConfiguration.AwsvpcConfiguration
		assert.Equal(t, []string{testSubnet}, net.Subnets)
		assert.Equal(t, []string{testSG}, net.SecurityGroups)
		assert.Equal(t, "DISABLED", string(net.AssignPublicIp))
		require.NotNil(t, tg.RetryPolicy)
		assert.EqualValues(t, 5, aws.ToInt32(tg.RetryPolicy.MaximumRetryAttempts))
		assert.EqualValues(t, 7200, aws.ToInt32(tg.RetryPolicy.MaximumEventAgeInSeconds))
		require.NotNil(t, tg.DeadLetterConfig)
		assert.Equal(t, terraform.Output(t, opts, "dead_letter_queue_arn"), aws.ToString(tg.DeadLetterConfig.Arn))

		// The role EventBridge assumes, and no Scheduler role beside it.
		iamc := iam.NewFromConfig(s.awsConfig())
		got, err := iamc.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(id + "-events")})
		require.NoError(t, err)
		trust, err := url.QueryUnescape(aws.ToString(got.Role.AssumeRolePolicyDocument)) // IAM returns it URL-encoded
		require.NoError(t, err)
		assert.Contains(t, trust, "events.amazonaws.com")
		assert.Contains(t, trust, ruleARN, "trusted for this rule only")
		_, err = iamc.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(id + "-scheduler")})
		assert.Error(t, err, "no Scheduler role with the rule")
	})
}

func keys(m map[string]statement) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
