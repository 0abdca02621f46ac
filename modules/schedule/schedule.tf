# EventBridge Scheduler (AWS's recommended path over scheduled event rules):
# a flexible window, a retry policy and a dead-letter queue on the target, the
# schedule itself encrypted with the module's key, and a role of its own.
# With service = "eventbridge-rule", rule.tf starts the same task instead.

resource "aws_scheduler_schedule" "this" {
  count = local.rule ? 0 : 1

  name        = var.name
  group_name  = "default"
  description = "Runs the ${var.name} PostgreSQL export"

  schedule_expression          = var.schedule_expression
  schedule_expression_timezone = var.schedule_timezone
  state                        = var.enabled ? "ENABLED" : "DISABLED"
  kms_key_arn                  = var.create_kms_key ? module.kms[0].key_arn : var.kms_key_arn

  flexible_time_window {
    mode                      = var.flexible_time_window_minutes > 0 ? "FLEXIBLE" : "OFF"
    maximum_window_in_minutes = var.flexible_time_window_minutes > 0 ? var.flexible_time_window_minutes : null
  }

  target {
    arn      = local.cluster_arn
    role_arn = aws_iam_role.scheduler.arn

    ecs_parameters {
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

    dead_letter_config {
      arn = aws_sqs_queue.this.arn
    }
  }
}

moved {
  from = aws_scheduler_schedule.this
  to   = aws_scheduler_schedule.this[0]
}

# Runs the scheduler (or the rule) could not start (RunTask refused after every retry) and
# alerts EventBridge could not deliver to the topic.
resource "aws_sqs_queue" "this" {
  name                              = "${var.name}-dead-letter"
  message_retention_seconds         = var.dead_letter_retention_seconds
  kms_master_key_id                 = var.create_kms_key ? module.kms[0].key_arn : var.kms_key_arn
  kms_data_key_reuse_period_seconds = 300
  tags                              = var.tags
}

# The scheduler sends dead letters with its own role (iam.tf); the queue's
# policy is for the targets of EventBridge rules, which EventBridge delivers
# as a service: the failure rule's, and the schedule rule's when there is one.
data "aws_iam_policy_document" "queue" {
  statement {
    sid       = "RuleDeadLetters"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.this.arn]

    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }

    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = local.rule ? [local.failure_rule_arn, local.schedule_rule_arn] : [local.failure_rule_arn]
    }
  }
}

resource "aws_sqs_queue_policy" "this" {
  queue_url = aws_sqs_queue.this.id
  policy    = data.aws_iam_policy_document.queue.json
}
