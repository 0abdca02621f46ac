output "bucket_name" {
  description = "Name of the internal export bucket."
  value       = try(module.bucket[0].bucket_name, null)
}

output "bucket_arn" {
  description = "ARN of the internal export bucket."
  value       = try(module.bucket[0].bucket_arn, null)
}

output "prefix" {
  description = "Key prefix exports are written under (and replicated from)."
  value       = try(module.bucket[0].prefix, null)
}

output "kms_key_arn" {
  description = "ARN of the customer-managed KMS key that encrypts exports and the task's logs: created, or kms_key_arn."
  value       = try(module.bucket[0].kms_key_arn, null)
}

output "kms_key_id" {
  description = "Id of the KMS key that encrypts exports and the task's logs."
  value       = try(module.bucket[0].kms_key_id, null)
}

output "kms_key_alias_name" {
  description = "Alias of the exports' KMS key (`alias/<name>/exports`; null with kms_key_arn)."
  value       = try(module.bucket[0].kms_key_alias, null)
}

output "kms_key_alias_arn" {
  description = "ARN of the exports' KMS key alias (what the task is given; null with kms_key_arn, when the task is given the key's ARN)."
  value       = try(module.bucket[0].kms_key_alias_arn, null)
}

output "kms_key_policy_json" {
  description = "With kms_key_arn: the key policy statements your key needs (the task role and CloudWatch Logs encrypt, the replication role and reader_role_arns decrypt, each through S3 or Logs only; EventBridge, CloudWatch and the scheduler role deliver and decrypt the schedule, queue and topic). Merge them into its policy, e.g. source_policy_documents. Null when the module creates the keys."
  value       = try(data.aws_iam_policy_document.kms_key_policy[0].json, null)
}

output "task_definition_arn" {
  description = "ARN (with revision) of the export task definition."
  value       = try(module.task[0].task_definition_arn, null)
}

output "task_definition_family" {
  description = "Family of the export task definition."
  value       = try(module.task[0].task_definition_family, null)
}

output "task_role_arn" {
  description = "ARN of the task role (writes exports): created, or task_role_arn."
  value       = try(module.task[0].task_role_arn, null)
}

output "task_role_name" {
  description = "Name of the task role (attach extra policies to it by name)."
  value       = try(module.task[0].task_role_name, null)
}

output "execution_role_arn" {
  description = "ARN of the execution role (image pull, logs, database secret): created, or execution_role_arn."
  value       = try(module.task[0].execution_role_arn, null)
}

output "execution_role_name" {
  description = "Name of the execution role."
  value       = try(module.task[0].execution_role_name, null)
}

output "task_role_policy_json" {
  description = "The task role's policy: exactly the calls docs/contract.md lists, on this bucket's prefix and key. Attach it to the role you give in task_role_arn (the module attaches it to the role it creates)."
  value       = try(module.task[0].task_role_policy_json, null)
}

output "execution_role_policy_json" {
  description = "The execution role's policy: this image's repository, this log group, this database secret. Attach it to the role you give in execution_role_arn (the module attaches it to the role it creates)."
  value       = try(module.task[0].execution_role_policy_json, null)
}

output "ecs_tasks_trust_policy_json" {
  description = "Trust policy for roles you give in task_role_arn and execution_role_arn: ecs-tasks.amazonaws.com, from this account's ECS only (what the module's own roles trust)."
  value       = try(module.task[0].ecs_tasks_trust_policy_json, null)
}

output "scheduler_role_arn" {
  description = "ARN of the role that starts the task: EventBridge Scheduler's, or the scheduled rule target's (schedule_service)."
  value       = try(module.schedule[0].scheduler_role_arn, null)
}

output "scheduler_role_name" {
  description = "Name of the role that starts the task: EventBridge Scheduler's, or the scheduled rule target's (schedule_service)."
  value       = try(module.schedule[0].scheduler_role_name, null)
}

output "replication_role_arn" {
  description = "ARN of the S3 replication role. The partner's bucket and key policies must trust exactly this role."
  value       = try(module.bucket[0].replication_role_arn, null)
}

