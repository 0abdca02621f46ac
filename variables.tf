# Inputs of the root module. Every value is validated here, where the caller
# wrote it: a bad value fails the plan with one error that points at the
# caller's own module block and names the input and the fix. The submodules
# this module calls (modules/export-bucket, export-task, schedule, kms-bucket,
# kms-key) are its building blocks: they check nothing again. Every regex of
# an ARN or a name is in modules/patterns, shared with
# modules/replication-destination (test/patterns_test.go). Where the partner's
# module takes the same input (reader_role_arns, kms_key_administrator_arns,
# object_lock.mode, object_lock_exception, access_logging_exception), its
# checks are copies of these, written by `make docs` (test/sharedchecks):
# edit them here and run it.

variable "create" {
  description = "Whether to create anything. False plans no resource (every output null), for an environment that must not export: a caller's `count` on the module block does the same, and this flag keeps the block and its outputs' addresses."
  type        = bool
  default     = true
  nullable    = false
}

variable "name" {
  description = "Name of the export: the task definition family, the schedule, the ECS cluster (when created) and the prefix of every IAM role."
  type        = string
  default     = "advana-export"
  nullable    = false

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{0,29}$", var.name))
    error_message = "name must be 1-30 characters of a-z, 0-9 and '-', starting with a letter or digit (it is part of bucket and role names), e.g. \"advana-export\"."
  }
}

variable "image" {
  description = "Container image of the export task (the repository's Dockerfile), pinned by digest: `ACCOUNT.dkr.ecr.REGION.amazonaws.com/advana-export@sha256:DIGEST`. A tag alone is refused unless `allow_mutable_image` is true. An ECR image gets pull permissions on exactly its repository."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[a-z0-9][A-Za-z0-9._/:@-]*$", var.image)) && length(var.image) <= 1024
    error_message = "image must be an image reference without spaces or a scheme, e.g. 123456789012.dkr.ecr.us-east-1.amazonaws.com/advana-export@sha256:<64 hex digits>."
  }

  validation {
    condition     = var.allow_mutable_image || can(regex("@sha256:[0-9a-f]{64}$", var.image))
    error_message = "image must be pinned by digest (…/advana-export@sha256:<64 hex digits>; `make push` prints it) so every run executes the image that was reviewed. To run a mutable tag anyway, set allow_mutable_image = true."
  }
}

variable "allow_mutable_image" {
  description = "Accept an `image` without a `@sha256:` digest (a tag that can be moved). Off by default: a reviewed plan then names the exact image every scheduled run executes."
  type        = bool
  default     = false
  nullable    = false
}

variable "bucket_name" {
  description = "Name of the internal export bucket (globally unique, 3-63 lower-case characters). Defaults to `<name>-<account id>-<region>`."
  type        = string
  default     = null

  validation {
    condition     = var.bucket_name == null || (can(regex(module.patterns.bucket_name, coalesce(var.bucket_name, "-"))) && !can(regex(module.patterns.bucket_name_reserved, coalesce(var.bucket_name, "-"))))
    error_message = "bucket_name must be an S3 bucket name (not an ARN): 3-63 characters of a-z, 0-9, '.' and '-', starting and ending with a letter or digit, e.g. \"milmove-advana-exports\"; or null to derive one."
  }

  # S3's FIPS endpoints have no certificate for a dotted bucket name in
  # virtual-hosted addressing (BUCKET.s3-fips.REGION.amazonaws.com), which the
  # task uses: every upload would fail on TLS, so refuse it at plan.
  validation {
    condition     = !(coalesce(var.fips_endpoints, data.aws_partition.current.partition == "aws-us-gov") && strcontains(coalesce(var.bucket_name, "-"), "."))
    error_message = "bucket_name has dots, which S3's FIPS endpoints cannot serve (virtual-hosted addressing, BUCKET.s3-fips.REGION.amazonaws.com; FIPS endpoints are on by default in aws-us-gov): name the bucket without dots (e.g. \"${replace(coalesce(var.bucket_name, "-"), ".", "-")}\"), or set fips_endpoints = false and record why in fips_endpoints_exception."
  }
}

variable "prefix" {
  description = "Key prefix the task writes under (no leading or trailing slash). Lifecycle, replication and the task role's permissions apply to this prefix."
  type        = string
  default     = "exports"
  nullable    = false

  validation {
    condition     = can(regex(module.patterns.key_prefix, var.prefix)) && !contains([for s in split("/", var.prefix) : contains([".", ".."], s)], true)
    error_message = "prefix must be one or more '/'-separated segments of A-Z, a-z, 0-9 and !_.*'()- with no leading, trailing or double slash and no \".\" or \"..\" segment, e.g. \"exports\" or \"milmove/exports\"."
  }
}

