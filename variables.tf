# Inputs of the root module. Each value is validated once, by the submodule
# that owns it (modules/*/variables.tf): a bad value fails the plan with that
# variable's own message before anything is created. Only `name` belongs to
# the root alone and is validated here.

variable "name" {
  description = "Name of the export: the task definition family, the schedule, the ECS cluster (when created) and the prefix of every IAM role."
  type        = string
  default     = "advana-export"
  nullable    = false

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{0,29}$", var.name))
    error_message = "name must be 1-30 characters of a-z, 0-9 and '-', starting with a letter or digit (it is part of bucket and role names)."
  }
}

variable "image" {
  description = "Container image of the export task (the repository's Dockerfile), ideally pinned by digest (`...@sha256:...`). An ECR image gets pull permissions on exactly its repository."
  type        = string
  nullable    = false
}

variable "bucket_name" {
  description = "Name of the internal export bucket (globally unique, 3-63 lower-case characters). Defaults to `<name>-<account id>-<region>`."
  type        = string
  default     = null
}

variable "prefix" {
  description = "Key prefix the task writes under (no leading or trailing slash). Lifecycle and replication apply to this prefix."
  type        = string
  default     = "exports"
  nullable    = false
}

variable "db_secret_arn" {
  description = "ARN of the Secrets Manager secret with the RDS-style JSON credentials (username, password, host, port, dbname). ECS injects it as ADVANA_EXPORT_DB_SECRET; only the execution role can read it. May be null only with rds_iam_auth."
  type        = string
  default     = null
}

variable "db_secret_kms_key_arn" {
  description = "ARN of the customer-managed KMS key that encrypts the database secret, if not the AWS managed key. The execution role may decrypt with it through Secrets Manager only."
  type        = string
  default     = null
}

variable "database" {
  description = "libpq settings passed as PGHOST, PGPORT, PGDATABASE, PGUSER, PGSSLMODE. Each may be null when the database secret carries it. Never put a password here: use db_secret_arn. `sslmode` defaults to verify-full: encrypted, and the server's certificate checked against the RDS CA bundle the image carries (PGSSLROOTCERT); use require only with an image without it."
  type = object({
    host    = optional(string)
    port    = optional(number)
    name    = optional(string)
    user    = optional(string)
    sslmode = optional(string, "verify-full")
  })
  default  = {}
  nullable = false
}

variable "rds_iam_auth" {
  description = "Authenticate to RDS with an IAM token instead of a password: the instance's or cluster's resource id (`db-...`/`cluster-...`, not its name) and the database user. The task role gets rds-db:connect for exactly that user."
  type = object({
    db_resource_id = string
    db_user        = string
  })
  default = null
}

variable "dump" {
  description = "How pg_dump runs: `format` custom (one archive streamed to S3, no disk) or directory (`pg_dump -Fd -j jobs` on the scratch volume, files uploaded in parallel). `jobs` defaults to 1, as the task's --jobs does; raise it with the task's vCPUs for the directory format."
  type = object({
    format = optional(string, "custom")
    jobs   = optional(number, 1)
  })
  default  = {}
  nullable = false
}

variable "task_size" {
  description = "Fargate task CPU units and memory (MiB). Must be one of the pairs Fargate supports, e.g. 1024/2048, 2048/4096, 4096/8192."
  type = object({
    cpu    = optional(number, 1024)
    memory = optional(number, 2048)
  })
  default  = {}
  nullable = false
}

variable "ephemeral_storage_gib" {
  description = "Fargate ephemeral storage in GiB (21-200) for the scratch volume of the directory format. Null keeps Fargate's default of 20 GiB."
  type        = number
  default     = null
}

variable "runtime_platform" {
  description = "Operating system family and CPU architecture the image is built for."
  type = object({
    operating_system_family = optional(string, "LINUX")
    cpu_architecture        = optional(string, "X86_64")
  })
  default  = {}
  nullable = false
}

variable "container_user" {
  description = "Non-root uid and gid the export container runs as; must match the image's user (1000:1000). permissions-init hands the scratch volume to them."
  type = object({
    uid = optional(number, 1000)
    gid = optional(number, 1000)
  })
  default  = {}
  nullable = false
}

variable "stop_timeout" {
  description = "Seconds between SIGTERM and SIGKILL when the task is stopped; the task aborts its upload in this time. Fargate allows at most 120."
  type        = number
  default     = 120
  nullable    = false
}

