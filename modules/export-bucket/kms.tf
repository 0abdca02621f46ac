# Who may use the bucket key for data, each through one service only. One
# document per grant, each with a static statement: a plan's configuration
# section shows where a static statement's principals come from (plan-review
# reads it), while it leaves dynamic blocks out.
data "aws_iam_policy_document" "kms_writers" {
  count = length(var.writer_role_arns) > 0 ? 1 : 0

  statement {
    sid       = "WritersEncryptThroughS3"
    actions   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"]
    resources = ["*"] # In a key policy "*" means this key and nothing else.

    principals {
      type        = "AWS"
      identifiers = var.writer_role_arns
    }

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = [local.s3_via_service]
    }
  }
}

data "aws_iam_policy_document" "kms_replication" {
  count = var.replication_enabled ? 1 : 0

  statement {
    sid       = "ReplicationDecryptsThroughS3"
    actions   = ["kms:Decrypt"]
    resources = ["*"] # This key only (key policy).

    principals {
      type        = "AWS"
      identifiers = [aws_iam_role.replication[0].arn]
    }

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = [local.s3_via_service]
    }
  }
}

data "aws_iam_policy_document" "kms_logs" {
  count = length(var.log_group_names) > 0 ? 1 : 0

  statement {
    sid = "CloudWatchLogsEncryptsTheseLogGroups"
    actions = [
      "kms:Decrypt",
      "kms:DescribeKey",
      "kms:Encrypt",
      "kms:GenerateDataKey",
      "kms:GenerateDataKeyWithoutPlaintext",
      "kms:ReEncryptFrom",
      "kms:ReEncryptTo",
    ]
    resources = ["*"] # This key only (key policy).

    principals {
      type        = "Service"
      identifiers = ["logs.${local.region}.amazonaws.com"]
    }

    condition {
      test     = "ArnEquals"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = [for n in var.log_group_names : "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${n}"]
    }
  }
}

# The documents above in one, for a caller whose own key needs them (only
# then: otherwise they are the created key's policy and nothing else's).
data "aws_iam_policy_document" "kms_key_policy" {
  count = var.create_kms_key ? 0 : 1

  source_policy_documents = module.bucket.kms_key_policy_documents
}
