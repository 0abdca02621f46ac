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

variable "db_secret_arn" {
  description = "Secrets Manager ARN of the database credentials (RDS-style JSON with host, port, dbname, username, password)."
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
  description = "ARN of the partner's bucket (their bucket_arn output)."
  type        = string
  nullable    = false
}

variable "partner_account_id" {
  description = "The partner's 12-digit account id (their account_id output)."
  type        = string
  nullable    = false
}

variable "partner_kms_key_arn" {
  description = "ARN of the partner's replica key (their kms_key_arn output)."
  type        = string
  nullable    = false
}

variable "access_log_bucket" {
  description = "Existing bucket (same account and region) that receives the export bucket's S3 server access logs; null turns access logging off, which plan-review fails."
  type        = string
  default     = null
}