variable "database" {
  description = <<-EOT
    Where the database is, passed to the task as PGHOST, PGPORT, PGDATABASE, PGUSER and PGSSLMODE.
    - `host` (required): the address, e.g. `aws_db_instance.main.address`. An RDS-managed secret holds only the user name and password, so the address always comes from here.
    - `name` (required): the database to export, e.g. `aws_db_instance.main.db_name`.
    - `port`: default 5432.
    - `user`: default the secret's `username` (or `rds_iam_auth.db_user`).
    - `sslmode`: default verify-full (encrypted, and the server's certificate checked against the RDS CA bundle the image carries); require or verify-ca are accepted.
    Never put a password here: use db_secret_arn.
  EOT
  type = object({
    host    = string
    name    = string
    port    = optional(number, 5432)
    user    = optional(string)
    sslmode = optional(string, "verify-full")
  })
  nullable = false

  validation {
    condition     = can(regex("^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$", var.database.host)) && length(var.database.host) <= 253
    error_message = "database.host must be a host name or IP address without a scheme, port or path, e.g. aws_db_instance.main.address (mydb.abcdefghijkl.us-east-1.rds.amazonaws.com)."
  }

  validation {
    condition     = length(var.database.name) >= 1 && length(var.database.name) <= 63 && !strcontains(var.database.name, "/")
    error_message = "database.name must be the name of the database to export (1-63 characters, no '/'), e.g. aws_db_instance.main.db_name."
  }

  validation {
    condition     = var.database.port >= 1 && var.database.port <= 65535 && floor(var.database.port) == var.database.port
    error_message = "database.port must be a whole number from 1 to 65535, e.g. aws_db_instance.main.port."
  }

  validation {
    condition     = var.database.user == null || can(regex("^[A-Za-z_][A-Za-z0-9_$-]{0,62}$", coalesce(var.database.user, "-")))
    error_message = "database.user must be a PostgreSQL user name (or null to use the secret's username)."
  }

  validation {
    condition     = contains(["require", "verify-ca", "verify-full"], var.database.sslmode)
    error_message = "database.sslmode must be require, verify-ca or verify-full: the connection to the database is always encrypted."
  }
}

variable "db_secret_arn" {
  description = "ARN of the Secrets Manager secret with the database credentials as JSON (`username`, `password`; `host`, `port`, `dbname` are read too when present, but `database` wins). The RDS-managed secret (`aws_db_instance.main.master_user_secret[0].secret_arn`, named `rds!db-…`) works as is. ECS injects it as ADVANA_EXPORT_DB_SECRET; only the execution role can read it. May be null only with rds_iam_auth."
  type        = string
  default     = null

  validation {
    condition     = var.db_secret_arn == null || can(regex(module.patterns.arn.secret, coalesce(var.db_secret_arn, "-")))
    error_message = "db_secret_arn must be a Secrets Manager secret ARN (arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME-AbCdEf), e.g. aws_db_instance.main.master_user_secret[0].secret_arn; not a secret name."
  }
}

variable "db_secret_kms_key_arn" {
  description = "ARN of the customer-managed KMS key that encrypts the database secret, if not the AWS managed key (`aws_db_instance.main.master_user_secret[0].kms_key_id`). The execution role may decrypt with it through Secrets Manager only."
  type        = string
  default     = null

  validation {
    condition     = var.db_secret_kms_key_arn == null || can(regex(module.patterns.arn.kms_key, coalesce(var.db_secret_kms_key_arn, "-")))
    error_message = "db_secret_kms_key_arn must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID), not an alias or key id."
  }
}

variable "rds_iam_auth" {
  description = "Authenticate to RDS with an IAM token instead of a password: the instance's or cluster's resource id (`db-...`/`cluster-...`, not its name; `aws_db_instance.main.resource_id`) and the database user. The task role gets rds-db:connect for exactly that user."
  type = object({
    db_resource_id = string
    db_user        = string
  })
  default = null

  validation {
    condition     = var.rds_iam_auth == null || (can(regex("^(db|cluster)-[A-Za-z0-9]+$", try(var.rds_iam_auth.db_resource_id, ""))) && can(regex("^[A-Za-z_][A-Za-z0-9_$-]{0,62}$", try(var.rds_iam_auth.db_user, ""))))
    error_message = "rds_iam_auth.db_resource_id must be a resource id such as db-ABCDEFGHIJKLMNOP (aws_db_instance.main.resource_id, not the identifier) and rds_iam_auth.db_user a PostgreSQL user name."
  }
}

variable "dump" {
  description = "What the export writes: `format` custom (one pg_dump archive streamed to S3, no disk; the default), directory (`pg_dump -Fd -j jobs` on the scratch volume, files uploaded in parallel) or parquet (every table as Parquet from one snapshot, `jobs` tables at once, for the partner's warehouse: docs/warehouse.md). `jobs` (default 1) above 1 needs directory or parquet."
  type = object({
    format = optional(string, "custom")
    jobs   = optional(number, 1)
  })
  default  = {}
  nullable = false

  validation {
    condition     = contains(["custom", "directory", "parquet"], var.dump.format)
    error_message = "dump.format must be \"custom\" (streamed, no disk), \"directory\" (parallel, on the scratch volume) or \"parquet\" (tables as Parquet, for a warehouse)."
  }

  validation {
    condition     = var.dump.jobs >= 1 && var.dump.jobs <= 64 && floor(var.dump.jobs) == var.dump.jobs
    error_message = "dump.jobs must be a whole number from 1 to 64."
  }

  validation {
    condition     = var.dump.jobs == 1 || var.dump.format != "custom"
    error_message = "dump.jobs > 1 needs dump.format = \"directory\" or \"parquet\": pg_dump writes the custom format with one job. Set format = \"directory\" (and ephemeral_storage_gib for space) or leave jobs at 1."
  }
}

variable "task_size" {
  description = "Fargate task CPU units and memory (MiB). Must be one of the pairs Fargate supports, e.g. 1024/2048, 2048/4096, 4096/8192."
  type = object({
    cpu    = optional(number, 1024)
    memory = optional(number, 2048)
  })
  default  = {}
  nullable = false

  validation {
    condition = (
      (var.task_size.cpu == 256 && contains([512, 1024, 2048], var.task_size.memory)) ||
      (var.task_size.cpu == 512 && var.task_size.memory >= 1024 && var.task_size.memory <= 4096 && var.task_size.memory % 1024 == 0) ||
      (var.task_size.cpu == 1024 && var.task_size.memory >= 2048 && var.task_size.memory <= 8192 && var.task_size.memory % 1024 == 0) ||
      (var.task_size.cpu == 2048 && var.task_size.memory >= 4096 && var.task_size.memory <= 16384 && var.task_size.memory % 1024 == 0) ||
      (var.task_size.cpu == 4096 && var.task_size.memory >= 8192 && var.task_size.memory <= 30720 && var.task_size.memory % 1024 == 0) ||
      (var.task_size.cpu == 8192 && var.task_size.memory >= 16384 && var.task_size.memory <= 61440 && var.task_size.memory % 4096 == 0) ||
      (var.task_size.cpu == 16384 && var.task_size.memory >= 32768 && var.task_size.memory <= 122880 && var.task_size.memory % 8192 == 0)
    )
    error_message = "task_size is not a Fargate CPU/memory pair: cpu 256 takes memory 512, 1024 or 2048; 512 takes 1024-4096; 1024 takes 2048-8192; 2048 takes 4096-16384; 4096 takes 8192-30720 (steps of 1024); 8192 takes 16384-61440 (steps of 4096); 16384 takes 32768-122880 (steps of 8192)."
  }
}

variable "ephemeral_storage_gib" {
  description = "Fargate ephemeral storage in GiB (21-200) for the scratch volume of the directory format. Null keeps Fargate's default of 20 GiB."
  type        = number
  default     = null

  validation {
    condition     = var.ephemeral_storage_gib == null || try(var.ephemeral_storage_gib >= 21 && var.ephemeral_storage_gib <= 200 && floor(var.ephemeral_storage_gib) == var.ephemeral_storage_gib, false)
    error_message = "ephemeral_storage_gib must be a whole number from 21 to 200, or null for Fargate's 20 GiB."
  }
}

variable "runtime_platform" {
  description = "Operating system family and CPU architecture the image is built for."
  type = object({
    operating_system_family = optional(string, "LINUX")
    cpu_architecture        = optional(string, "X86_64")
  })
  default  = {}
  nullable = false

  validation {
    condition     = var.runtime_platform.operating_system_family == "LINUX" && contains(["X86_64", "ARM64"], var.runtime_platform.cpu_architecture)
    error_message = "runtime_platform.operating_system_family must be LINUX and runtime_platform.cpu_architecture X86_64 or ARM64 (the image's platform)."
  }
}

variable "container_user" {
  description = "Non-root uid and gid the export container runs as; must match the image's user (1000:1000). permissions-init hands the scratch volume to them."
  type = object({
    uid = optional(number, 1000)
    gid = optional(number, 1000)
  })
  default  = {}
  nullable = false

  validation {
    condition     = var.container_user.uid >= 1 && var.container_user.gid >= 1 && var.container_user.uid <= 2147483647 && var.container_user.gid <= 2147483647 && floor(var.container_user.uid) == var.container_user.uid && floor(var.container_user.gid) == var.container_user.gid
    error_message = "container_user.uid and container_user.gid must be whole numbers >= 1: the export container never runs as root (the image's user is 1000:1000)."
  }
}

variable "stop_timeout" {
  description = "Seconds between SIGTERM and SIGKILL when the task is stopped; the task aborts its upload in this time. Fargate allows at most 120."
  type        = number
  default     = 120
  nullable    = false

  validation {
    condition     = var.stop_timeout >= 2 && var.stop_timeout <= 120
    error_message = "stop_timeout must be from 2 to 120 seconds (Fargate's limit)."
  }
}

variable "fips_endpoints" {
  description = "Make the task's AWS SDK clients use FIPS endpoints (`AWS_USE_FIPS_ENDPOINT=true`: s3-fips, kms-fips; docs/govcloud.md). Null (default) turns them on in the aws-us-gov partition (GovCloud) and off elsewhere. A bucket name with dots cannot be served by S3's FIPS endpoints and is refused. Off in GovCloud, plan-review fails the plan unless fips_endpoints_exception says why."
  type        = bool
  default     = null
}

variable "fips_endpoints_exception" {
  description = "Why FIPS endpoints are off in aws-us-gov (fips_endpoints = false), e.g. \"S3-compatible gateway in the VPC, FIPS TLS terminated there\". Recorded as a tag on the task definition; plan-review lists it as exception EX-NO-FIPS-ENDPOINTS instead of failing SC-13."
  type        = string
  default     = null

  validation {
    condition     = var.fips_endpoints_exception == null || can(regex(module.patterns.exception_reason, coalesce(var.fips_endpoints_exception, "-")))
    error_message = "fips_endpoints_exception must be 20-256 characters a tag value allows (letters, digits, spaces and _ . : / = + - @): say why FIPS endpoints are off and what protects the traffic instead."
  }
  validation {
    condition     = var.fips_endpoints_exception == null || var.fips_endpoints == false
    error_message = "fips_endpoints_exception is set but fips_endpoints is not false: remove the exception, or set fips_endpoints = false."
  }
}

variable "stall_timeout_seconds" {
  description = "Seconds pg_dump may send nothing while the task waits for it before the run fails as a database error (exit 3). 0 turns the watchdog off."
  type        = number
  default     = 600
  nullable    = false

  validation {
    condition     = var.stall_timeout_seconds == 0 || (var.stall_timeout_seconds >= 60 && var.stall_timeout_seconds <= 86400 && floor(var.stall_timeout_seconds) == var.stall_timeout_seconds)
    error_message = "stall_timeout_seconds must be 0 (off) or a whole number from 60 to 86400."
  }
}

variable "replication_wait_seconds" {
  description = "Before writing the manifest, wait up to this many seconds for every archive object to report replication COMPLETED, so the partner never sees a manifest before its data; FAILED or a timeout fails the run and removes it. On by default once `replication` is set (3 hours: a large object can take hours without Replication Time Control); without `replication` there is nothing to wait for. 0 turns the wait off."
  type        = number
  default     = 10800
  nullable    = false

  validation {
    condition     = var.replication_wait_seconds >= 0 && var.replication_wait_seconds <= 43200 && floor(var.replication_wait_seconds) == var.replication_wait_seconds
    error_message = "replication_wait_seconds must be a whole number from 0 (no wait) to 43200 (12 hours)."
  }
}

variable "log_retention_days" {
  description = "Days CloudWatch Logs keeps the task's logs: at least 365 (one of CloudWatch's values 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)."
  type        = number
  default     = 365
  nullable    = false

  validation {
    condition     = contains([365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be at least 365 and one of CloudWatch's values: 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  }
}

variable "replication" {
  description = <<-EOT
    Cross-account replication of every export to the partner's bucket, from the partner's modules/replication-destination outputs. Null (the default) replicates nothing yet: the first apply creates the replication role, whose ARN the partner needs (output `partner`) before their bucket and key exist; set this once they do.
    - `destination_bucket_arn`: the partner bucket (`arn:aws:s3:::NAME`).
    - `destination_account_id`: the partner's 12-digit account id (not this account); replicas are owned by that account.
    - `destination_kms_key_arn`: the partner's KMS key (in their account) that encrypts replicas.
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
  default = null

  validation {
    condition     = var.replication == null || can(regex(module.patterns.account_id, try(var.replication.destination_account_id, "")))
    error_message = "replication.destination_account_id must be the partner's 12-digit AWS account id (their account_id output)."
  }

  validation {
    condition     = var.replication == null || can(regex(module.patterns.arn.s3_bucket, try(var.replication.destination_bucket_arn, "")))
    error_message = "replication.destination_bucket_arn must be an S3 bucket ARN (arn:aws:s3:::BUCKET; the partner's bucket_arn output), not a bucket name."
  }

  validation {
    condition     = var.replication == null || can(regex(module.patterns.arn.kms_key, try(var.replication.destination_kms_key_arn, "")))
    error_message = "replication.destination_kms_key_arn must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID; the partner's kms_key_arn output), not an alias."
  }

  validation {
    condition     = var.replication == null || contains(["STANDARD", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE"], try(var.replication.storage_class, ""))
    error_message = "replication.storage_class must be one of STANDARD, STANDARD_IA, ONEZONE_IA, INTELLIGENT_TIERING, GLACIER_IR, GLACIER, DEEP_ARCHIVE."
  }

  # Cross-account replication with ownership override makes no sense within
  # one account, and a same-account "partner" usually means a wrong value.
  validation {
    condition     = var.replication == null || try(var.replication.destination_account_id != data.aws_caller_identity.current.account_id, true)
    error_message = "replication.destination_account_id is this module's own account: replication goes to the partner's account. Use the account_id output of the partner's modules/replication-destination."
  }

  validation {
    condition     = var.replication == null || try(split(":", var.replication.destination_kms_key_arn)[4] == var.replication.destination_account_id, true)
    error_message = "replication.destination_kms_key_arn must be a key in replication.destination_account_id (the partner's kms_key_arn output), not a key of another account."
  }
}

variable "lifecycle_rules" {
  description = "How long exports are kept in the internal bucket. `expiration_days` expires current exports under the prefix after that many days; 0 keeps them (null is not \"keep\": Terraform gives an optional attribute set to null its default, 30). `noncurrent_version_expiration_days` removes overwritten or deleted versions. Incomplete multipart uploads are always aborted after 1 day."
  type = object({
    expiration_days                    = optional(number, 30)
    noncurrent_version_expiration_days = optional(number, 7)
  })
  default  = {}
  nullable = false

  validation {
    condition     = try(var.lifecycle_rules.expiration_days >= 0 && floor(var.lifecycle_rules.expiration_days) == var.lifecycle_rules.expiration_days, false) && try(var.lifecycle_rules.noncurrent_version_expiration_days >= 1, false)
    error_message = "lifecycle_rules.expiration_days must be a whole number of days >= 1, or 0 to keep exports (not null, which Terraform turns into the default 30), and lifecycle_rules.noncurrent_version_expiration_days must be >= 1."
  }
}

variable "access_logging" {
  description = "Server access logging: the target bucket (which must already accept S3 log delivery) and a key prefix. Null turns access logging off."
  type = object({
    target_bucket = string
    target_prefix = optional(string, "s3-access/")
  })
  default = null

  validation {
    condition     = var.access_logging == null || can(regex(module.patterns.bucket_name, try(var.access_logging.target_bucket, "")))
    error_message = "access_logging.target_bucket must be a bucket name (e.g. \"my-access-logs\"), not an ARN."
  }
}

variable "access_logging_exception" {
  description = "Why server access logging is off, when access_logging is null: written on the bucket as tag advana-export:access-logging-exception, where plan-review records it as exception EX-NO-ACCESS-LOG. Null with access_logging null fails the review."
  type        = string
  default     = null

  validation {
    condition     = var.access_logging_exception == null || can(regex(module.patterns.exception_reason, var.access_logging_exception))
    error_message = "access_logging_exception must be 20-256 characters a tag value allows (letters, digits, spaces and _ . : / = + - @): say what records access instead, e.g. \"CloudTrail S3 data events on trail org-trail\"."
  }
  validation {
    condition     = var.access_logging_exception == null || var.access_logging == null
    error_message = "access_logging_exception is set but access_logging is on: remove the exception, or set access_logging = null."
  }
}

variable "object_lock" {
  description = "S3 Object Lock (WORM) for committed exports, on by default. The bucket gets Object Lock with no default retention rule; at its commit the task puts retention in `mode` for `days` (default lifecycle_rules.expiration_days) on every object version of the run, the manifest included, so a failed run can still be removed and a committed one cannot, not even by the task role. GOVERNANCE: only a principal with s3:BypassGovernanceRetention (no role this module creates) can delete early; COMPLIANCE: nobody, not even the account root. Turning it on for an existing bucket happens in place and can never be undone, and the partner's bucket must have Object Lock too before it is on (docs/UPGRADE.md). Null turns it off; then object_lock_exception says why."
  type = object({
    mode = optional(string, "GOVERNANCE")
    days = optional(number)
  })
  default = {}

  validation {
    condition     = var.object_lock == null || contains(["GOVERNANCE", "COMPLIANCE"], try(var.object_lock.mode, ""))
    error_message = "object_lock.mode must be GOVERNANCE (who holds s3:BypassGovernanceRetention may still delete) or COMPLIANCE (nobody may, not even the account root, until retention ends)."
  }
  validation {
    condition     = var.object_lock == null || try(var.object_lock.days == null ? true : var.object_lock.days >= 1 && var.object_lock.days <= 36500 && floor(var.object_lock.days) == var.object_lock.days, false)
    error_message = "object_lock.days must be a whole number of days from 1 to 36500 (S3's limit), or null for lifecycle_rules.expiration_days."
  }
  validation {
    condition     = var.object_lock == null || try(var.object_lock.days != null, false) || var.lifecycle_rules.expiration_days != 0
    error_message = "object_lock.days is required when lifecycle_rules.expiration_days = 0 (exports kept forever): say how long each run stays locked, e.g. object_lock = { days = 365 }."
  }
  # Without days, a run stays locked as long as the lifecycle keeps it: S3
  # refuses a retention beyond 36500 days at every commit, so refuse it here.
  validation {
    condition     = var.object_lock == null || try(var.object_lock.days != null, false) || var.lifecycle_rules.expiration_days <= 36500
    error_message = "object_lock.days defaults to lifecycle_rules.expiration_days, which is above S3's limit of 36500 days: set object_lock.days (at most 36500), or a shorter lifecycle_rules.expiration_days."
  }
}

variable "object_lock_exception" {
  description = "Why Object Lock is off, when object_lock is null: written on the bucket as tag advana-export:object-lock-exception, where plan-review records it as exception EX-NO-OBJECT-LOCK. Null with object_lock null fails the review."
  type        = string
  default     = null

  validation {
    condition     = var.object_lock_exception == null || can(regex(module.patterns.exception_reason, var.object_lock_exception))
    error_message = "object_lock_exception must be 20-256 characters a tag value allows (letters, digits, spaces and _ . : / = + - @): say what protects committed exports instead, e.g. \"AWS Backup vault lock on plan exports-daily\"."
  }
  validation {
    condition     = var.object_lock_exception == null || var.object_lock == null
    error_message = "object_lock_exception is set but Object Lock is on: remove the exception, or set object_lock = null."
  }
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

  validation {
    condition     = alltrue([for arn in var.reader_role_arns : can(regex(module.patterns.arn.iam_role, arn))])
    error_message = "reader_role_arns must be IAM role ARNs (arn:aws:iam::123456789012:role/NAME), not role names."
  }
}

variable "create_kms_key" {
  description = "Create the module's two KMS keys (the bucket's, the schedule's). False uses kms_key_arn instead: a flag of its own, so the ARN may come from a key created in the same apply."
  type        = bool
  default     = true
  nullable    = false

  validation {
    condition     = var.create_kms_key || length(var.kms_key_administrator_arns) == 0
    error_message = "create_kms_key = false and kms_key_administrator_arns are both set: kms_key_administrator_arns administers keys the module creates, and with create_kms_key = false it creates none (your key's policy says who administers it). Drop one."
  }
}

variable "kms_key_arn" {
  description = "With create_kms_key = false: ARN of an existing customer-managed KMS key (this account and region) instead of the two the module creates: it then encrypts the bucket, the task's log group (when the module creates it), the schedule, the dead-letter queue and the alert topic, and the module creates no key. Its policy is yours: add the statements of output kms_key_policy_json (who may use it, each through one service). kms_key_deletion_window_days and kms_key_administrator_arns apply only to created keys."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex(module.patterns.arn.kms_key, coalesce(var.kms_key_arn, "-")))
    error_message = "kms_key_arn must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID, e.g. aws_kms_key.exports.arn), not an alias or key id; or null to create the keys."
  }

  validation {
    condition     = var.create_kms_key == (var.kms_key_arn == null)
    error_message = "Give kms_key_arn together with create_kms_key = false (the module then creates no key), or neither."
  }

  validation {
    condition     = var.kms_key_arn == null || try(split(":", var.kms_key_arn)[3] == data.aws_region.current.name && split(":", var.kms_key_arn)[4] == data.aws_caller_identity.current.account_id, true)
    error_message = "kms_key_arn must be a key in this module's account and region: CloudWatch Logs, SQS, SNS and Scheduler encrypt with a key of their own region, and kms_key_policy_json names this account's principals."
  }

}

variable "kms_key_deletion_window_days" {
  description = "Waiting period, in days, before the KMS key is deleted after a destroy."
  type        = number
  default     = 30
  nullable    = false

  validation {
    condition     = var.kms_key_deletion_window_days >= 7 && var.kms_key_deletion_window_days <= 30
    error_message = "kms_key_deletion_window_days must be from 7 to 30 (KMS's limits)."
  }
}

variable "schedule_service" {
  description = "What starts the export on schedule: `scheduler` (EventBridge Scheduler: time zones, flexible windows, one-time at()) or `eventbridge-rule` (a scheduled EventBridge rule, for where Scheduler is not offered: UTC, rate() and cron() only, no flexible window). Null (default) chooses `scheduler` in the aws, aws-us-gov and aws-cn partitions, where AWS documents Scheduler, and `eventbridge-rule` in any other (docs/govcloud.md, The EventBridge Scheduler question). Both get the same task, network, retry policy, dead-letter queue and alerting."
  type        = string
  default     = null

  validation {
    condition     = var.schedule_service == null || contains(["scheduler", "eventbridge-rule"], coalesce(var.schedule_service, "-"))
    error_message = "schedule_service must be \"scheduler\" (EventBridge Scheduler), \"eventbridge-rule\" (a scheduled EventBridge rule), or null to choose by partition."
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

  validation {
    condition     = !(local.schedule_service == "eventbridge-rule" && startswith(var.schedule_expression, "at("))
    error_message = "schedule_expression ${var.schedule_expression} is a one-time at() schedule, which a scheduled EventBridge rule (schedule_service = \"eventbridge-rule\", the default outside aws, aws-us-gov and aws-cn) cannot run: use rate() or cron(), or schedule_service = \"scheduler\"."
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

  validation {
    condition     = !(local.schedule_service == "eventbridge-rule" && var.schedule_timezone != "UTC")
    error_message = "schedule_timezone ${var.schedule_timezone} needs EventBridge Scheduler: a scheduled EventBridge rule (schedule_service = \"eventbridge-rule\", the default outside aws, aws-us-gov and aws-cn) runs in UTC. Write the cron() in UTC and set schedule_timezone = \"UTC\", or schedule_service = \"scheduler\"."
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

  validation {
    condition     = !(local.schedule_service == "eventbridge-rule" && var.flexible_time_window_minutes != 0)
    error_message = "flexible_time_window_minutes needs EventBridge Scheduler: a scheduled EventBridge rule (schedule_service = \"eventbridge-rule\", the default outside aws, aws-us-gov and aws-cn) starts the run on time. Set it to 0, or schedule_service = \"scheduler\"."
  }
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

  validation {
    condition     = var.cluster_arn == null || can(regex(module.patterns.arn.ecs_cluster, coalesce(var.cluster_arn, "-")))
    error_message = "cluster_arn must be an ECS cluster ARN (arn:aws:ecs:REGION:ACCOUNT:cluster/NAME), not a cluster name; or null to create one."
  }
}

variable "subnet_ids" {
  description = "Private subnets the task runs in (they need a route to S3, ECR, CloudWatch Logs, Secrets Manager and the database: NAT or VPC endpoints). The task never gets a public IP."
  type        = list(string)
  nullable    = false

  validation {
    condition     = length(var.subnet_ids) > 0 && alltrue([for s in var.subnet_ids : can(regex("^subnet-[0-9a-f]{8,17}$", s))])
    error_message = "subnet_ids must be a non-empty list of subnet ids (subnet-0123456789abcdef0), e.g. module.vpc.private_subnets; not CIDR blocks."
  }
}

variable "security_group_ids" {
  description = "Security groups of the task (egress to the database and AWS endpoints; no ingress needed)."
  type        = list(string)
  nullable    = false

  validation {
    condition     = length(var.security_group_ids) > 0 && length(var.security_group_ids) <= 5 && alltrue([for s in var.security_group_ids : can(regex("^sg-[0-9a-f]{8,17}$", s))])
    error_message = "security_group_ids must be 1-5 security group ids (sg-0123456789abcdef0), not names."
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

variable "alarm_topic_arn" {
  description = "SNS topic for failure and missed-run alerts. Null creates a KMS-encrypted topic; a given topic must let events.amazonaws.com and cloudwatch.amazonaws.com publish (and use its key)."
  type        = string
  default     = null

  validation {
    condition     = var.alarm_topic_arn == null || can(regex(module.patterns.arn.sns_topic, coalesce(var.alarm_topic_arn, "-")))
    error_message = "alarm_topic_arn must be an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME), or null to create one."
  }
}

variable "missed_run_alarm_hours" {
  description = "Hours without a successful export after which the missed-run alarm fires (1-168), or 0 for no missed-run alarm. Null derives it from the schedule: the longest gap between runs plus the flexible window plus 2 hours (14 for rate(12 hours), 26 for a daily cron(), 74 for cron(0 2 ? * MON-FRI *)); a cron() whose gaps cannot be read (day-of-month, L, W, #) requires it. CloudWatch alarms look back at most 168 hours, so runs more than 166 hours apart (weekly, monthly) fail the plan until this is 0: the failure rule and the dead-letter queue still report every run that fails or cannot start. A value not above the gap between runs is refused (it would fire before every run). An at() schedule gets no missed-run alarm."
  type        = number
  default     = null

  validation {
    condition     = var.missed_run_alarm_hours == null || try(var.missed_run_alarm_hours >= 0 && var.missed_run_alarm_hours <= 168 && floor(var.missed_run_alarm_hours) == var.missed_run_alarm_hours, false)
    error_message = "missed_run_alarm_hours must be a whole number from 1 to 168 (CloudWatch evaluates hourly alarms over at most 7 days), 0 for no missed-run alarm, or null to derive it."
  }
}

variable "iam_role_path" {
  description = "IAM path of every role the module creates (task, execution, scheduler, replication), e.g. `/service-roles/`. Roles you give (task_role_arn, execution_role_arn) keep theirs."
  type        = string
  default     = "/"
  nullable    = false

  validation {
    condition     = can(regex("^/([!-.0-~]+/)*$", var.iam_role_path)) && length(var.iam_role_path) <= 512
    error_message = "iam_role_path must start and end with '/' (e.g. / or /service-roles/), at most 512 characters."
  }
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

  validation {
    condition     = alltrue([for n in values(var.iam_role_names) : n == null || can(regex("^[A-Za-z0-9+=,.@_-]{1,64}$", coalesce(n, "-")))])
    error_message = "iam_role_names values must be 1-64 characters of A-Z, a-z, 0-9 and +=,.@_- (or null for the default)."
  }
}

variable "create_task_role" {
  description = "Create the task role and its policy. False uses task_role_arn instead: a flag of its own, so the ARN may come from a role created in the same apply."
  type        = bool
  default     = true
  nullable    = false

  validation {
    condition     = var.create_task_role || var.iam_role_names.task == null
    error_message = "create_task_role = false and iam_role_names.task are both set: iam_role_names names roles the module creates, and with create_task_role = false it creates no task role. Drop one."
  }
}

variable "task_role_arn" {
  description = "With create_task_role = false: ARN of an existing IAM role (this account) for the export program, instead of the one the module creates. The module attaches nothing to it: attach output task_role_policy_json (exactly the contract's calls on this bucket's prefix and key) and let it trust ecs_tasks_trust_policy_json. The bucket key's policy names it; the scheduler may pass it."
  type        = string
  default     = null

  validation {
    condition     = var.task_role_arn == null || can(regex(module.patterns.arn.iam_role, coalesce(var.task_role_arn, "-")))
    error_message = "task_role_arn must be an IAM role ARN (arn:aws:iam::123456789012:role/NAME), not a role name; or null to create the role."
  }

  validation {
    condition     = var.create_task_role == (var.task_role_arn == null)
    error_message = "Give task_role_arn together with create_task_role = false (the module then creates no task role), or neither."
  }

  validation {
    condition     = var.task_role_arn == null || try(split(":", var.task_role_arn)[4] == data.aws_caller_identity.current.account_id, true)
    error_message = "task_role_arn must be a role in this module's account: ECS passes only roles of the task's own account."
  }

}

variable "create_execution_role" {
  description = "Create the execution role and its policy. False uses execution_role_arn instead: a flag of its own, so the ARN may come from a role created in the same apply."
  type        = bool
  default     = true
  nullable    = false

  validation {
    condition     = var.create_execution_role || var.iam_role_names.execution == null
    error_message = "create_execution_role = false and iam_role_names.execution are both set: iam_role_names names roles the module creates, and with create_execution_role = false it creates no execution role. Drop one."
  }
}

variable "execution_role_arn" {
  description = "With create_execution_role = false: ARN of an existing IAM role (this account) ECS starts the task with, instead of the one the module creates. The module attaches nothing to it: attach output execution_role_policy_json (this image's repository, this log group, this secret) and let it trust ecs_tasks_trust_policy_json. The scheduler may pass it."
  type        = string
  default     = null

  validation {
    condition     = var.execution_role_arn == null || can(regex(module.patterns.arn.iam_role, coalesce(var.execution_role_arn, "-")))
    error_message = "execution_role_arn must be an IAM role ARN (arn:aws:iam::123456789012:role/NAME), not a role name; or null to create the role."
  }

  validation {
    condition     = var.create_execution_role == (var.execution_role_arn == null)
    error_message = "Give execution_role_arn together with create_execution_role = false (the module then creates no execution role), or neither."
  }

  validation {
    condition     = var.execution_role_arn == null || try(split(":", var.execution_role_arn)[4] == data.aws_caller_identity.current.account_id, true)
    error_message = "execution_role_arn must be a role in this module's account: ECS passes only roles of the task's own account."
  }

}

variable "create_log_group" {
  description = "Create the task's log group (encrypted with the bucket's key, log_retention_days). False logs to your existing group log_group_name: its retention and encryption are yours; the module adds the missed-run alarm's metric filter to it, and the execution role may write only to it."
  type        = bool
  default     = true
  nullable    = false
}

variable "log_group_name" {
  description = "Name of the task's CloudWatch Logs group: the one the module creates (default `/ecs/<name>`), or with create_log_group = false your existing group (this account and region)."
  type        = string
  default     = null

  validation {
    condition     = var.log_group_name == null || can(regex("^[A-Za-z0-9_./#-]{1,512}$", coalesce(var.log_group_name, "-")))
    error_message = "log_group_name must be a log group name (1-512 characters of A-Z, a-z, 0-9, '_', '-', '/', '.', '#'), e.g. aws_cloudwatch_log_group.exports.name; not its ARN. Null creates /ecs/<name>."
  }

  validation {
    condition     = var.create_log_group || var.log_group_name != null
    error_message = "create_log_group = false needs log_group_name: the existing log group the task logs to."
  }
}

variable "permissions_boundary_arn" {
  description = "Permissions boundary (managed policy ARN) attached to every IAM role this module creates."
  type        = string
  default     = null

  validation {
    condition     = var.permissions_boundary_arn == null || can(regex(module.patterns.arn.iam_managed_policy, coalesce(var.permissions_boundary_arn, "-")))
    error_message = "permissions_boundary_arn must be an IAM managed policy ARN (arn:aws:iam::123456789012:policy/NAME)."
  }
}

variable "tags" {
  description = "Tags for every resource. The per-resource tags below are merged over them."
  type        = map(string)
  default     = {}
  nullable    = false

  validation {
    condition     = alltrue([for k, v in var.tags : length(k) >= 1 && length(k) <= 128 && length(v) <= 256 && !startswith(lower(k), "aws:")])
    error_message = "tags keys must be 1-128 characters and not start with aws: (AWS reserves it), values at most 256 characters."
  }
}

variable "bucket_tags" {
  description = "Tags for the export bucket, its KMS key and the replication role (e.g. a data classification), merged over `tags`."
  type        = map(string)
  default     = {}
  nullable    = false

  validation {
    condition     = alltrue([for k, v in var.bucket_tags : length(k) >= 1 && length(k) <= 128 && length(v) <= 256 && !startswith(lower(k), "aws:")])
    error_message = "bucket_tags keys must be 1-128 characters and not start with aws: (AWS reserves it), values at most 256 characters."
  }
}

variable "task_tags" {
  description = "Tags for the task definition (and so every task it runs: tags propagate from it), its log group and its two roles, merged over `tags`."
  type        = map(string)
  default     = {}
  nullable    = false

  validation {
    condition     = alltrue([for k, v in var.task_tags : length(k) >= 1 && length(k) <= 128 && length(v) <= 256 && !startswith(lower(k), "aws:")])
    error_message = "task_tags keys must be 1-128 characters and not start with aws: (AWS reserves it), values at most 256 characters."
  }
}

variable "schedule_tags" {
  description = "Tags for the schedule's resources (the cluster when created, the scheduler role, the dead-letter queue, the alert topic, the failure rule, the missed-run alarm, their key) and the tasks the schedule starts, merged over `tags`."
  type        = map(string)
  default     = {}
  nullable    = false

  validation {
    condition     = alltrue([for k, v in var.schedule_tags : length(k) >= 1 && length(k) <= 128 && length(v) <= 256 && !startswith(lower(k), "aws:")])
    error_message = "schedule_tags keys must be 1-128 characters and not start with aws: (AWS reserves it), values at most 256 characters."
  }
}

variable "role_tags" {
  description = "Tags for every IAM role the module creates (task, execution, scheduler, replication), merged over `tags` and the tags of the role's part (task_tags, schedule_tags, bucket_tags)."
  type        = map(string)
  default     = {}
  nullable    = false

  validation {
    condition     = alltrue([for k, v in var.role_tags : length(k) >= 1 && length(k) <= 128 && length(v) <= 256 && !startswith(lower(k), "aws:")])
    error_message = "role_tags keys must be 1-128 characters and not start with aws: (AWS reserves it), values at most 256 characters."
  }
}

variable "kms_key_administrator_arns" {
  description = "IAM roles or users that may change the key policy and create grants on the module's KMS keys (kms:PutKeyPolicy, kms:CreateGrant); the account's root user always may. Empty: the identity that applies the module."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for arn in var.kms_key_administrator_arns : can(regex(module.patterns.arn.iam_role_or_user, arn))])
    error_message = "kms_key_administrator_arns must be IAM role or user ARNs (arn:aws:iam::123456789012:role/NAME)."
  }
}
