variable "name" {
  description = "Name of the task definition family; prefixes its IAM roles."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$", var.name))
    error_message = "name must be 1-40 characters of A-Z, a-z, 0-9, '_' and '-', starting with a letter or digit."
  }
}

variable "image" {
  description = "Container image of the export task (the repository's Dockerfile), pinned by digest (`...@sha256:...`) unless `allow_mutable_image`. An ECR image gets pull permissions on exactly its repository."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[a-z0-9][A-Za-z0-9._/:@-]*$", var.image)) && length(var.image) <= 1024
    error_message = "image must be an image reference such as 123456789012.dkr.ecr.us-east-1.amazonaws.com/advana-export@sha256:... (no spaces)."
  }

  validation {
    condition     = var.allow_mutable_image || can(regex("@sha256:[0-9a-f]{64}$", var.image))
    error_message = "image must be pinned by digest (…@sha256:<64 hex digits>), or set allow_mutable_image = true."
  }
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
    error_message = "ephemeral_storage_gib must be a whole number between 21 and 200, or null."
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
    error_message = "runtime_platform.operating_system_family must be LINUX and runtime_platform.cpu_architecture X86_64 or ARM64."
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
    error_message = "container_user.uid and container_user.gid must be whole numbers >= 1: the export container never runs as root."
  }
}

variable "bucket_name" {
  description = "Name of the export bucket the task writes to."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket_name))
    error_message = "bucket_name must be an S3 bucket name, not an ARN."
  }
}

variable "prefix" {
  description = "Key prefix the task writes under (no leading or trailing slash). The task role can write nowhere else."
  type        = string
  default     = "exports"
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9!_.*'()-]+(/[A-Za-z0-9!_.*'()-]+)*$", var.prefix)) && !contains([for s in split("/", var.prefix) : contains([".", ".."], s)], true)
    error_message = "prefix must be one or more path segments of safe S3 key characters, with no leading, trailing or double slash and no \".\" or \"..\" segment."
  }
}

variable "kms_key_arn" {
  description = "ARN of the customer-managed key that encrypts exports (SSE-KMS) and the log group. Its key policy must let the task role use it through S3 and CloudWatch Logs use it for this log group (the export-bucket module's writer_role_arns and log_group_names do)."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID), not an alias."
  }
}

variable "kms_key_alias_arn" {
  description = "ARN of an alias of kms_key_arn. When set, the task is told the alias (it resolves it with kms:DescribeKey and writes with the key's ARN), so the container definitions hold no value that is unknown until the key exists, and a first plan can be reviewed in full. Null tells the task the key ARN."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_alias_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:alias/[A-Za-z0-9/_-]+$", var.kms_key_alias_arn))
    error_message = "kms_key_alias_arn must be a KMS alias ARN (arn:aws:kms:REGION:ACCOUNT:alias/NAME)."
  }
}

variable "dump" {
  description = "How pg_dump runs: `format` custom (one archive streamed to S3, no disk), directory (`pg_dump -Fd -j jobs` on the scratch volume, files uploaded in parallel) or parquet (every table as Parquet from one snapshot). `jobs` defaults to 1, as the task's --jobs does; above 1 needs directory or parquet."
  type = object({
    format = optional(string, "custom")
    jobs   = optional(number, 1)
  })
  default  = {}
  nullable = false

  validation {
    condition     = contains(["custom", "directory", "parquet"], var.dump.format) && var.dump.jobs >= 1 && var.dump.jobs <= 64 && floor(var.dump.jobs) == var.dump.jobs
    error_message = "dump.format must be custom, directory or parquet and dump.jobs a whole number from 1 to 64."
  }

  validation {
    condition     = var.dump.jobs == 1 || var.dump.format != "custom"
    error_message = "dump.jobs > 1 needs dump.format = \"directory\" or \"parquet\": pg_dump writes the custom format with one job."
  }
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

  validation {
    condition     = length(var.database.host) > 0 && length(var.database.name) > 0
    error_message = "database.host and database.name must not be empty."
  }

  validation {
    condition     = var.database.port >= 1 && var.database.port <= 65535
    error_message = "database.port must be between 1 and 65535."
  }

  validation {
    condition     = contains(["require", "verify-ca", "verify-full"], var.database.sslmode)
    error_message = "database.sslmode must be require, verify-ca or verify-full: the connection to the database is always encrypted."
  }
}

