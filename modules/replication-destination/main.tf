# The partner's ("Advana") side: a bucket and key that accept replicas from
# exactly one source replication role, and make the partner their owner.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

# The input patterns the validations in variables.tf match against, shared
# with the root module: one regex per kind of ARN and name.
module "patterns" {
  source = "../patterns"
}

locals {
  bucket_arn     = "arn:${data.aws_partition.current.partition}:s3:::${var.bucket_name}"
  s3_via_service = "s3.${data.aws_region.current.name}.amazonaws.com"
}

module "bucket" {
  source = "../kms-bucket"

  bucket_name                = var.bucket_name
  reader_role_arns           = var.reader_role_arns
  kms_key_alias              = coalesce(var.kms_key_alias, "advana-import/${replace(var.bucket_name, ".", "-")}")
  kms_key_description        = "Encrypts PostgreSQL export replicas from account ${var.source_account_id} in s3://${var.bucket_name}"
  key_policy_documents       = [data.aws_iam_policy_document.kms.json]
  kms_key_administrator_arns = var.kms_key_administrator_arns
  bucket_policy_documents    = [data.aws_iam_policy_document.bucket.json]

  lifecycle_rules = {
    prefix                             = "${var.prefix}/"
    expiration_days                    = var.lifecycle_rules.expiration_days
    noncurrent_version_expiration_days = var.lifecycle_rules.noncurrent_version_expiration_days
  }

  access_logging           = var.access_logging
  access_logging_exception = var.access_logging_exception
  object_lock = var.object_lock == null ? null : { default_retention = {
    mode = var.object_lock.mode
    days = var.object_lock.days
  } }
  object_lock_exception = var.object_lock_exception
  force_destroy         = var.force_destroy
  tags                  = var.tags
}

# Each statement names the source's replication role, and also requires the
# caller's account to be source_account_id, so a role ARN from another
# account is refused even if the two inputs disagree.
data "aws_iam_policy_document" "kms" {
  statement {
    sid       = "SourceReplicationEncryptsReplicas"
    actions   = ["kms:Encrypt"]
    resources = ["*"] # In a key policy "*" means this key and nothing else.

    principals {
      type        = "AWS"
      identifiers = [var.source_replication_role_arn]
    }

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = [local.s3_via_service]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:PrincipalAccount"
      values   = [var.source_account_id]
    }

    # Only replicas of this bucket's prefix: the bucket ARN is the context
    # with an S3 Bucket Key, the object ARN without.
    condition {
      test     = "StringLike"
      variable = "kms:EncryptionContext:aws:s3:arn"
      values   = [local.bucket_arn, "${local.bucket_arn}/${var.prefix}/*"]
    }
  }

  lifecycle {
    precondition {
      condition     = split(":", var.source_replication_role_arn)[4] == var.source_account_id
      error_message = "source_replication_role_arn is in account ${split(":", var.source_replication_role_arn)[4]}, but source_account_id is ${var.source_account_id}: give the role of the account that sends the exports."
    }
  }
}

data "aws_iam_policy_document" "bucket" {
  # S3 checks the destination's versioning before it replicates.
  statement {
    sid       = "SourceReplicationReadsVersioning"
    actions   = ["s3:GetBucketVersioning"]
    resources = [local.bucket_arn]

    principals {
      type        = "AWS"
      identifiers = [var.source_replication_role_arn]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:PrincipalAccount"
      values   = [var.source_account_id]
    }
  }

  # No s3:ReplicateDelete: the source does not replicate deletes.
  statement {
    sid       = "SourceReplicationWritesReplicas"
    actions   = ["s3:ObjectOwnerOverrideToBucketOwner", "s3:ReplicateObject", "s3:ReplicateTags"]
    resources = ["${local.bucket_arn}/${var.prefix}/*"]

    principals {
      type        = "AWS"
      identifiers = [var.source_replication_role_arn]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:PrincipalAccount"
      values   = [var.source_account_id]
    }
  }
}
