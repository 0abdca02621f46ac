variable "bucket_name" {
  description = "Name of the partner's bucket that receives replicas (globally unique, 3-63 lower-case characters)."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex(module.patterns.bucket_name, var.bucket_name)) && !can(regex(module.patterns.bucket_name_reserved, var.bucket_name))
    error_message = "bucket_name must be a valid S3 bucket name: 3-63 characters of a-z, 0-9, '.' and '-', starting and ending with a letter or digit."
  }
}

variable "prefix" {
  description = "Key prefix replicas arrive under: the source module's `prefix` (no leading or trailing slash)."
  type        = string
  default     = "exports"
  nullable    = false

  # Copied from the root module's variables.tf by `make docs` (test/sharedchecks): edit it there.
  validation {
    condition     = can(regex(module.patterns.key_prefix, var.prefix)) && !contains([for s in split("/", var.prefix) : contains([".", ".."], s)], true)
    error_message = "prefix must be one or more '/'-separated segments of A-Z, a-z, 0-9 and !_.*'()- with no leading, trailing or double slash and no \".\" or \"..\" segment, e.g. \"exports\" or \"milmove/exports\"."
  }
}

variable "source_account_id" {
  description = "12-digit id of the AWS account that sends the exports."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex(module.patterns.account_id, var.source_account_id))
    error_message = "source_account_id must be a 12-digit AWS account id."
  }
}

variable "source_replication_role_arn" {
  description = "ARN of the source account's S3 replication role (the source module's `replication_role_arn` output). Only this role may write replicas."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex(module.patterns.arn.iam_role, var.source_replication_role_arn))
    error_message = "source_replication_role_arn must be an IAM role ARN (arn:aws:iam::123456789012:role/NAME)."
  }
}

variable "reader_role_arns" {
  description = "IAM roles in the partner account that read the exports. The key policy lets them decrypt through S3; their own IAM policy must still allow s3:GetObject."
  type        = list(string)
  default     = []
  nullable    = false

  # Copied from the root module's variables.tf by `make docs` (test/sharedchecks): edit it there.
  validation {
    condition     = alltrue([for arn in var.reader_role_arns : can(regex(module.patterns.arn.iam_role, arn))])
    error_message = "reader_role_arns must be IAM role ARNs (arn:aws:iam::123456789012:role/NAME), not role names."
  }
}

variable "kms_key_alias" {
  description = "Alias (without `alias/`) of the key that encrypts replicas. Defaults to `advana-import/<bucket_name>` with dots replaced by dashes."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_alias == null || (can(regex("^[A-Za-z0-9/_-]{1,250}$", coalesce(var.kms_key_alias, "-"))) && !startswith(coalesce(var.kms_key_alias, "-"), "aws/"))
    error_message = "kms_key_alias must be 1-250 characters of A-Z, a-z, 0-9, '/', '_' and '-', and must not start with 'aws/'."
  }
}

variable "lifecycle_rules" {
  description = "How long replicas are kept: `expiration_days` expires current replicas (null keeps them); `noncurrent_version_expiration_days` removes overwritten versions."
  type = object({
    expiration_days                    = optional(number)
    noncurrent_version_expiration_days = optional(number, 30)
  })
  default  = {}
  nullable = false

  validation {
    condition     = (var.lifecycle_rules.expiration_days == null || try(var.lifecycle_rules.expiration_days >= 1, false)) && try(var.lifecycle_rules.noncurrent_version_expiration_days >= 1, false)
    error_message = "lifecycle_rules.expiration_days must be null or >= 1 and lifecycle_rules.noncurrent_version_expiration_days must be >= 1."
  }
}

variable "object_lock" {
  description = "S3 Object Lock for replicas, on by default: S3 replicates from an Object Lock bucket (the export bucket's default) only into one. Replicas arrive locked: a replica keeps the retention its source version had when it was replicated (the manifest's), and the default retention rule here (mode, days: default GOVERNANCE for 30 days, the export bucket's defaults) locks those that had none yet (the archives, replicated before the source locks them at the commit). Turning it on for an existing bucket happens in place and can never be undone. Null turns it off and needs object_lock_exception for plan-review."
  type = object({
    mode = optional(string, "GOVERNANCE")
    days = optional(number, 30)
  })
  default = {}

  validation {
    condition     = var.object_lock == null || try(var.object_lock.days >= 1 && var.object_lock.days <= 36500 && floor(var.object_lock.days) == var.object_lock.days, false)
    error_message = "object_lock.days must be a whole number of days from 1 to 36500 (S3's limit)."
  }
  # Copied from the root module's variables.tf by `make docs` (test/sharedchecks): edit it there.
  validation {
    condition     = var.object_lock == null || contains(["GOVERNANCE", "COMPLIANCE"], try(var.object_lock.mode, ""))
    error_message = "object_lock.mode must be GOVERNANCE (who holds s3:BypassGovernanceRetention may still delete) or COMPLIANCE (nobody may, not even the account root, until retention ends)."
  }
}

