# Two signals reach the topic: a run that ends badly (the export container
# stops with a non-zero exit code, or never starts because permissions-init
# failed), and the absence of success (no `export_succeeded` log event for
# longer than the schedule allows: catches runs that never start at all).

resource "aws_sns_topic" "this" {
  count = var.alarm_topic_arn == null ? 1 : 0

  name              = "${var.name}-alerts"
  kms_master_key_id = module.kms.key_arn
  tags              = var.tags
}

data "aws_iam_policy_document" "topic" {
  count = var.alarm_topic_arn == null ? 1 : 0

  statement {
    sid       = "FailedRunEvents"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.this[0].arn]

    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }

    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [local.failure_rule_arn]
    }
  }

  statement {
    sid       = "MissedRunAlarm"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.this[0].arn]

    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }

    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [local.alarm_arn]
    }
  }
}

resource "aws_sns_topic_policy" "this" {
  count = var.alarm_topic_arn == null ? 1 : 0

  arn    = aws_sns_topic.this[0].arn
  policy = data.aws_iam_policy_document.topic[0].json
}

resource "aws_cloudwatch_event_rule" "failed" {
  name        = "${var.name}-failed"
  description = "A ${var.name} export task stopped without its export container exiting 0"
  tags        = var.tags

  event_pattern = jsonencode({
    source        = ["aws.ecs"]
    "detail-type" = ["ECS Task State Change"]
    detail = {
      clusterArn        = [local.cluster_arn]
      taskDefinitionArn = [{ prefix = trimsuffix(local.task_definition_family_arn, "*") }]
      lastStatus        = ["STOPPED"]
      containers = {
        name     = ["export"]
        exitCode = [{ "anything-but" = 0 }]
      }
    }
  })
}

resource "aws_cloudwatch_event_target" "failed" {
  rule      = aws_cloudwatch_event_rule.failed.name
  target_id = "alert-topic"
  arn       = local.topic_arn

  dead_letter_config {
    arn = aws_sqs_queue.this.arn
  }
}

resource "aws_cloudwatch_log_metric_filter" "succeeded" {
  name           = "${var.name}-export-succeeded"
  log_group_name = var.log_group_name
  pattern        = "{ $.event = \"export_succeeded\" }"

  metric_transformation {
    name      = "ExportSucceeded"
    namespace = "AdvanaExport/${var.name}"
    value     = "1"
  }
}

locals {
  rate = try(regex("^rate\\(([0-9]+) (minutes?|hours?|days?)\\)$", var.schedule_expression), null)
  rate_hours = local.rate == null ? null : (
    tonumber(local.rate[0]) * lookup({ minute = 1 / 60, minutes = 1 / 60, hour = 1, hours = 1, day = 24, days = 24 }, local.rate[1])
  )
  missed_run_alarm_hours = coalesce(var.missed_run_alarm_hours, local.rate_hours == null ? 26 : min(168, ceil(local.rate_hours) + 2))
}

# Hourly sums of successes; an hour with none (missing data) breaches, and
# the alarm fires after missed_run_alarm_hours such hours in a row.
resource "aws_cloudwatch_metric_alarm" "missed_run" {
  alarm_name          = local.alarm_name
  alarm_description   = "No ${var.name} export has succeeded for ${local.missed_run_alarm_hours} hours (schedule ${var.schedule_expression})."
  namespace           = aws_cloudwatch_log_metric_filter.succeeded.metric_transformation[0].namespace
  metric_name         = aws_cloudwatch_log_metric_filter.succeeded.metric_transformation[0].name
  statistic           = "Sum"
  period              = 3600
  evaluation_periods  = local.missed_run_alarm_hours
  datapoints_to_alarm = local.missed_run_alarm_hours
  threshold           = 1
  comparison_operator = "LessThanThreshold"
  treat_missing_data  = "breaching"
  alarm_actions       = [local.topic_arn]
  ok_actions          = [local.topic_arn]
  tags                = var.tags
}
