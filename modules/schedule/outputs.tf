output "schedule_service" {
  description = "What starts the task: `scheduler` (EventBridge Scheduler) or `eventbridge-rule` (a scheduled EventBridge rule)."
  value       = var.service
}

output "schedule_arn" {
  description = "ARN of what runs the export: the EventBridge Scheduler schedule, or the scheduled EventBridge rule (schedule_service)."
  value       = one(concat(aws_scheduler_schedule.this[*].arn, aws_cloudwatch_event_rule.schedule[*].arn))
}

output "schedule_name" {
  description = "Name of the schedule (in the `default` schedule group) or of the scheduled rule (on the `default` event bus)."
  value       = one(concat(aws_scheduler_schedule.this[*].name, aws_cloudwatch_event_rule.schedule[*].name))
}

output "schedule_expression" {
  description = "The schedule's expression, as given."
  value       = one(concat(aws_scheduler_schedule.this[*].schedule_expression, aws_cloudwatch_event_rule.schedule[*].schedule_expression))
}

output "scheduler_role_arn" {
  description = "ARN of the role that starts the task (EventBridge Scheduler's, or the scheduled rule target's)."
  value       = aws_iam_role.scheduler.arn
}

output "scheduler_role_name" {
  description = "Name of the role that starts the task (EventBridge Scheduler's, or the scheduled rule target's)."
  value       = aws_iam_role.scheduler.name
}

output "cluster_arn" {
  description = "ARN of the ECS cluster the task runs on (given or created)."
  value       = local.cluster_arn
}

output "cluster_name" {
  description = "Name of the ECS cluster the task runs on (given or created)."
  value       = local.cluster_name
}

output "dead_letter_queue_arn" {
  description = "ARN of the SQS dead-letter queue: runs Scheduler (or the rule) could not start, alerts EventBridge could not deliver."
  value       = aws_sqs_queue.this.arn
}

output "dead_letter_queue_url" {
  description = "URL of the SQS dead-letter queue (for `aws sqs receive-message`)."
  value       = aws_sqs_queue.this.url
}

output "alarm_topic_arn" {
  description = "ARN of the SNS topic that receives failure and missed-run alerts (given or created)."
  value       = local.topic_arn
}

output "alarm_topic_name" {
  description = "Name of the SNS topic that receives failure and missed-run alerts (given or created)."
  value       = element(split(":", local.topic_arn), 5)
}

output "failure_rule_arn" {
  description = "ARN of the EventBridge rule that alerts when an export task stops with a non-zero exit code."
  value       = aws_cloudwatch_event_rule.failed.arn
}

output "failure_rule_name" {
  description = "Name of the EventBridge rule that alerts when an export task stops with a non-zero exit code."
  value       = aws_cloudwatch_event_rule.failed.name
}

output "missed_run_alarm_arn" {
  description = "ARN of the CloudWatch alarm that fires when no export has succeeded for longer than the schedule allows (null for a one-time at() schedule)."
  value       = try(aws_cloudwatch_metric_alarm.missed_run[0].arn, null)
}

output "missed_run_alarm_name" {
  description = "Name of the missed-run alarm (null for a one-time at() schedule)."
  value       = try(aws_cloudwatch_metric_alarm.missed_run[0].alarm_name, null)
}

output "missed_run_alarm_hours" {
  description = "Hours without a successful export after which the missed-run alarm fires (given or derived from the schedule; null without an alarm: at(), or missed_run_alarm_hours = 0)."
  value       = local.missed_run_alarm ? local.missed_run_alarm_hours : null
}

output "kms_key_arn" {
  description = "ARN of the KMS key that encrypts the schedule, the dead-letter queue and the alert topic (created, or kms_key_arn)."
  value       = var.create_kms_key ? module.kms[0].key_arn : var.kms_key_arn
}

output "kms_key_id" {
  description = "Id of the KMS key that encrypts the schedule, the dead-letter queue and the alert topic."
  value       = var.create_kms_key ? module.kms[0].key_id : regex("[^/]+$", var.kms_key_arn)
}

output "kms_key_alias_name" {
  description = "Alias of the schedule's KMS key (`alias/<name>-alerts`; null for a given key)."
  value       = try(module.kms[0].alias_name, null)
}

output "kms_key_policy_json" {
  description = "The statements of the created key's policy that say who may use it (EventBridge and CloudWatch deliver, the scheduler role decrypts this schedule, the account through Scheduler, SQS and SNS). With kms_key_arn, add them to that key's policy."
  value       = data.aws_iam_policy_document.kms.json
}