variable "object_lock_exception" {
  description = "Why Object Lock is off, when object_lock is null: written on the bucket as tag advana-export:object-lock-exception, where plan-review records it as exception EX-NO-OBJECT-LOCK. Null with object_lock null fails the review."
  type        = string
  default     = null

  # Copied from the root module's variables.tf by `make docs` (test/sharedchecks): edit it there.
  validation {
    condition     = var.object_lock_exception == null || can(regex(module.patterns.exception_reason, var.object_lock_exception))
    error_message = "object_lock_exception must be 20-256 characters a tag value allows (letters, digits, spaces and _ . : / = + - @): say what protects committed exports instead, e.g. \"AWS Backup vault lock on plan exports-daily\"."
  }
  # Copied from the root module's variables.tf by `make docs` (test/sharedchecks): edit it there.
  validation {
    condition     = var.object_lock_exception == null || var.object_lock == null
    error_message = "object_lock_exception is set but Object Lock is on: remove the exception, or set object_lock = null."
  }
}

variable "force_destroy" {
  description = "Allow `terraform destroy` to delete the bucket while it holds replicas. Keep false outside tests."
  type        = bool
  default     = false
  nullable    = false
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
  nullable    = false

  # Copied from the root module's variables.tf by `make docs` (test/sharedchecks): edit it there.
  validation {
    condition     = alltrue([for k, v in var.tags : length(k) >= 1 && length(k) <= 128 && length(v) <= 256 && !startswith(lower(k), "aws:")])
    error_message = "tags keys must be 1-128 characters and not start with aws: (AWS reserves it), values at most 256 characters."
  }
}

variable "kms_key_administrator_arns" {
  description = "IAM roles or users that may change the key policy and create grants on the module's KMS keys (kms:PutKeyPolicy, kms:CreateGrant); the account's root user always may. Empty: the identity that applies the module."
  type        = list(string)
  default     = []
  nullable    = false

  # Copied from the root module's variables.tf by `make docs` (test/sharedchecks): edit it there.
  validation {
    condition     = alltrue([for arn in var.kms_key_administrator_arns : can(regex(module.patterns.arn.iam_role_or_user, arn))])
    error_message = "kms_key_administrator_arns must be IAM role or user ARNs (arn:aws:iam::123456789012:role/NAME)."
  }
}

variable "access_logging" {
  description = "Server access logging for the replica bucket: the target bucket (in the partner's account and region, already accepting S3 log delivery) and a key prefix. Null turns access logging off."
  type = object({
    target_bucket = string
    target_prefix = optional(string, "s3-access/")
  })
  default = null

  # Copied from the root module's variables.tf by `make docs` (test/sharedchecks): edit it there.
  validation {
    condition     = var.access_logging == null || can(regex(module.patterns.bucket_name, try(var.access_logging.target_bucket, "")))
    error_message = "access_logging.target_bucket must be a bucket name (e.g. \"my-access-logs\"), not an ARN."
  }
}

variable "access_logging_exception" {
  description = "Why server access logging is off, when access_logging is null: written on the bucket as tag advana-export:access-logging-exception, where plan-review records it as exception EX-NO-ACCESS-LOG. Null with access_logging null fails the review."
  type        = string
  default     = null

  # Copied from the root module's variables.tf by `make docs` (test/sharedchecks): edit it there.
  validation {
    condition     = var.access_logging_exception == null || can(regex(module.patterns.exception_reason, var.access_logging_exception))
    error_message = "access_logging_exception must be 20-256 characters a tag value allows (letters, digits, spaces and _ . : / = + - @): say what records access instead, e.g. \"CloudTrail S3 data events on trail org-trail\"."
  }
  # Copied from the root module's variables.tf by `make docs` (test/sharedchecks): edit it there.
  validation {
    condition     = var.access_logging_exception == null || var.access_logging == null
    error_message = "access_logging_exception is set but access_logging is on: remove the exception, or set access_logging = null."
  }
}

variable "eventbridge" {
  description = "Send this bucket's S3 events to EventBridge (null: off). With `manifest_rule` (default true) an EventBridge rule matches only a new `manifest.json` under the prefix, the sign that a complete export has arrived; attach your pipeline as its target (output `manifest_event_rule_arn`). `rule_name` defaults to `<bucket>-manifest`."
  type = object({
    manifest_rule = optional(bool, true)
    rule_name     = optional(string)
  })
  default = null

  validation {
    condition     = try(var.eventbridge.rule_name == null || can(regex("^[A-Za-z0-9._-]{1,64}$", var.eventbridge.rule_name)), true)
    error_message = "eventbridge.rule_name must be 1-64 characters of A-Z, a-z, 0-9, '.', '_' and '-'."
  }
}
