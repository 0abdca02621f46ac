output "bucket_name" {
  description = "Name of the internal export bucket."
  value       = module.bucket.bucket_name
}

output "bucket_arn" {
  description = "ARN of the internal export bucket."
  value       = module.bucket.bucket_arn
}

output "prefix" {
  description = "Key prefix exports are written under (and replicated from)."
  value       = module.bucket.prefix
}

output "kms_key_arn" {
  description = "ARN of the customer-managed KMS key that encrypts exports and the task's logs: created, or kms_key_arn."
  value       = module.bucket.kms_key_arn
}

output "kms_key_id" {
  description = "Id of the KMS key that encrypts exports and the task's logs."
  value       = module.bucket.kms_key_id
}

output "kms_key_alias_name" {
  description = "Alias of the exports' KMS key (`alias/<name>/exports`; null with kms_key_arn)."
  value       = module.bucket.kms_key_alias
}

output "kms_key_alias_arn" {
  description = "ARN of the exports' KMS key alias (what the task is given; null with kms_key_arn, when the task is given the key's ARN)."
  value       = module.bucket.kms_key_alias_arn
}

output "kms_key_policy_json" {
  description = "With kms_key_arn: the key policy statements your key needs (the task role and CloudWatch Logs encrypt, the replication role and reader_role_arns decrypt, each through S3 or Logs only; EventBridge, CloudWatch and the scheduler role deliver and decrypt the schedule, queue and topic). Merge them into its policy, e.g. source_policy_documents. Null when the module creates the keys."
  value       = try(data.aws_iam_policy_document.kms_key_policy[0].json, null)
}

output "task_definition_arn" {
  description = "ARN (with revision) of the export task definition."
  value       = module.task.task_definition_arn
}

output "task_definition_family" {
  description = "Family of the export task definition."
  value       = module.task.task_definition_family
}

output "task_role_arn" {
  description = "ARN of the task role (writes exports): created, or task_role_arn."
  value       = module.task.task_role_arn
}

output "task_role_name" {
  description = "Name of the task role (attach extra policies to it by name)."
  value       = module.task.task_role_name
}

output "execution_role_arn" {
  description = "ARN of the execution role (image pull, logs, database secret): created, or execution_role_arn."
  value       = module.task.execution_role_arn
}

output "execution_role_name" {
  description = "Name of the execution role."
  value       = module.task.execution_role_name
}

output "task_role_policy_json" {
  description = "The task role's policy: exactly the calls docs/contract.md lists, on this bucket's prefix and key. Attach it to the role you give in task_role_arn (the module attaches it to the role it creates)."
  value       = module.task.task_role_policy_json
}

output "execution_role_policy_json" {
  description = "The execution role's policy: this image's repository, this log group, this database secret. Attach it to the role you give in execution_role_arn (the module attaches it to the role it creates)."
  value       = module.task.execution_role_policy_json
}

output "ecs_tasks_trust_policy_json" {
  description = "Trust policy for roles you give in task_role_arn and execution_role_arn: ecs-tasks.amazonaws.com, from this account's ECS only (what the module's own roles trust)."
  value       = module.task.ecs_tasks_trust_policy_json
}

output "scheduler_role_arn" {
  description = "ARN of the role EventBridge Scheduler runs the task with."
  value       = module.schedule.scheduler_role_arn
}

output "scheduler_role_name" {
  description = "Name of the role EventBridge Scheduler runs the task with."
  value       = module.schedule.scheduler_role_name
}

output "replication_role_arn" {
  description = "ARN of the S3 replication role. The partner's bucket and key policies must trust exactly this role."
  value       = module.bucket.replication_role_arn
}

output "replication_role_name" {
  description = "Name of the S3 replication role."
  value       = module.bucket.replication_role_name
}

output "log_group_name" {
  description = "CloudWatch Logs group of the task (JSON events, one per line): created, or log_group_name."
  value       = module.task.log_group_name
}

output "log_group_arn" {
  description = "ARN of the task's log group (for subscription filters and log readers' policies)."
  value       = module.task.log_group_arn
}

output "cluster_arn" {
  description = "ARN of the ECS cluster the task runs on (given or created)."
  value       = module.schedule.cluster_arn
}

output "cluster_name" {
  description = "Name of the ECS cluster the task runs on (given or created)."
  value       = module.schedule.cluster_name
}

output "schedule_arn" {
  description = "ARN of the EventBridge Scheduler schedule that runs the export."
  value       = module.schedule.schedule_arn
}

output "schedule_name" {
  description = "Name of the schedule (default schedule group): `aws scheduler get-schedule --name`."
  value       = module.schedule.schedule_name
}

output "failure_rule_arn" {
  description = "ARN of the EventBridge rule that alerts on a failed run."
  value       = module.schedule.failure_rule_arn
}

output "failure_rule_name" {
  description = "Name of the EventBridge rule that alerts on a failed run."
  value       = module.schedule.failure_rule_name
}

output "missed_run_alarm_arn" {
  description = "ARN of the CloudWatch alarm that fires when no export has succeeded for longer than the schedule allows (null for an at() schedule or missed_run_alarm_hours = 0)."
  value       = module.schedule.missed_run_alarm_arn
}

output "missed_run_alarm_name" {
  description = "Name of the missed-run alarm (null for an at() schedule or missed_run_alarm_hours = 0)."
  value       = module.schedule.missed_run_alarm_name
}

output "missed_run_alarm_hours" {
  description = "Hours without a successful export after which the missed-run alarm fires (given or derived from the schedule; null without an alarm)."
  value       = module.schedule.missed_run_alarm_hours
}

output "alarm_topic_arn" {
  description = "ARN of the SNS topic that receives alerts (subscribe your on-call here)."
  value       = module.schedule.alarm_topic_arn
}

output "alarm_topic_name" {
  description = "Name of the SNS topic that receives alerts."
  value       = module.schedule.alarm_topic_name
}

output "schedule_kms_key_arn" {
  description = "ARN of the KMS key that encrypts the schedule, its dead-letter queue and the alert topic (subscribers reading the queue need it): created, or kms_key_arn."
  value       = module.schedule.kms_key_arn
}

output "dead_letter_queue_arn" {
  description = "ARN of the SQS dead-letter queue: runs Scheduler could not start, alerts EventBridge could not deliver."
  value       = module.schedule.dead_letter_queue_arn
}

output "dead_letter_queue_url" {
  description = "URL of the SQS dead-letter queue (for `aws sqs receive-message`)."
  value       = module.schedule.dead_letter_queue_url
}

output "partner" {
  description = "What the partner (Advana) puts into modules/replication-destination on their side."
  value = {
    source_account_id           = data.aws_caller_identity.current.account_id
    source_replication_role_arn = module.bucket.replication_role_arn
    source_bucket_arn           = module.bucket.bucket_arn
    prefix                      = module.bucket.prefix
  }
}
