# Inputs of a building block of the root module, which is what callers use:
# the root validates every value a caller gives, once, where the caller wrote
# it (its variables.tf), and computes the rest. So these inputs declare types
# only; a check here would report a caller's mistake a second time, inside
# .terraform/modules (test/patterns_test.go keeps every condition in one place).

variable "bucket_name" {
  description = "Name of the internal export bucket (globally unique, 3-63 lower-case characters)."
  type        = string
  nullable    = false
}

variable "prefix" {
  description = "Key prefix the task writes under (no leading or trailing slash). Lifecycle and replication apply to this prefix."
  type        = string
  default     = "exports"
  nullable    = false
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
}

variable "kms_key_alias" {
  description = "Alias (without the `alias/` prefix) of the customer-managed key created for the bucket and the task's log group. Defaults to `advana-export/<bucket_name>` with dots replaced by dashes."
  type        = string
  default     = null
}

variable "kms_key_deletion_window_days" {
  description = "Waiting period, in days, before the KMS key is deleted after a destroy."
  type        = number
  default     = 30
  nullable    = false
}

variable "writer_role_arns" {
  description = "IAM roles that write exports (the task role). The key policy lets them use the key through S3 only (GenerateDataKey, Encrypt, Decrypt)."
  type        = list(string)
  default     = []
  nullable    = false
}

variable "reader_role_arns" {
  description = "IAM roles in this account that may read exports from the internal bucket (operators, restore jobs). The key policy lets them decrypt through S3 only; their own IAM policy must still allow s3:GetObject."
  type        = list(string)
  default     = []
  nullable    = false
}

variable "log_group_names" {
  description = "CloudWatch Logs log groups (in this account and region) that may encrypt with the key. The key policy scopes CloudWatch Logs to exactly these groups."
  type        = list(string)
  default     = []
  nullable    = false
}

variable "lifecycle_rules" {
  description = "How long exports are kept in the internal bucket. `expiration_days` expires current exports under the prefix after that many days; 0 keeps them (null is not \"keep\": Terraform gives an optional attribute set to null its default, 30). `noncurrent_version_expiration_days` removes overwritten or deleted versions. Incomplete multipart uploads are always aborted after 1 day."
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

variable "access_logging_exception" {
  description = "Why server access logging is off, when access_logging is null: written on the bucket as tag advana-export:access-logging-exception, where plan-review records it as exception EX-NO-ACCESS-LOG. Null with access_logging null fails the review."
  type        = string
  default     = null
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
}

variable "replication_role_name" {
  description = "Name of the IAM role S3 assumes to replicate. Defaults to `<bucket_name>-replication` (truncated to 64 characters)."
  type        = string
  default     = null
}

variable "replication_role_path" {
  description = "IAM path of the replication role (e.g. `/service-roles/`). The partner's policies name the role's ARN, path included."
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

variable "kms_key_administrator_arns" {
  description = "IAM roles or users that may change the key policy and create grants on the module's KMS keys (kms:PutKeyPolicy, kms:CreateGrant); the account's root user always may. Empty: the identity that applies the module."
  type        = list(string)
  default     = []
  nullable    = false
}