variable "db_secret_arn" {
  description = "ARN of the Secrets Manager secret with the RDS-style JSON credentials (username, password, host, port, dbname). ECS injects it as ADVANA_EXPORT_DB_SECRET; only the execution role can read it. May be null only with rds_iam_auth."
  type        = string
  default     = null

  validation {
    condition     = var.db_secret_arn == null || can(regex("^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@!-]+$", var.db_secret_arn))
    error_message = "db_secret_arn must be a Secrets Manager secret ARN (arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME-abcdef)."
  }
}

variable "db_secret_kms_key_arn" {
  description = "ARN of the customer-managed KMS key that encrypts the database secret, if not the AWS managed key. The execution role may decrypt with it through Secrets Manager only."
  type        = string
  default     = null

  validation {
    condition     = var.db_secret_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", var.db_secret_kms_key_arn))
    error_message = "db_secret_kms_key_arn must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID)."
  }
}

variable "rds_iam_auth" {
  description = "Authenticate to RDS with an IAM token instead of a password: the instance's or cluster's resource id (`db-...`/`cluster-...`, not its name) and the database user. The task role gets rds-db:connect for exactly that user."
  type = object({
    db_resource_id = string
    db_user        = string
  })
  default = null

  validation {
    condition     = var.rds_iam_auth == null || (can(regex("^(db|cluster)-[A-Za-z0-9]+$", var.rds_iam_auth.db_resource_id)) && can(regex("^[A-Za-z_][A-Za-z0-9_$-]{0,62}$", var.rds_iam_auth.db_user)))
    error_message = "rds_iam_auth.db_resource_id must be a resource id like db-ABCDEFGHIJKLMNOP or cluster-ABCDEFGHIJKLMNOP and rds_iam_auth.db_user a PostgreSQL user name."
  }
}

variable "log_group_name" {
  description = "Name of the CloudWatch Logs group both containers log to: created as `/ecs/<name>` by default, or the caller's existing group when create_log_group is false."
  type        = string
  default     = null

  validation {
    condition     = var.log_group_name == null || can(regex("^[A-Za-z0-9_./#-]{1,512}$", coalesce(var.log_group_name, "-")))
    error_message = "log_group_name must be 1-512 characters of A-Z, a-z, 0-9, '_', '-', '/', '.', '#' (a log group name, not its ARN)."
  }
}

