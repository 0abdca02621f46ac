variable "bucket_name" {
  description = "Name of the internal export bucket (globally unique, 3-63 lower-case characters)."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket_name)) && !can(regex("\\.\\.|^xn--|-s3alias$|--ol-s3$", var.bucket_name))
    error_message = "bucket_name must be a valid S3 bucket name: 3-63 characters of a-z, 0-9, '.' and '-', starting and ending with a letter or digit."
  }
}

variable "prefix" {
  description = "Key prefix the task writes under (no leading or trailing slash). Lifecycle and replication apply to this prefix."
  type        = string
  default     = "exports"
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9!_.*'()-]+(/[A-Za-z0-9!_.*'()-]+)*$", var.prefix)) && !contains([for s in split("/", var.prefix) : contains([".", ".."], s)], true)
    error_message = "prefix must be one or more path segments of safe S3 key characters, with no leading, trailing or double slash and no \".\" or \"..\" segment."
  }
}

variable "create_kms_key" {
  description = "Create the bucket's key. False uses kms_key_arn (a flag of its own, so the ARN may come from a resource of the same apply)."
  type        = bool
  default     = true
  nullable    = false
}

variable "kms_key_arn" {
  description = "ARN of an existing customer-managed KMS key (this account and region) for the bucket and the task's log group, with create_kms_key = false, instead of the key this module creates. Its policy is yours: output kms_key_policy_json lists what it must allow. kms_key_alias, kms_key_deletion_window_days and kms_key_administrator_arns apply only to a created key."
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

variable "kms_key_alias" {
  description = "Alias (without the `alias/` prefix) of the customer-managed key created for the bucket and the task's log group. Defaults to `advana-export/<bucket_name>` with dots replaced by dashes."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_alias == null || (can(regex("^[A-Za-z0-9/_-]{1,250}$", var.kms_key_alias)) && !startswith(coalesce(var.kms_key_alias, "-"), "aws/"))
    error_message = "kms_key_alias must be 1-250 characters of A-Z, a-z, 0-9, '/', '_' and '-', and must not start with 'aws/'."
  }
}

variable "kms_key_deletion_window_days" {
  description = "Waiting period, in days, before the KMS key is deleted after a destroy."
  type        = number
  default     = 30
  nullable    = false

  validation {
    condition     = var.kms_key_deletion_window_days >= 7 && var.kms_key_deletion_window_days <= 30
    error_message = "kms_key_deletion_window_days must be between 7 and 30."
  }
}

variable "writer_role_arns" {
  description = "IAM roles that write exports (the task role). The key policy lets them use the key through S3 only (GenerateDataKey, Encrypt, Decrypt)."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for arn in var.writer_role_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+$", arn))])
    error_message = "writer_role_arns must be IAM role ARNs (arn:aws:iam::123456789012:role/NAME)."
  }
}

variable "reader_role_arns" {
  description = "IAM roles in this account that may read exports from the internal bucket (operators, restore jobs). The key policy lets them decrypt through S3 only; their own IAM policy must still allow s3:GetObject."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for arn in var.reader_role_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+$", arn))])
    error_message = "reader_role_arns must be IAM role ARNs (arn:aws:iam::123456789012:role/NAME)."
  }
}

variable "log_group_names" {
  description = "CloudWatch Logs log groups (in this account and region) that may encrypt with the key. The key policy scopes CloudWatch Logs to exactly these groups."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for n in var.log_group_names : can(regex("^[A-Za-z0-9_./#-]{1,512}$", n))])
    error_message = "log_group_names must be CloudWatch Logs log group names (1-512 characters of A-Z, a-z, 0-9, '_', '-', '/', '.', '#')."
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
    condition     = var.access_logging == null || can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.access_logging.target_bucket))
    error_message = "access_logging.target_bucket must be a bucket name, not an ARN."
  }
}

variable "access_logging_exception" {
  description = "Why server access logging is off, when access_logging is null: written on the bucket as tag advana-export:access-logging-exception, where plan-review records it as exception EX-NO-ACCESS-LOG. Null with access_logging null fails the review."
  type        = string
  default     = null

  validation {
    condition     = var.access_logging_exception == null || can(regex("^[\\p{L}\\p{Z}\\p{N}_.:/=+@-]{20,256}$", var.access_logging_exception))
    error_message = "access_logging_exception must be 20-256 characters a tag value allows (letters, digits, spaces and _ . : / = + - @): say what records access instead, e.g. \"CloudTrail S3 data events on trail org-trail\"."
  }
  validation {
    condition     = var.access_logging_exception == null || var.access_logging == null
    error_message = "access_logging_exception is set but access_logging is on: remove the exception, or set access_logging = null."
  }
}

