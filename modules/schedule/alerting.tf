# Two signals reach the topic: a run that ends badly (the export container
# stops with a non-zero exit code, or never starts because permissions-init
# failed), and the absence of success (no `export_succeeded` log event for
# longer than the schedule allows: catches runs that never start at all).

resource "aws_sns_topic" "this" {
  count = var.alarm_topic_arn == null ? 1 : 0

  name              = "${var.name}-alerts"
  kms_master_key_id = var.create_kms_key ? module.kms[0].key_arn : var.kms_key_arn
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

# The missed-run window follows the schedule: the longest gap between two
# runs, plus the flexible window, plus 2 hours of slack. rate() gives the gap
# directly; cron() gives it when its fields say which hours of which weekdays
# run (every month, every year); anything else (day-of-month, L, #, W) needs
# missed_run_alarm_hours. A one-time at() schedule has no gap to watch: the
# failure rule and the dead-letter queue cover its single run.
locals {
  one_time = startswith(var.schedule_expression, "at(")

  rate = try(regex("^rate\\(([0-9]+) (minutes?|hours?|days?)\\)$", var.schedule_expression), null)
  rate_hours = local.rate == null ? null : (
    tonumber(local.rate[0]) * lookup({ minute = 1 / 60, minutes = 1 / 60, hour = 1, hours = 1, day = 24, days = 24 }, local.rate[1])
  )

  # cron(minutes hours day-of-month month day-of-week year)
  cron       = try(regex("^cron\\((\\S+) (\\S+) (\\S+) (\\S+) (\\S+) (\\S+)\\)$", var.schedule_expression), null)
  cron_daily = local.cron == null ? false : contains(["*", "?"], local.cron[2]) && contains(["*", "?"], local.cron[3]) && contains(["*", "?"], local.cron[5])

  # The hours that run, in order: *, N, N,M,..., A-B, */S or A/S.
  cron_hour_field = local.cron == null ? "" : local.cron[1]
  cron_hours_raw = try(
    local.cron_hour_field == "*" ? range(0, 24) : (
      can(regex("^[0-9]+(,[0-9]+)*$", local.cron_hour_field)) ? [for h in split(",", local.cron_hour_field) : tonumber(h)] : (
        can(regex("^[0-9]+-[0-9]+$", local.cron_hour_field)) ? (
          # A range across midnight (22-2) is not read: it would count down.
          tonumber(split("-", local.cron_hour_field)[0]) <= tonumber(split("-", local.cron_hour_field)[1]) ?
          range(tonumber(split("-", local.cron_hour_field)[0]), tonumber(split("-", local.cron_hour_field)[1]) + 1) : null
          ) : (
          can(regex("^([0-9]+|\\*)/[0-9]+$", local.cron_hour_field)) ? range(try(tonumber(split("/", local.cron_hour_field)[0]), 0), 24, tonumber(split("/", local.cron_hour_field)[1])) : null
        )
    )),
    null
  )
  # sort() orders strings: pad to two digits so the order is numeric.
  cron_hours = local.cron_hours_raw == null ? [] : [for h in sort(distinct([for h in local.cron_hours_raw : format("%02d", h) if h >= 0 && h <= 23])) : tonumber(h)]

  # The weekdays that run (1 = SUN ... 7 = SAT): *, ?, D, D,E,..., D-E.
  weekday_numbers = { SUN = 1, MON = 2, TUE = 3, WED = 4, THU = 5, FRI = 6, SAT = 7 }
  cron_dow_field  = local.cron == null ? "" : upper(local.cron[4])
  cron_dow_tokens = [for d in split(",", local.cron_dow_field) : split("-", d)]
  # A range across the week's end (FRI-MON) is not read: it would count down.
  cron_weekdays_raw = contains(["*", "?"], local.cron_dow_field) ? range(1, 8) : try(flatten([
    for t in local.cron_dow_tokens : range(
      try(local.weekday_numbers[t[0]], tonumber(t[0])),
      try(local.weekday_numbers[t[length(t) - 1]], tonumber(t[length(t) - 1])) + 1
    ) if length(t) <= 2 && try(local.weekday_numbers[t[0]], tonumber(t[0])) <= try(local.weekday_numbers[t[length(t) - 1]], tonumber(t[length(t) - 1]))
  ]), [])
  cron_weekdays_readable = alltrue([for t in local.cron_dow_tokens : try(length(t) <= 2 && try(local.weekday_numbers[t[0]], tonumber(t[0])) <= try(local.weekday_numbers[t[length(t) - 1]], tonumber(t[length(t) - 1])), false)])
  cron_weekdays          = [for d in sort(distinct([for d in local.cron_weekdays_raw : tostring(d) if d >= 1 && d <= 7])) : tonumber(d)]

  # Longest gap: between runs within a day, or from a day's last run to the
  # next run day's first (days apart, circularly over the week).
  cron_day_gaps  = [for i, d in local.cron_weekdays : i == 0 ? d + 7 - local.cron_weekdays[length(local.cron_weekdays) - 1] : d - local.cron_weekdays[i - 1]]
  cron_hour_gaps = [for i, h in local.cron_hours : h - local.cron_hours[i - 1] if i > 0]
  cron_hours_ok = (local.cron_daily && length(local.cron_hours) > 0 && length(local.cron_weekdays) > 0 &&
    alltrue([for h in(local.cron_hours_raw == null ? [] : local.cron_hours_raw) : h >= 0 && h <= 23]) &&
    alltrue([for d in local.cron_weekdays_raw : d >= 1 && d <= 7]) &&
  (contains(["*", "?"], local.cron_dow_field) || local.cron_weekdays_readable))
  cron_gap_hours = local.cron_hours_ok ? max(concat(local.cron_hour_gaps, [
    (max(local.cron_day_gaps...) - 1) * 24 + local.cron_hours[0] + 24 - local.cron_hours[length(local.cron_hours) - 1]
  ])...) : null

  schedule_gap_hours = local.rate_hours != null ? local.rate_hours : local.cron_gap_hours
  # The hours a run may start after the previous one, at the latest.
  latest_start_hours = local.schedule_gap_hours == null ? null : local.schedule_gap_hours + var.flexible_time_window_minutes / 60
  # Not capped: a window CloudWatch cannot hold is refused below, never
  # shortened (a shorter one fires before every run).
  derived_alarm_hours    = local.latest_start_hours == null ? null : ceil(local.latest_start_hours) + 2
  missed_run_alarm_hours = var.missed_run_alarm_hours != null ? var.missed_run_alarm_hours : local.derived_alarm_hours
  # 0 turns the alarm off; an at() schedule has none.
  missed_run_alarm = !local.one_time && local.missed_run_alarm_hours != 0
}

# Hourly sums of successes; an hour with none (missing data) breaches, and
# the alarm fires after missed_run_alarm_hours such hours in a row.
resource "aws_cloudwatch_metric_alarm" "missed_run" {
  count = local.missed_run_alarm ? 1 : 0

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

  lifecycle {
    precondition {
      condition     = local.missed_run_alarm_hours != null
      error_message = "missed_run_alarm_hours is required for schedule_expression ${var.schedule_expression}: the hours between its runs cannot be read from it (only cron() with * or ? in day-of-month, month and year, and hours and weekdays as N, lists, ranges or steps). Set it to the longest gap between runs plus a margin, in hours (1-168), or to 0 for no missed-run alarm when runs are more than 166 hours apart."
    }

    # CloudWatch evaluates an alarm over at most 7 days (period x evaluation
    # periods <= 604,800 s): a schedule with longer gaps cannot be watched by
    # counting successes, and a window cut to 168 hours fires before every run.
    precondition {
      condition     = local.missed_run_alarm_hours == null || try(local.missed_run_alarm_hours <= 168, true)
      error_message = "schedule_expression ${var.schedule_expression} runs up to ${coalesce(local.latest_start_hours, "?")} hours apart (flexible window included): a missed-run alarm needs ${coalesce(local.missed_run_alarm_hours, "?")} hours, and CloudWatch alarms look back at most 168. Set missed_run_alarm_hours = 0 to go without one (the failure rule and the dead-letter queue still report every run that fails or cannot start), or schedule runs at most 166 hours apart."
    }

    precondition {
      condition     = var.missed_run_alarm_hours == null || local.latest_start_hours == null || try(var.missed_run_alarm_hours > local.latest_start_hours, true)
      error_message = "missed_run_alarm_hours = ${coalesce(var.missed_run_alarm_hours, 0)} is not longer than the ${coalesce(local.latest_start_hours, "?")} hours schedule_expression ${var.schedule_expression} may leave between runs (flexible window included): the alarm would fire before every run. Set it above that (${coalesce(local.derived_alarm_hours, "?")} leaves 2 hours for the run), null to derive it, or 0 for no alarm."
    }
  }
}

moved {
  from = aws_cloudwatch_metric_alarm.missed_run
  to   = aws_cloudwatch_metric_alarm.missed_run[0]
}
