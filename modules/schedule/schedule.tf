resource "aws_cloudwatch_event_rule" "this" {
  name                = var.name
  description         = "Runs the ${var.name} PostgreSQL export"
  schedule_expression = var.schedule_expression
  state               = var.enabled ? "ENABLED" : "DISABLED"
  tags                = var.tags
}

resource "aws_cloudwatch_event_target" "this" {
  rule      = aws_cloudwatch_event_rule.this.name
  target_id = "run-export-task"
  arn       = local.cluster_arn
  role_arn  = aws_iam_role.events.arn

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

  dead_letter_config {
    arn = aws_sqs_queue.this.arn
  }
}

# Events EventBridge could not deliver (RunTask refused, topic unreachable).
resource "aws_sqs_queue" "this" {
  name                              = "${var.name}-dead-letter"
  message_retention_seconds         = var.dead_letter_retention_seconds
  kms_master_key_id                 = module.kms.key_arn
  kms_data_key_reuse_period_seconds = 300
  tags                              = var.tags
}

data "aws_iam_policy_document" "queue" {
  statement {
    sid       = "EventBridgeDeadLetters"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.this.arn]

    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }

    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [local.schedule_rule_arn, local.failure_rule_arn]
    }
  }
}

resource "aws_sqs_queue_policy" "this" {
  queue_url = aws_sqs_queue.this.id
  policy    = data.aws_iam_policy_document.queue.json
}
