variable "region" {
  description = "Region to deploy to."
  type        = string
  default     = "us-east-1"
  nullable    = false
}

variable "image" {
  description = "The export image, pinned by digest."
  type        = string
  nullable    = false
}

variable "allow_mutable_image" {
  description = "Accept an image tag without a digest (a locally built test image); keep false for a deployment."
  type        = bool
  default     = false
  nullable    = false
}

variable "db_secret_arn" {
  description = "Secrets Manager ARN of the database credentials: the RDS-managed secret (`username`, `password`) or one of your own."
  type        = string
  nullable    = false
}

variable "database_host" {
  description = "Address of the database (aws_db_instance.address)."
  type        = string
  nullable    = false
}

variable "database_port" {
  description = "Port of the database (aws_db_instance.port)."
  type        = number
  default     = 5432
  nullable    = false
}

variable "database_name" {
  description = "Name of the database to export (aws_db_instance.db_name)."
  type        = string
  nullable    = false
}

variable "subnet_ids" {
  description = "Private subnets for the task."
  type        = list(string)
  nullable    = false
}

variable "security_group_ids" {
  description = "Security groups for the task."
  type        = list(string)
  nullable    = false
}

variable "partner_bucket_arn" {
  description = "ARN of the partner's bucket (their bucket_arn output). Null until the partner has applied their side: nothing is replicated yet."
  type        = string
  default     = null
}

variable "partner_account_id" {
  description = "The partner's 12-digit account id (their account_id output)."
  type        = string
  default     = null
}

variable "partner_kms_key_arn" {
  description = "ARN of the partner's replica key (their kms_key_arn output)."
  type        = string
  default     = null
}

variable "access_log_bucket" {
  description = "Existing bucket (same account and region) that receives the export bucket's S3 server access logs; null turns access logging off, which plan-review fails unless access_logging_exception says why."
  type        = string
  default     = null
}

variable "access_logging_exception" {
  description = "Why the export bucket has no server access logs (e.g. \"CloudTrail S3 data events on trail org-trail\"), when access_log_bucket is null."
  type        = string
  default     = null
}

variable "fips_endpoints" {
  description = "Make the task call S3 and KMS on their FIPS endpoints; null is on in GovCloud (aws-us-gov) and off elsewhere."
  type        = bool
  default     = null
}

variable "fips_endpoints_exception" {
  description = "Why FIPS endpoints are off in GovCloud (with fips_endpoints = false)."
  type        = string
  default     = null
}

variable "schedule_service" {
  description = "What starts the export: \"scheduler\" (EventBridge Scheduler) or \"eventbridge-rule\" (a scheduled EventBridge rule, where Scheduler is not offered); null chooses by partition."
  type        = string
  default     = null
}

variable "object_lock" {
  description = "S3 Object Lock on committed exports (mode, days); the module's default locks each run in GOVERNANCE mode for the lifecycle's 30 days. Null turns it off, which plan-review fails unless object_lock_exception says why."
  type = object({
    mode = optional(string, "GOVERNANCE")
    days = optional(number)
  })
  default = {}
}

variable "object_lock_exception" {
  description = "Why committed exports are not protected by S3 Object Lock (e.g. \"AWS Backup vault lock on plan exports-daily\"), when object_lock is null."
  type        = string
  default     = null
}
