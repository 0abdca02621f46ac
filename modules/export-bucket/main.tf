data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.name

  # Known before the bucket exists, so the replication role's policy and the
  # key policy can name it without a dependency cycle.
  bucket_arn     = "arn:${local.partition}:s3:::${var.bucket_name}"
  s3_via_service = "s3.${local.region}.amazonaws.com"
}

module "bucket" {
  source = "../kms-bucket"

  bucket_name                  = var.bucket_name
  reader_role_arns             = var.reader_role_arns
  create_kms_key               = var.create_kms_key
  kms_key_arn                  = var.kms_key_arn
  kms_key_alias                = coalesce(var.kms_key_alias, "advana-export/${replace(var.bucket_name, ".", "-")}")
  kms_key_description          = "Encrypts PostgreSQL exports in s3://${var.bucket_name} and the export task's logs"
  kms_key_deletion_window_days = var.kms_key_deletion_window_days
  kms_key_administrator_arns   = var.kms_key_administrator_arns
  key_policy_documents         = concat(data.aws_iam_policy_document.kms_writers[*].json, data.aws_iam_policy_document.kms_replication[*].json, data.aws_iam_policy_document.kms_logs[*].json)

  lifecycle_rules = {
    prefix                             = "${var.prefix}/"
    expiration_days                    = var.lifecycle_rules.expiration_days == 0 ? null : var.lifecycle_rules.expiration_days
    noncurrent_version_expiration_days = var.lifecycle_rules.noncurrent_version_expiration_days
  }

  access_logging           = var.access_logging
  access_logging_exception = var.access_logging_exception
  object_lock              = var.object_lock_enabled ? {} : null
  object_lock_exception    = var.object_lock_exception
  force_destroy            = var.force_destroy
  tags                     = var.tags
}
