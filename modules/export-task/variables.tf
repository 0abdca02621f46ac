# Inputs of a building block of the root module, which is what callers use:
# the root validates every value a caller gives, once, where the caller wrote
# it (its variables.tf), and computes the rest. So these inputs declare types
# only; a check here would report a caller's mistake a second time, inside
# .terraform/modules (test/patterns_test.go keeps every condition in one place).

variable "name" {
  description = "Name of the task definition family; prefixes its IAM roles."
  type        = string
  nullable    = false
}

variable "image" {
  description = "Container image of the export task (the repository's Dockerfile), pinned by digest (`...@sha256:...`) unless `allow_mutable_image`. An ECR image gets pull permissions on exactly its repository."
  type        = string
  nullable    = false
}

variable "allow_mutable_image" {
  description = "Accept an `image` without a `@sha256:` digest."
  type        = bool
  default     = false
  nullable    = false
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

variable "bucket_name" {
  description = "Name of the export bucket the task writes to."
  type        = string
  nullable    = false
}

variable "prefix" {
  description = "Key prefix the task writes under (no leading or trailing slash). The task role can write nowhere else."
  type        = string
  default     = "exports"
  nullable    = false
}

variable "kms_key_arn" {
  description = "ARN of the customer-managed key that encrypts exports (SSE-KMS) and the log group. Its key policy must let the task role use it through S3 and CloudWatch Logs use it for this log group (the export-bucket module's writer_role_arns and log_group_names do)."
  type        = string
  nullable    = false
}

variable "kms_key_alias_arn" {
  description = "ARN of an alias of kms_key_arn. When set, the task is told the alias (it resolves it with kms:DescribeKey and writes with the key's ARN), so the container definitions hold no value that is unknown until the key exists, and a first plan can be reviewed in full. Null tells the task the key ARN."
  type        = string
  default     = null
}

variable "dump" {
  description = "How pg_dump runs: `format` custom (one archive streamed to S3, no disk), directory (`pg_dump -Fd -j jobs` on the scratch volume, files uploaded in parallel) or parquet (every table as Parquet from one snapshot). `jobs` defaults to 1, as the task's --jobs does; above 1 needs directory or parquet."
  type = object({
    format = optional(string, "custom")
    jobs   = optional(number, 1)
  })
  default  = {}
  nullable = false
}

variable "database" {
  description = "libpq settings passed as PGHOST, PGPORT, PGDATABASE, PGUSER, PGSSLMODE. `host` and `name` are required (an RDS-managed secret holds only the user name and password); `user` may be null when the secret carries it. Never put a password here: use db_secret_arn. `sslmode` defaults to verify-full: encrypted, and the server's certificate checked against the RDS CA bundle the image carries (PGSSLROOTCERT)."
  type = object({
    host    = string
    name    = string
    port    = optional(number, 5432)
    user    = optional(string)
    sslmode = optional(string, "verify-full")
  })
  nullable = false
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

variable "rds_iam_auth" {
  description = "Authenticate to RDS with an IAM token instead of a password: the instance's or cluster's resource id (`db-...`/`cluster-...`, not its name) and the database user. The task role gets rds-db:connect for exactly that user."
  type = object({
    db_resource_id = string
    db_user        = string
  })
  default = null
}

variable "log_group_name" {
  description = "Name of the CloudWatch Logs group both containers log to: created as `/ecs/<name>` by default, or the caller's existing group when create_log_group is false."
  type        = string
  default     = null
}

variable "create_log_group" {
  description = "Create the log group (KMS-encrypted with kms_key_arn, log_retention_days). False uses the existing group log_group_name, whose retention and encryption are the caller's."
  type        = bool
  default     = true
  nullable    = false
}

variable "create_task_role" {
  description = "Create the task role and its policy. False uses task_role_arn (a flag of its own, so the ARN may come from a resource of the same apply)."
  type        = bool
  default     = true
  nullable    = false
}

variable "task_role_arn" {
  description = "ARN of an existing IAM role for the export program, with create_task_role = false. A given role gets nothing from this module: attach output task_role_policy_json to it and let it trust ecs_tasks_trust_policy_json."
  type        = string
  default     = null
}

variable "create_execution_role" {
  description = "Create the execution role and its policy. False uses execution_role_arn (a flag of its own, so the ARN may come from a resource of the same apply)."
  type        = bool
  default     = true
  nullable    = false
}

variable "execution_role_arn" {
  description = "ARN of an existing IAM role ECS starts the task with, with create_execution_role = false. A given role gets nothing from this module: attach output execution_role_policy_json to it and let it trust ecs_tasks_trust_policy_json."
  type        = string
  default     = null
}

variable "log_retention_days" {
  description = "Days CloudWatch Logs keeps the task's logs: at least 365 (one of CloudWatch's values 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)."
  type        = number
  default     = 365
  nullable    = false
}

variable "fips_endpoints" {
  description = "Make the task's AWS SDK clients use FIPS endpoints (`AWS_USE_FIPS_ENDPOINT=true`: s3-fips, kms-fips). Null turns them on in the aws-us-gov partition (GovCloud) and off elsewhere. S3's FIPS endpoints cannot serve a bucket name with dots (the root module refuses that combination at plan)."
  type        = bool
  default     = null
}

variable "fips_endpoints_exception" {
  description = "Why FIPS endpoints are off where they are expected (aws-us-gov): a tag on the task definition, `advana-export:fips-endpoints-exception`, which plan-review reads (EX-NO-FIPS-ENDPOINTS)."
  type        = string
  default     = null
}

variable "stop_timeout" {
  description = "Seconds between SIGTERM and SIGKILL when the task is stopped; the task aborts its upload in this time. Fargate allows at most 120."
  type        = number
  default     = 120
  nullable    = false
}

variable "stall_timeout_seconds" {
  description = "Seconds pg_dump may send nothing while the task waits for it before the run fails as a database error (exit 3): a frozen connection (failover, a dropped network path) otherwise hangs the task until someone stops it. 0 turns the watchdog off."
  type        = number
  default     = 600
  nullable    = false
}

variable "object_lock" {
  description = "Retention the task puts on every object version of a run at its commit (ADVANA_EXPORT_OBJECT_LOCK_MODE/_DAYS; docs/contract.md, \"Commit protocol\"): the bucket must have S3 Object Lock on with no default retention rule (modules/export-bucket). Grants the task role s3:PutObjectRetention and s3:PutObjectLegalHold on the prefix, which cannot shorten a retention without s3:BypassGovernanceRetention, granted to no role here. Null: no lock."
  type = object({
    mode = string
    days = number
  })
  default = null
}

variable "replication_wait_seconds" {
  description = "Before writing the manifest, wait up to this many seconds for every archive object to report S3 replication COMPLETED, so the partner never sees a manifest before its data. FAILED or a timeout fails the run (exit 4) and removes it. 0 does not wait: use it only when no replication rule covers the prefix. Grants the task role s3:GetObject on the prefix (HeadObject)."
  type        = number
  default     = 0
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
  description = "Tags for the IAM roles this module creates, merged over `tags`."
  type        = map(string)
  default     = {}
  nullable    = false
}

variable "task_role_name" {
  description = "Name of the task role (what the export program runs as). Null names it `<name>-task`."
  type        = string
  default     = null
}

variable "execution_role_name" {
  description = "Name of the execution role (image pull, logs, database secret). Null names it `<name>-execution`."
  type        = string
  default     = null
}

variable "role_path" {
  description = "IAM path of the task and execution roles (e.g. `/service-roles/`)."
  type        = string
  default     = "/"
  nullable    = false
}