variable "object_lock_enabled" {
  description = "S3 Object Lock on the bucket, with no default retention rule: the export task locks a run's object versions at its commit (module export-task, input object_lock), so a failed run can still be removed. Turning it on for an existing bucket happens in place and can never be undone; a replication destination must have Object Lock too (modules/replication-destination). False needs object_lock_exception for plan-review."
  type        = bool
  default     = true
  nullable    = false
}

variable "object_lock_exception" {
  description = "Why Object Lock is off, when object_lock_enabled is false: written on the bucket as tag advana-export:object-lock-exception, where plan-review records it as exception EX-NO-OBJECT-LOCK. Null with object_lock_enabled false fails the review."
  type        = string
  default     = null

  validation {
    condition     = var.object_lock_exception == null || can(regex("^[\\p{L}\\p{Z}\\p{N}_.:/=+@-]{20,256}$", var.object_lock_exception))
    error_message = "object_lock_exception must be 20-256 characters a tag value allows (letters, digits, spaces and _ . : / = + - @): say what protects committed exports instead, e.g. \"AWS Backup vault lock on plan exports-daily\"."
  }
  validation {
    condition     = var.object_lock_exception == null || var.object_lock_enabled == false
    error_message = "object_lock_exception is set but Object Lock is on: remove the exception, or set object_lock_enabled = false."
  }
}

variable "force_destroy" {
  description = "Allow `terraform destroy` to delete a bucket that still holds exports. Keep false outside tests."
  type        = bool
  default     = false
  nullable    = false
}

variable "replication_enabled" {
  description = "Whether the replication role is created. Its policy and the replication rule follow once `replication` is set too. A flag of its own because the role must exist before the partner's bucket and key, whose ARNs are part of `replication`."
  type        = bool
  default     = false
  nullable    = false
}

variable "replication" {
  description = <<-EOT
    Cross-account replication of every export to the partner's bucket (used when `replication_enabled`; null replicates nothing yet).
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
  default = null

  validation {
    condition     = var.replication == null || can(regex("^[0-9]{12}$", var.replication.destination_account_id))
    error_message = "replication.destination_account_id must be a 12-digit AWS account id."
  }

  validation {
    condition     = var.replication == null || can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.replication.destination_bucket_arn))
    error_message = "replication.destination_bucket_arn must be an S3 bucket ARN (arn:aws:s3:::BUCKET)."
  }

  validation {
    condition     = var.replication == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", var.replication.destination_kms_key_arn))
    error_message = "replication.destination_kms_key_arn must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID), not an alias."
  }

  validation {
    condition     = var.replication == null || contains(["STANDARD", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE"], try(var.replication.storage_class, ""))
    error_message = "replication.storage_class must be one of STANDARD, STANDARD_IA, ONEZONE_IA, INTELLIGENT_TIERING, GLACIER_IR, GLACIER, DEEP_ARCHIVE."
  }
}

variable "replication_role_name" {
  description = "Name of the IAM role S3 assumes to replicate. Defaults to `<bucket_name>-replication` (truncated to 64 characters)."
  type        = string
  default     = null

  validation {
    condition     = var.replication_role_name == null || can(regex("^[A-Za-z0-9+=,.@_-]{1,64}$", var.replication_role_name))
    error_message = "replication_role_name must be 1-64 characters of A-Z, a-z, 0-9 and +=,.@_-."
  }
}

variable "replication_role_path" {
  description = "IAM path of the replication role (e.g. `/service-roles/`). The partner's policies name the role's ARN, path included."
  type        = string
  default     = "/"
  nullable    = false

  validation {
    condition     = can(regex("^/([!-.0-~]+/)*$", var.replication_role_path)) && length(var.replication_role_path) <= 512
    error_message = "replication_role_path must start and end with '/' (e.g. / or /service-roles/), at most 512 characters."
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
  description = "Tags for the IAM role this module creates, merged over `tags`."
  type        = map(string)
  default     = {}
  nullable    = false
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
