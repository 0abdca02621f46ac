variable "region" {
  description = "Region to deploy to."
  type        = string
  default     = "us-east-1"
  nullable    = false
}

variable "name" {
  description = "Name of the export (task family, schedule, role names)."
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

variable "permissions_boundary_arn" {
  description = "The organisation's permissions boundary for every role (its own and the module's), or null."
  type        = string
  default     = null
}

variable "force_destroy" {
  description = "Let terraform destroy delete a bucket that still holds exports (tests only)."
  type        = bool
  default     = false
  nullable    = false
}