variable "log_retention_days" {
  description = "Days CloudWatch Logs keeps the task's logs: at least 365 (one of CloudWatch's values 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)."
  type        = number
  default     = 365
  nullable    = false
}

variable "replication" {
  description = <<-EOT
    Cross-account replication of every export to the partner's bucket. Required: replicating to the partner is what this module is for.
    - `destination_bucket_arn`: the partner bucket (`arn:aws:s3:::NAME`).
    - `destination_account_id`: the partner's 12-digit account id; replicas are owned by that account.
    - `destination_kms_key_arn`: the partner's KMS key that encrypts replicas.
    - `storage_class`: storage class of replicas.
    - `replication_time_control`: S3 Replication Time Control (15-minute SLA) with replication metrics.
    - `metrics`: replication metrics and events without RTC.
  EOT
  type = object({
    destination_bucket_arn   = string
    destination_account_id   = string
    destination_kms_key_arn  = string
    storage_class            = optional(string, "STANDARD")
    replication_time_control = optional(bool, false)
    metrics                  = optional(bool, false)
  })
  nullable = false
}

variable "lifecycle_rules" {
  description = "How long exports are kept in the internal bucket. `expiration_days` expires current exports under the prefix (null keeps them); `noncurrent_version_expiration_days` removes overwritten or deleted versions. Incomplete multipart uploads are always aborted after 1 day."
  type = object({
    expiration_days                    = optional(number, 30)
    noncurrent_version_expiration_days = optional(number, 7)
  })
  default  = {}
  nullable = false
}

variable "access_logging" {
  description = "Server access logging: the target bucket (which must already accept S3 log delivery) and a key prefix. Null turns access logging off."
  type = object({
    target_bucket = string
    target_prefix = optional(string, "s3-access/")
  })
  default = null
}

variable "object_lock" {
  description = "S3 Object Lock default retention for exports (WORM). Null leaves Object Lock off. Turning it on for an existing bucket replaces the bucket. COMPLIANCE mode cannot be shortened or removed by anyone, including the account root, until it expires."
  type = object({
    mode = optional(string, "GOVERNANCE")
    days = number
  })
  default = null
}

variable "force_destroy" {
  description = "Allow `terraform destroy` to delete a bucket that still holds exports. Keep false outside tests."
  type        = bool
  default     = false
  nullable    = false
}

variable "reader_role_arns" {
  description = "IAM roles in this account that may read exports from the internal bucket (operators, restore jobs). The key policy lets them decrypt through S3 only; their own IAM policy must still allow s3:GetObject."
  type        = list(string)
  default     = []
  nullable    = false
}

variable "kms_key_deletion_window_days" {
  description = "Waiting period, in days, before the KMS key is deleted after a destroy."
  type        = number
  default     = 30
  nullable    = false
}

variable "schedule_expression" {
  description = "When the export runs: an EventBridge Scheduler `rate(...)`, `cron(...)` or one-time `at(yyyy-mm-ddThh:mm:ss)` expression, in `schedule_timezone`."
  type        = string
  default     = "rate(12 hours)"
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

variable "schedule_enabled" {
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

variable "alarm_topic_arn" {
  description = "SNS topic for failure and missed-run alerts. Null creates a KMS-encrypted topic; a given topic must let events.amazonaws.com and cloudwatch.amazonaws.com publish (and use its key)."
  type        = string
  default     = null
}

variable "missed_run_alarm_hours" {
  description = "Hours without a successful export after which the missed-run alarm fires (1-168). Null derives it from the schedule: the longest gap between runs plus the flexible window plus 2 hours (14 for rate(12 hours), 26 for a daily cron(), 74 for cron(0 2 ? * MON-FRI *)); a cron() whose gaps cannot be read (day-of-month, L, W, #) requires it. An at() schedule gets no missed-run alarm."
  type        = number
  default     = null
}

variable "iam_role_path" {
  description = "IAM path of every role the module creates (task, execution, scheduler, replication), e.g. `/service-roles/`."
  type        = string
  default     = "/"
  nullable    = false
}

variable "iam_role_names" {
  description = "Names of the roles the module creates, each defaulting to `<name>-task`, `<name>-execution`, `<name>-scheduler`, `<name>-replication` (for an organisation's naming rules)."
  type = object({
    task        = optional(string)
    execution   = optional(string)
    scheduler   = optional(string)
    replication = optional(string)
  })
  default  = {}
  nullable = false
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