output "replication_role_name" {
  description = "Name of the S3 replication role."
  value       = try(module.bucket[0].replication_role_name, null)
}

output "log_group_name" {
  description = "CloudWatch Logs group of the task (JSON events, one per line): created, or log_group_name."
  value       = try(module.task[0].log_group_name, null)
}

output "log_group_arn" {
  description = "ARN of the task's log group (for subscription filters and log readers' policies)."
  value       = try(module.task[0].log_group_arn, null)
}

output "cluster_arn" {
  description = "ARN of the ECS cluster the task runs on (given or created)."
  value       = try(module.schedule[0].cluster_arn, null)
}

output "cluster_name" {
  description = "Name of the ECS cluster the task runs on (given or created)."
  value       = try(module.schedule[0].cluster_name, null)
}

output "schedule_service" {
  description = "What starts the export: `scheduler` (EventBridge Scheduler) or `eventbridge-rule` (a scheduled EventBridge rule), as given or chosen by partition."
  value       = try(module.schedule[0].schedule_service, null)
}

output "schedule_arn" {
  description = "ARN of what runs the export: the EventBridge Scheduler schedule, or the scheduled EventBridge rule (schedule_service)."
  value       = try(module.schedule[0].schedule_arn, null)
}

output "schedule_name" {
  description = "Name of the schedule (default schedule group: `aws scheduler get-schedule --name`) or of the scheduled rule (default event bus: `aws events describe-rule --name`)."
  value       = try(module.schedule[0].schedule_name, null)
}

output "failure_rule_arn" {
  description = "ARN of the EventBridge rule that alerts on a failed run."
  value       = try(module.schedule[0].failure_rule_arn, null)
}

output "failure_rule_name" {
  description = "Name of the EventBridge rule that alerts on a failed run."
  value       = try(module.schedule[0].failure_rule_name, null)
}

output "missed_run_alarm_arn" {
  description = "ARN of the CloudWatch alarm that fires when no export has succeeded for longer than the schedule allows (null for an at() schedule or missed_run_alarm_hours = 0)."
  value       = try(module.schedule[0].missed_run_alarm_arn, null)
}

output "missed_run_alarm_name" {
  description = "Name of the missed-run alarm (null for an at() schedule or missed_run_alarm_hours = 0)."
  value       = try(module.schedule[0].missed_run_alarm_name, null)
}

output "missed_run_alarm_hours" {
  description = "Hours without a successful export after which the missed-run alarm fires (given or derived from the schedule; null without an alarm)."
  value       = try(module.schedule[0].missed_run_alarm_hours, null)
}

output "alarm_topic_arn" {
  description = "ARN of the SNS topic that receives alerts (subscribe your on-call here)."
  value       = try(module.schedule[0].alarm_topic_arn, null)
}

output "alarm_topic_name" {
  description = "Name of the SNS topic that receives alerts."
  value       = try(module.schedule[0].alarm_topic_name, null)
}

output "schedule_kms_key_arn" {
  description = "ARN of the KMS key that encrypts the schedule, its dead-letter queue and the alert topic (subscribers reading the queue need it): created, or kms_key_arn."
  value       = try(module.schedule[0].kms_key_arn, null)
}

output "dead_letter_queue_arn" {
  description = "ARN of the SQS dead-letter queue: runs Scheduler could not start, alerts EventBridge could not deliver."
  value       = try(module.schedule[0].dead_letter_queue_arn, null)
}

output "dead_letter_queue_url" {
  description = "URL of the SQS dead-letter queue (for `aws sqs receive-message`)."
  value       = try(module.schedule[0].dead_letter_queue_url, null)
}

output "partner" {
  description = "What the partner (Advana) puts into modules/replication-destination on their side."
  value = var.create ? {
    source_account_id           = data.aws_caller_identity.current.account_id
    source_replication_role_arn = module.bucket[0].replication_role_arn
    source_bucket_arn           = module.bucket[0].bucket_arn
    prefix                      = module.bucket[0].prefix
  } : null
}
