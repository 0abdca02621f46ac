variable "region" {
  description = "Region of the source account's resources."
  type        = string
  default     = "us-east-1"
  nullable    = false
}

variable "partner_region" {
  description = "Region of the partner's bucket."
  type        = string
  default     = "us-east-1"
  nullable    = false
}

variable "source_profile" {
  description = "AWS CLI profile with credentials for the source account (null uses the default credential chain)."
  type        = string
  default     = null
}

variable "partner_profile" {
  description = "AWS CLI profile with credentials for the partner account (null uses the default credential chain)."
  type        = string
  default     = null
}

variable "name" {
  description = "Name of the export (task family, schedule, role prefix)."
  type        = string
  default     = "advana-export"
  nullable    = false
}

variable "image" {
  description = "The export image, pinned by digest."
  type        = string
  nullable    = false
}

variable "bucket_name" {
  description = "Name of the internal export bucket (null derives one from the name, account and region)."
  type        = string
  default     = null
}

variable "partner_bucket_name" {
  description = "Name of the partner's bucket that receives replicas."
  type        = string
  nullable    = false
}

variable "partner_reader_role_arns" {
  description = "Roles in the partner account that read the replicas."
  type        = list(string)
  default     = []
  nullable    = false
}

variable "reader_role_arns" {
  description = "Roles in the source account that may read exports from the internal bucket."
  type        = list(string)
  default     = []
  nullable    = false
}

variable "db_secret_arn" {
  description = "Secrets Manager ARN of the database credentials (RDS-style JSON)."
  type        = string
  nullable    = false
}

variable "db_secret_kms_key_arn" {
  description = "KMS key that encrypts the database secret (null for the AWS managed key)."
  type        = string
  default     = null
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

variable "access_log_bucket" {
  description = "Existing bucket that receives S3 server access logs (null turns access logging off)."
  type        = string
  default     = null
}

variable "partner_access_log_bucket" {
  description = "Existing bucket in the partner's account and region that receives the replica bucket's S3 server access logs (null turns access logging off)."
  type        = string
  default     = null
}

variable "cluster_arn" {
  description = "Existing ECS cluster to run on (null creates one)."
  type        = string
  default     = null
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

variable "alarm_topic_arn" {
  description = "Existing SNS topic for alerts (null creates an encrypted one)."
  type        = string
  default     = null
}

variable "permissions_boundary_arn" {
  description = "Permissions boundary for every role (null for none)."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = { Project = "advana-export" }
  nullable    = false
}
