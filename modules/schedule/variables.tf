variable "name" {
  description = "Name of the schedule's resources (schedule, failure rule, role, queue, topic, alarm, and the cluster when one is created)."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$", var.name))
    error_message = "name must be 1-40 characters of A-Z, a-z, 0-9, '_' and '-', starting with a letter or digit."
  }
}

variable "schedule_expression" {
  description = "When the export runs: an EventBridge Scheduler `rate(...)`, `cron(...)` or one-time `at(yyyy-mm-ddThh:mm:ss)` expression, in `schedule_timezone`."
  type        = string
  default     = "rate(12 hours)"
  nullable    = false

  validation {
    condition     = can(regex("^(rate\\((1 (minute|hour|day)|([2-9]|[1-9][0-9]+) (minutes|hours|days))\\)|cron\\(\\S+ \\S+ \\S+ \\S+ \\S+ \\S+\\)|at\\([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\))$", var.schedule_expression))
    error_message = "schedule_expression must be rate(N unit) with unit minute/hour/day for N = 1 and minutes/hours/days otherwise (e.g. rate(12 hours)), cron(m h dom mon dow year), or at(yyyy-mm-ddThh:mm:ss)."
  }
}

variable "service" {
  description = "What starts the task: `scheduler` (EventBridge Scheduler: time zones, flexible windows, one-time at()) or `eventbridge-rule` (a scheduled EventBridge rule on the default bus, where Scheduler is not offered: UTC, rate() and cron() only; docs/govcloud.md)."
  type        = string
  default     = "scheduler"
  nullable    = false

  validation {
    condition     = contains(["scheduler", "eventbridge-rule"], var.service)
    error_message = "service must be \"scheduler\" or \"eventbridge-rule\"."
  }
}

variable "schedule_timezone" {
  description = "IANA time zone the schedule expression is read in (e.g. `America/New_York`); cron() and at() follow its daylight saving time."
  type        = string
  default     = "UTC"
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+){0,2}$", var.schedule_timezone))
    error_message = "schedule_timezone must be an IANA time zone name such as UTC or America/New_York."
  }
}

variable "flexible_time_window_minutes" {
  description = "Minutes after the scheduled time within which Scheduler may start the run (spreads load); 0 starts it on time. The missed-run window grows by as much."
  type        = number
  default     = 0
  nullable    = false

  validation {
    condition     = var.flexible_time_window_minutes >= 0 && var.flexible_time_window_minutes <= 1440 && floor(var.flexible_time_window_minutes) == var.flexible_time_window_minutes
    error_message = "flexible_time_window_minutes must be a whole number from 0 (off) to 1440."
  }
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

  validation {
    condition     = var.cluster_arn == null || can(regex("^arn:aws[a-z-]*:ecs:[a-z0-9-]+:[0-9]{12}:cluster/[A-Za-z0-9_-]{1,255}$", coalesce(var.cluster_arn, "-")))
    error_message = "cluster_arn must be an ECS cluster ARN (arn:aws:ecs:REGION:ACCOUNT:cluster/NAME)."
  }
}

variable "task_definition_arn" {
  description = "ARN (with revision) of the export task definition (the export-task module's `task_definition_arn`)."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:ecs:[a-z0-9-]+:[0-9]{12}:task-definition/[A-Za-z0-9_-]{1,255}:[0-9]+$", var.task_definition_arn))
    error_message = "task_definition_arn must be an ECS task definition ARN with its revision (arn:aws:ecs:REGION:ACCOUNT:task-definition/FAMILY:N)."
  }
}

variable "task_role_arn" {
  description = "ARN of the task's task role; the scheduler role may pass exactly this role and the execution role."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+$", var.task_role_arn))
    error_message = "task_role_arn must be an IAM role ARN (arn:aws:iam::123456789012:role/NAME)."
  }
}

variable "execution_role_arn" {
  description = "ARN of the task's execution role; the scheduler role may pass exactly this role and the task role."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+$", var.execution_role_arn))
    error_message = "execution_role_arn must be an IAM role ARN (arn:aws:iam::123456789012:role/NAME)."
  }
}

variable "subnet_ids" {
  description = "Private subnets the task runs in (they need a route to S3, ECR, CloudWatch Logs, Secrets Manager and the database: NAT or VPC endpoints). The task never gets a public IP."
  type        = list(string)
  nullable    = false

  validation {
    condition     = length(var.subnet_ids) > 0 && alltrue([for s in var.subnet_ids : can(regex("^subnet-[0-9a-f]{8,17}$", s))])
    error_message = "subnet_ids must be a non-empty list of subnet ids (subnet-0123456789abcdef0)."
  }
}

variable "security_group_ids" {
  description = "Security groups of the task (egress to the database and AWS endpoints; no ingress needed)."
  type        = list(string)
  nullable    = false

  validation {
    condition     = length(var.security_group_ids) > 0 && length(var.security_group_ids) <= 5 && alltrue([for s in var.security_group_ids : can(regex("^sg-[0-9a-f]{8,17}$", s))])
    error_message = "security_group_ids must be 1-5 security group ids (sg-0123456789abcdef0)."
  }
}

variable "platform_version" {
  description = "Fargate platform version (LATEST or e.g. 1.4.0)."
  type        = string
  default     = "LATEST"
  nullable    = false

  validation {
    condition     = can(regex("^(LATEST|[0-9]+\\.[0-9]+\\.[0-9]+)$", var.platform_version))
    error_message = "platform_version must be LATEST or a version such as 1.4.0."
  }
}