variable "create_log_group" {
  description = "Create the log group (KMS-encrypted with kms_key_arn, log_retention_days). False uses the existing group log_group_name, whose retention and encryption are the caller's."
  type        = bool
  default     = true
  nullable    = false

  validation {
    condition     = var.create_log_group || var.log_group_name != null
    error_message = "create_log_group = false needs log_group_name: the existing log group the task logs to."
  }
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

  validation {
    condition     = var.task_role_arn == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+$", coalesce(var.task_role_arn, "-")))
    error_message = "task_role_arn must be an IAM role ARN (arn:aws:iam::123456789012:role/NAME), not a role name."
  }

  validation {
    condition     = var.create_task_role == (var.task_role_arn == null)
    error_message = "Give task_role_arn together with create_task_role = false (the module then creates no task role), or neither."
  }
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

  validation {
    condition     = var.execution_role_arn == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+$", coalesce(var.execution_role_arn, "-")))
    error_message = "execution_role_arn must be an IAM role ARN (arn:aws:iam::123456789012:role/NAME), not a role name."
  }

  validation {
    condition     = var.create_execution_role == (var.execution_role_arn == null)
    error_message = "Give execution_role_arn together with create_execution_role = false (the module then creates no execution role), or neither."
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

  validation {
    condition     = var.stop_timeout >= 2 && var.stop_timeout <= 120
    error_message = "stop_timeout must be between 2 and 120 seconds."
  }
}

variable "stall_timeout_seconds" {
  description = "Seconds pg_dump may send nothing while the task waits for it before the run fails as a database error (exit 3): a frozen connection (failover, a dropped network path) otherwise hangs the task until someone stops it. 0 turns the watchdog off."
  type        = number
  default     = 600
  nullable    = false

  validation {
    condition     = var.stall_timeout_seconds == 0 || (var.stall_timeout_seconds >= 60 && var.stall_timeout_seconds <= 86400 && floor(var.stall_timeout_seconds) == var.stall_timeout_seconds)
    error_message = "stall_timeout_seconds must be 0 (off) or a whole number from 60 to 86400."
  }
}

variable "object_lock" {
  description = "Retention the task puts on every object version of a run at its commit (ADVANA_EXPORT_OBJECT_LOCK_MODE/_DAYS; docs/contract.md, \"Commit protocol\"): the bucket must have S3 Object Lock on with no default retention rule (modules/export-bucket). Grants the task role s3:PutObjectRetention and s3:PutObjectLegalHold on the prefix, which cannot shorten a retention without s3:BypassGovernanceRetention, granted to no role here. Null: no lock."
  type = object({
    mode = string
    days = number
  })
  default = null

  validation {
    condition     = var.object_lock == null || try(contains(["GOVERNANCE", "COMPLIANCE"], var.object_lock.mode) && var.object_lock.days >= 1 && var.object_lock.days <= 36500 && floor(var.object_lock.days) == var.object_lock.days, false)
    error_message = "object_lock.mode must be GOVERNANCE or COMPLIANCE and object_lock.days a whole number from 1 to 36500."
  }
}

variable "replication_wait_seconds" {
  description = "Before writing the manifest, wait up to this many seconds for every archive object to report S3 replication COMPLETED, so the partner never sees a manifest before its data. FAILED or a timeout fails the run (exit 4) and removes it. 0 does not wait: use it only when no replication rule covers the prefix. Grants the task role s3:GetObject on the prefix (HeadObject)."
  type        = number
  default     = 0
  nullable    = false

  validation {
    condition     = var.replication_wait_seconds >= 0 && var.replication_wait_seconds <= 43200 && floor(var.replication_wait_seconds) == var.replication_wait_seconds
    error_message = "replication_wait_seconds must be a whole number from 0 (no wait) to 43200 (12 hours)."
  }
}

variable "permissions_boundary_arn" {
  description = "Permissions boundary (managed policy ARN) attached to every IAM role this module creates."
  type        = string
  default     = null

  validation {
    condition     = var.permissions_boundary_arn == null || can(regex("^arn:aws[a-z-]*:iam::([0-9]{12}|aws):policy/[A-Za-z0-9+=,.@_/-]+$", var.permissions_boundary_arn))
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
  description = "Tags for the IAM roles this module creates, merged over `tags`."
  type        = map(string)
  default     = {}
  nullable    = false
}

variable "task_role_name" {
  description = "Name of the task role (what the export program runs as). Null names it `<name>-task`."
  type        = string
  default     = null

  validation {
    condition     = var.task_role_name == null || can(regex("^[A-Za-z0-9+=,.@_-]{1,64}$", coalesce(var.task_role_name, "-")))
    error_message = "task_role_name must be 1-64 characters of A-Z, a-z, 0-9 and +=,.@_-."
  }
}

variable "execution_role_name" {
  description = "Name of the execution role (image pull, logs, database secret). Null names it `<name>-execution`."
  type        = string
  default     = null

  validation {
    condition     = var.execution_role_name == null || can(regex("^[A-Za-z0-9+=,.@_-]{1,64}$", coalesce(var.execution_role_name, "-")))
    error_message = "execution_role_name must be 1-64 characters of A-Z, a-z, 0-9 and +=,.@_-."
  }
}

variable "role_path" {
  description = "IAM path of the task and execution roles (e.g. `/service-roles/`)."
  type        = string
  default     = "/"
  nullable    = false

  validation {
    condition     = can(regex("^/([!-.0-~]+/)*$", var.role_path)) && length(var.role_path) <= 512
    error_message = "role_path must start and end with '/' (e.g. / or /service-roles/), at most 512 characters."
  }
}
