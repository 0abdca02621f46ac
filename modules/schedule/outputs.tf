output "rule_arn" {
  description = "ARN of the EventBridge rule that runs the export on schedule."
  value       = aws_cloudwatch_event_rule.this.arn
}

output "rule_name" {
  description = "Name of the schedule rule."
  value       = aws_cloudwatch_event_rule.this.name
}

output "events_role_arn" {
  description = "ARN of the role EventBridge runs the task with."
  value       = aws_iam_role.events.arn
}

output "cluster_arn" {
  description = "ARN of the ECS cluster the task runs on (given or created)."
  value       = local.cluster_arn
}

output "dead_letter_queue_arn" {
  description = "ARN of the SQS dead-letter queue for events EventBridge could not deliver."
  value       = aws_sqs_queue.this.arn
}

output "alarm_topic_arn" {
  description = "ARN of the SNS topic that receives failure and missed-run alerts (given or created)."
  value       = local.topic_arn
}

output "failure_rule_arn" {
  description = "ARN of the EventBridge rule that alerts when an export task stops with a non-zero exit code."
  value       = aws_cloudwatch_event_rule.failed.arn
}

output "missed_run_alarm_arn" {
  description = "ARN of the CloudWatch alarm that fires when no export has succeeded for longer than the schedule allows."
  value       = aws_cloudwatch_metric_alarm.missed_run.arn
}

output "kms_key_arn" {
  description = "ARN of the KMS key that encrypts the dead-letter queue and the alert topic."
  value       = module.kms.key_arn
}
