# Inputs of a building block of the root module and of
# modules/replication-destination, the modules callers use: they validate
# every value a caller gives, once, where the caller wrote it (their
# variables.tf), and compute the rest. So these inputs declare types
# only; a check here would report a caller's mistake a second time, inside
# .terraform/modules (test/patterns_test.go keeps every condition in one place).

variable "bucket_name" {
  description = "Name of the bucket."
  type        = string
  nullable    = false
}

variable "create_kms_key" {
  description = "Create the bucket's key. False uses kms_key_arn."
  type        = bool
  default     = true
  nullable    = false
}

variable "kms_key_arn" {
  description = "ARN of an existing key for the bucket (with create_kms_key = false) instead of one created here (kms_key_alias, kms_key_description, kms_key_deletion_window_days and kms_key_administrator_arns then apply to nothing). Output kms_key_policy_documents is what its policy must allow."
  type        = string
  default     = null
}

variable "kms_key_alias" {
  description = "Alias (without `alias/`) of the bucket's customer-managed key."
  type        = string
  nullable    = false
}

variable "kms_key_description" {
  description = "Description of the bucket's customer-managed key."
  type        = string
  nullable    = false
}

variable "kms_key_deletion_window_days" {
  description = "Waiting period, in days, before the key is deleted after a destroy."
  type        = number
  default     = 30
  nullable    = false
}

variable "key_policy_documents" {
  description = "Policy documents (JSON) added to the key policy: who may use the key."
  type        = list(string)
  default     = []
  nullable    = false
}

variable "reader_role_arns" {
  description = "Roles that may decrypt the bucket's objects through S3 (their IAM policy must still allow s3:GetObject)."
  type        = list(string)
  default     = []
  nullable    = false
}

variable "bucket_policy_documents" {
  description = "Policy documents (JSON) added to the bucket policy after the TLS and encryption denials."
  type        = list(string)
  default     = []
  nullable    = false
}

variable "lifecycle_rules" {
  description = "Lifecycle under `prefix` (a key prefix ending in `/`, or \"\" for the whole bucket): expire current objects after `expiration_days` (null keeps them) and non-current versions after `noncurrent_version_expiration_days`. Incomplete multipart uploads are always aborted after 1 day."
  type = object({
    prefix                             = string
    expiration_days                    = optional(number)
    noncurrent_version_expiration_days = number
  })
  nullable = false
}

variable "access_logging" {
  description = "Server access logging target (bucket name and key prefix); null turns it off."
  type = object({
    target_bucket = string
    target_prefix = string
  })
  default = null
}

variable "access_logging_exception" {
  description = "Why server access logging is off (tag advana-export:access-logging-exception on the bucket, which plan-review records as EX-NO-ACCESS-LOG); null for none. Validated by the modules that call this one."
  type        = string
  default     = null
}

variable "object_lock" {
  description = "S3 Object Lock: null leaves it off; {} turns it on with no default retention (the writer puts retention on each version, as the export task does at its commit); default_retention locks every new version on arrival (replicas). Validated by the modules that call this one."
  type = object({
    default_retention = optional(object({
      mode = string
      days = number
    }))
  })
  default = null
}

variable "object_lock_exception" {
  description = "Why Object Lock is off (tag advana-export:object-lock-exception on the bucket, which plan-review records as EX-NO-OBJECT-LOCK); null for none. Validated by the modules that call this one."
  type        = string
  default     = null
}

variable "force_destroy" {
  description = "Allow `terraform destroy` to delete a bucket that still holds objects."
  type        = bool
  default     = false
  nullable    = false
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
  nullable    = false
}

variable "kms_key_administrator_arns" {
  description = "Who may change the key policy and create grants (kms-key's administrator_arns)."
  type        = list(string)
  default     = []
  nullable    = false
}
