# A scheduled EventBridge rule, for where EventBridge Scheduler is not offered
# (service = "eventbridge-rule"; docs/govcloud.md): the same task, cluster,
# network, launch type, platform, tags, retry policy and dead-letter queue as
# the schedule in schedule.tf, started with a role of its own (iam.tf: trusted by EventBridge, not Scheduler). What
# a rule cannot do is refused here, and by the root module where the caller
# wrote it: time zones (a rule runs in UTC), flexible windows and one-time
# at() schedules. The rule itself is kept by EventBridge, not encrypted with
# the module's key; it holds no secret (a task definition ARN and network ids).

resource "aws_cloudwatch_event_rule" "schedule" {
  count = local.rule ? 1 : 0

  name                = var.name
  description         = "Runs the ${var.name} PostgreSQL export"
  schedule_expression = var.schedule_expression
  state               = var.enabled ? "ENABLED" : "DISABLED"
  tags                = var.tags

  lifecycle {
    precondition {
      condition     = !startswith(var.schedule_expression, "at(")
      error_message = "service = \"eventbridge-rule\" cannot run a one-time at() schedule (${var.schedule_expression}): scheduled EventBridge rules take rate() and cron() only. Use service = \"scheduler\", or a cron() for that minute."
    }
    precondition {
      condition     = var.schedule_timezone == "UTC"
      error_message = "service = \"eventbridge-rule\" runs in UTC, not ${var.schedule_timezone}: scheduled EventBridge rules have no time zone. Write the cron() in UTC and set schedule_timezone = \"UTC\", or use service = \"scheduler\"."
    }
    precondition {
      condition     = var.flexible_time_window_minutes == 0
      error_message = "service = \"eventbridge-rule\" has no flexible time window: set flexible_time_window_minutes = 0, or use service = \"scheduler\"."
    }
  }
}

# The ECS block repeats the schedule's (schedule.tf): the two resources name
# the same fields differently (ecs_target, ecs_parameters). TestScheduleRule
# compares them field by field, so one cannot change without the other.
resource "aws_cloudwatch_event_target" "schedule" {
  count = local.rule ? 1 : 0

  rule      = aws_cloudwatch_event_rule.schedule[0].name
  target_id = "export-task"
  arn       = local.cluster_arn
  role_arn  = aws_iam_role.scheduler.arn

  ecs_target {
    task_definition_arn     = var.task_definition_arn
    task_count              = 1
    launch_type             = "FARGATE"
    platform_version        = var.platform_version
    propagate_tags          = "TASK_DEFINITION"
    enable_ecs_managed_tags = true
    tags                    = var.tags

    network_configuration {
      subnets          = var.subnet_ids
      security_groups  = var.security_group_ids
      assign_public_ip = false
    }
  }

  retry_policy {
    maximum_event_age_in_seconds = var.retry_policy.maximum_event_age_in_seconds
    maximum_retry_attempts       = var.retry_policy.maximum_retry_attempts
  }

  # EventBridge sends here as a service (the queue's policy names this rule).
  dead_letter_config {
    arn = aws_sqs_queue.this.arn
  }
}
