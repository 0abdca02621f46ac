# Cross-account replication of every export to the partner's bucket. S3
# assumes a role of its own that can read only this bucket's prefix and write
# only replicas (owned by the partner) into the partner's bucket and key.

locals {
  # S3 uses the destination region's endpoint to encrypt replicas.
  destination_region = try(split(":", var.replication.destination_kms_key_arn)[3], null)

  # The role exists as soon as replication is enabled, so the partner can name
  # it before their bucket and key exist; what it may do, and the rule that
  # uses it, follow once `replication` names the partner's bucket and key.
  replicate = var.replication_enabled && var.replication != null
}

data "aws_iam_policy_document" "replication_trust" {
  count = var.replication_enabled ? 1 : 0

  # Confused-deputy guard: S3 may assume this role only for this account's
  # bucket. AWS's live-replication guide shows the trust without source
  # conditions and does not say S3 sends aws:SourceAccount/aws:SourceArn when
  # it assumes a replication role, so the keys are checked "IfExists": any
  # value S3 sends must be ours, and a request without them still replicates.
  # The role's own policy is what confines it to this bucket's prefix and the
  # partner's bucket and key. (Exception register: PR-EX-TRUST-S3.)
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["s3.amazonaws.com"]
    }

    condition {
      test     = "StringEqualsIfExists"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }

    condition {
      test     = "ArnLikeIfExists"
      variable = "aws:SourceArn"
      values   = [local.bucket_arn]
    }
  }
}

# Depends on replication_enabled, never on `replication`: the partner's key
# and bucket policies name this role, and `replication` names their key.
resource "aws_iam_role" "replication" {
  count = var.replication_enabled ? 1 : 0

  name                 = coalesce(var.replication_role_name, substr("${var.bucket_name}-replication", 0, 64))
  path                 = var.replication_role_path
  description          = "S3 replicates s3://${var.bucket_name}/${var.prefix}/ to the partner's account with this role"
  assume_role_policy   = data.aws_iam_policy_document.replication_trust[0].json
  permissions_boundary = var.permissions_boundary_arn
  tags                 = merge(var.tags, var.role_tags)
}

data "aws_iam_policy_document" "replication" {
  count = local.replicate ? 1 : 0

  statement {
    sid       = "ReadReplicationConfiguration"
    actions   = ["s3:GetReplicationConfiguration", "s3:ListBucket"]
    resources = [local.bucket_arn]
  }

  statement {
    sid = "ReadExportVersions"
    actions = concat(
      ["s3:GetObjectVersionAcl", "s3:GetObjectVersionForReplication", "s3:GetObjectVersionTagging"],
      var.object_lock_enabled ? ["s3:GetObjectLegalHold", "s3:GetObjectRetention"] : [],
    )
    resources = ["${local.bucket_arn}/${var.prefix}/*"]
  }

  # No s3:ReplicateDelete: delete markers are not replicated.
  statement {
    sid       = "WriteReplicasOwnedByPartner"
    actions   = ["s3:ObjectOwnerOverrideToBucketOwner", "s3:ReplicateObject", "s3:ReplicateTags"]
    resources = ["${var.replication.destination_bucket_arn}/${var.prefix}/*"]
  }

  statement {
    sid       = "DecryptSourceObjects"
    actions   = ["kms:Decrypt"]
    resources = [module.bucket.kms_key_arn]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = [local.s3_via_service]
    }

    # The bucket ARN is the context with an S3 Bucket Key, the object ARN without.
    condition {
      test     = "StringLike"
      variable = "kms:EncryptionContext:aws:s3:arn"
      values   = [local.bucket_arn, "${local.bucket_arn}/${var.prefix}/*"]
    }
  }

  statement {
    sid       = "EncryptReplicasWithPartnerKey"
    actions   = ["kms:Encrypt"]
    resources = [var.replication.destination_kms_key_arn]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["s3.${local.destination_region}.amazonaws.com"]
    }

    condition {
      test     = "StringLike"
      variable = "kms:EncryptionContext:aws:s3:arn"
      values   = [var.replication.destination_bucket_arn, "${var.replication.destination_bucket_arn}/${var.prefix}/*"]
    }
  }
}

resource "aws_iam_role_policy" "replication" {
  count = local.replicate ? 1 : 0

  name   = "replicate-to-partner"
  role   = aws_iam_role.replication[0].id
  policy = data.aws_iam_policy_document.replication[0].json
}

resource "aws_s3_bucket_replication_configuration" "this" {
  count = local.replicate ? 1 : 0

  bucket = module.bucket.bucket_id
  role   = aws_iam_role.replication[0].arn

  rule {
    id       = "replicate-exports-to-partner"
    status   = "Enabled"
    priority = 1

    filter {
      prefix = "${var.prefix}/"
    }

    delete_marker_replication {
      status = "Disabled"
    }

    source_selection_criteria {
      sse_kms_encrypted_objects {
        status = "Enabled"
      }
    }

    destination {
      bucket        = var.replication.destination_bucket_arn
      account       = var.replication.destination_account_id
      storage_class = var.replication.storage_class

      access_control_translation {
        owner = "Destination"
      }

      encryption_configuration {
        replica_kms_key_id = var.replication.destination_kms_key_arn
      }

      dynamic "replication_time" {
        for_each = var.replication.replication_time_control ? [1] : []
        content {
          status = "Enabled"
          time {
            minutes = 15
          }
        }
      }

      dynamic "metrics" {
        for_each = var.replication.replication_time_control || var.replication.metrics ? [1] : []
        content {
          status = "Enabled"
          event_threshold {
            minutes = 15
          }
        }
      }
    }
  }

  # Versioning must be on (module.bucket) and S3 checks the role's permissions
  # when the rule is saved.
  depends_on = [module.bucket, aws_iam_role_policy.replication]
}
