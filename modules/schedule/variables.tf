# Inputs of a building block of the root module, which is what callers use:
# the root validates every value a caller gives, once, where the caller wrote
# it (its variables.tf), and computes the rest. So these inputs declare types
# only; a check here would report a caller's mistake a second time, inside
# .terraform/modules (test/patterns_test.go keeps every condition in one place).

variable "name" {
  description = "Name of the schedule's resources (schedule, failure rule, role, queue, topic, alarm, and the cluster when one is created)."
  type        = string
  nullable    = false
}

variable "schedule_expression" {
  description = "When the export runs: an EventBridge Scheduler `rate(...)`, `cron(...)` or one-time `at(yyyy-mm-ddThh:mm:ss)` expression, in `schedule_timezone`."
  type        = string
  default     = "rate(12 hours)"
  nullable    = false
}

variable "service" {
  description = "What starts the task: `scheduler` (EventBridge Scheduler: time zones, flexible windows, one-time at()) or `eventbridge-rule` (a scheduled EventBridge rule on the default bus, where Scheduler is not offered: UTC, rate() and cron() only; docs/govcloud.md)."
  type        = string
  default     = "scheduler"
  nullable    = false
}

variable "schedule_timezone" {
  description = "IANA time zone the schedule expression is read in (e.g. `America/New_York`); cron() and at() follow its daylight saving time."
  type        = string
  default     = "UTC"
  nullable    = false
}

variable "flexible_time_window_minutes" {
  description = "Minutes after the scheduled time within which Scheduler may start the run (spreads load); 0 starts it on time. The missed-run window grows by as much."
  type        = number
  default     = 0
  nullable    = false
}

variable "enabled" {
  description = "Whether the schedule runs the task (its state ENABLED or DISABLED). Alerting stays on either way."
  type        = bool
  default     = true
  nullable    = false
}

variable "cluster_arn" {
  description = "ARN of the ECS cluster to run the task on. Null creates a cluster named after `name` (Container Insights on)."
  type        = string
  default     = null
}

variable "task_definition_arn" {
  description = "ARN (with revision) of the export task definition (the export-task module's `task_definition_arn`)."
  type        = string
  nullable    = false
}

variable "task_role_arn" {
  description = "ARN of the task's task role; the scheduler role may pass exactly this role and the execution role."
  type        = string
  nullable    = false
}

variable "execution_role_arn" {
  description = "ARN of the task's execution role; the scheduler role may pass exactly this role and the task role."
  type        = string
  nullable    = false
}

variable "subnet_ids" {
  description = "Private subnets the task runs in (they need a route to S3, ECR, CloudWatch Logs, Secrets Manager and the database: NAT or VPC endpoints). The task never gets a public IP."
  type        = list(string)
  nullable    = false
}

variable "security_group_ids" {
  description = "Security groups of the task (egress to the database and AWS endpoints; no ingress needed)."
  type        = list(string)
  nullable    = false
}

variable "platform_version" {
  description = "Fargate platform version (LATEST or e.g. 1.4.0)."
  type        = string
  default     = "LATEST"
  nullable    = false
}

variable "retry_policy" {
  description = "How long and how often Scheduler retries a RunTask that fails (e.g. capacity); after that the run goes to the dead-letter queue."
  type = object({
    maximum_event_age_in_seconds = optional(number, 3600)
    maximum_retry_attempts       = optional(number, 3)
  })
  default  = {}
  nullable = false
}

variable "log_group_name" {
  description = "Log group the export container logs to (the export-task module's `log_group_name`); the missed-run alarm counts its `export_succeeded` events."
  type        = string
  nullable    = false
}

variable "alarm_topic_arn" {
  description = "SNS topic for failure and missed-run alerts. Null creates a KMS-encrypted topic; a given topic must let events.amazonaws.com and cloudwatch.amazonaws.com publish (and use its key)."
  type        = string
  default     = null
}

variable "missed_run_alarm_hours" {
  description = "Hours without a successful export after which the missed-run alarm fires (1-168), or 0 for no missed-run alarm. Null derives it from the schedule: the longest gap between runs plus the flexible window plus 2 hours (14 for rate(12 hours), 26 for a daily cron(), 74 for cron(0 2 ? * MON-FRI *)); a cron() whose gaps cannot be read (day-of-month, L, W, #) requires it. CloudWatch alarms look back at most 168 hours, so runs more than 166 hours apart (weekly, monthly) fail the plan until this is 0: the failure rule and the dead-letter queue still report every run that fails or cannot start. A value not above the gap between runs is refused (it would fire before every run). An at() schedule gets no missed-run alarm."
  type        = number
  default     = null
}

variable "dead_letter_retention_seconds" {
  description = "How long the dead-letter queue keeps runs Scheduler could not start and alerts EventBridge could not deliver (60 s to 14 days)."
  type        = number
  default     = 1209600
  nullable    = false
}

variable "role_name" {
  description = "Name of the IAM role that starts the task. Null names it `<name>-scheduler` (Scheduler) or `<name>-events` (EventBridge rule)."
  type        = string
  default     = null
}

variable "role_path" {
  description = "IAM path of the scheduler's role (e.g. `/service-roles/`)."
  type        = string
  default     = "/"
  nullable    = false
}

variable "permissions_boundary_arn" {
  description = "Permissions boundary (managed policy ARN) attached to every IAM role this module creates."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
  nullable    = false
}

variable "role_tags" {
  description = "Tags for the IAM role this module creates, merged over `tags`."
  type        = map(string)
  default     = {}
  nullable    = false
}

variable "create_kms_key" {
  description = "Create the schedule's key. False uses kms_key_arn (a flag of its own, so the ARN may come from a resource of the same apply)."
  type        = bool
  default     = true
  nullable    = false
}

variable "kms_key_arn" {
  description = "ARN of an existing customer-managed KMS key (this account and region) for the schedule, the dead-letter queue and the alert topic, with create_kms_key = false, instead of the key this module creates. Its policy is yours: output kms_key_policy_json lists what it must allow."
  type        = string
  default     = null
}

variable "kms_key_administrator_arns" {
  description = "IAM roles or users that may change the key policy and create grants on the module's KMS keys (kms:PutKeyPolicy, kms:CreateGrant); the account's root user always may. Empty: the identity that applies the module."
  type        = list(string)
  default     = []
  nullable    = false
}