variable "retry_policy" {
  description = "How long and how often Scheduler retries a RunTask that fails (e.g. capacity); after that the run goes to the dead-letter queue."
  type = object({
    maximum_event_age_in_seconds = optional(number, 3600)
    maximum_retry_attempts       = optional(number, 3)
  })
  default  = {}
  nullable = false

  validation {
    condition     = var.retry_policy.maximum_event_age_in_seconds >= 60 && var.retry_policy.maximum_event_age_in_seconds <= 86400 && var.retry_policy.maximum_retry_attempts >= 0 && var.retry_policy.maximum_retry_attempts <= 185
    error_message = "retry_policy.maximum_event_age_in_seconds must be 60-86400 and retry_policy.maximum_retry_attempts 0-185."
  }
}

variable "log_group_name" {
  description = "Log group the export container logs to (the export-task module's `log_group_name`); the missed-run alarm counts its `export_succeeded` events."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9_./#-]{1,512}$", var.log_group_name))
    error_message = "log_group_name must be 1-512 characters of A-Z, a-z, 0-9, '_', '-', '/', '.', '#'."
  }
}

variable "alarm_topic_arn" {
  description = "SNS topic for failure and missed-run alerts. Null creates a KMS-encrypted topic; a given topic must let events.amazonaws.com and cloudwatch.amazonaws.com publish (and use its key)."
  type        = string
  default     = null

  validation {
    condition     = var.alarm_topic_arn == null || can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$", coalesce(var.alarm_topic_arn, "-")))
    error_message = "alarm_topic_arn must be an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME)."
  }
}

variable "missed_run_alarm_hours" {
  description = "Hours without a successful export after which the missed-run alarm fires (1-168), or 0 for no missed-run alarm. Null derives it from the schedule: the longest gap between runs plus the flexible window plus 2 hours (14 for rate(12 hours), 26 for a daily cron(), 74 for cron(0 2 ? * MON-FRI *)); a cron() whose gaps cannot be read (day-of-month, L, W, #) requires it. CloudWatch alarms look back at most 168 hours, so runs more than 166 hours apart (weekly, monthly) fail the plan until this is 0: the failure rule and the dead-letter queue still report every run that fails or cannot start. A value not above the gap between runs is refused (it would fire before every run). An at() schedule gets no missed-run alarm."
  type        = number
  default     = null

  validation {
    condition     = var.missed_run_alarm_hours == null || try(var.missed_run_alarm_hours >= 0 && var.missed_run_alarm_hours <= 168 && floor(var.missed_run_alarm_hours) == var.missed_run_alarm_hours, false)
    error_message = "missed_run_alarm_hours must be a whole number from 1 to 168 (CloudWatch evaluates hourly alarms over at most 7 days), or 0 for no missed-run alarm."
  }
}

variable "dead_letter_retention_seconds" {
  description = "How long the dead-letter queue keeps runs Scheduler could not start and alerts EventBridge could not deliver (60 s to 14 days)."
  type        = number
  default     = 1209600
  nullable    = false

  validation {
    condition     = var.dead_letter_retention_seconds >= 60 && var.dead_letter_retention_seconds <= 1209600
    error_message = "dead_letter_retention_seconds must be between 60 and 1209600 (14 days)."
  }
}

variable "role_name" {
  description = "Name of the IAM role that starts the task. Null names it `<name>-scheduler` (Scheduler) or `<name>-events` (EventBridge rule)."
  type        = string
  default     = null

  validation {
    condition     = var.role_name == null || can(regex("^[A-Za-z0-9+=,.@_-]{1,64}$", coalesce(var.role_name, "-")))
    error_message = "role_name must be 1-64 characters of A-Z, a-z, 0-9 and +=,.@_-."
  }
}

variable "role_path" {
  description = "IAM path of the scheduler's role (e.g. `/service-roles/`)."
  type        = string
  default     = "/"
  nullable    = false

  validation {
    condition     = can(regex("^/([!-.0-~]+/)*$", var.role_path)) && length(var.role_path) <= 512
    error_message = "role_path must start and end with '/' (e.g. / or /service-roles/), at most 512 characters."
  }
}

variable "permissions_boundary_arn" {
  description = "Permissions boundary (managed policy ARN) attached to every IAM role this module creates."
  type        = string
  default     = null

  validation {
    condition     = var.permissions_boundary_arn == null || can(regex("^arn:aws[a-z-]*:iam::([0-9]{12}|aws):policy/[A-Za-z0-9+=,.@_/-]+$", coalesce(var.permissions_boundary_arn, "-")))
    error_message = "permissions_boundary_arn must be an IAM managed policy ARN (arn:aws:iam::123456789012:policy/NAME)."
  }
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

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", coalesce(var.kms_key_arn, "-")))
    error_message = "kms_key_arn must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID), not an alias or key id."
  }

  validation {
    condition     = var.create_kms_key == (var.kms_key_arn == null)
    error_message = "Give kms_key_arn together with create_kms_key = false (the module then creates no key), or neither."
  }
}

variable "kms_key_administrator_arns" {
  description = "IAM roles or users that may change the key policy and create grants on the module's KMS keys (kms:PutKeyPolicy, kms:CreateGrant); the account's root user always may. Empty: the identity that applies the module."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for arn in var.kms_key_administrator_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(role|user)/[A-Za-z0-9+=,.@_/-]+$", arn))])
    error_message = "kms_key_administrator_arns must be IAM role or user ARNs (arn:aws:iam::123456789012:role/NAME)."
  }
}
