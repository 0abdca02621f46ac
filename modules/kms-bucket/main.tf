# Internal building block shared by export-bucket and replication-destination:
# a bucket that only holds SSE-KMS objects under its own customer-managed key.
# The calling module validates user input and adds who may use the key and
# the bucket through key_policy_documents and bucket_policy_documents.

module "kms" {
  source = "../kms-key"
  count  = var.create_kms_key ? 1 : 0

  alias                = var.kms_key_alias
  description          = var.kms_key_description
  deletion_window_days = var.kms_key_deletion_window_days
  administrator_arns   = var.kms_key_administrator_arns
  # Written out here and in the output kms_key_policy_documents, not in a
  # local: plan-review follows a plan's configuration, which holds no locals,
  # to show whose statements these are.
  policy_documents = concat(var.key_policy_documents, length(var.reader_role_arns) > 0 ? [data.aws_iam_policy_document.readers.json] : [])
  tags             = var.tags
}

moved {
  from = module.kms
  to   = module.kms[0]
}

# The key's ARN is written out where it is used (the bucket's encryption and
# policy, the output), not kept in a local, for the same reason.

data "aws_region" "current" {}

# Readers named by the caller may decrypt objects, through S3 only.
data "aws_iam_policy_document" "readers" {
  dynamic "statement" {
    for_each = length(var.reader_role_arns) > 0 ? [1] : []
    content {
      sid       = "ReadersDecryptThroughS3"
      actions   = ["kms:Decrypt"]
      resources = ["*"] # In a key policy "*" means this key and nothing else.

      principals {
        type        = "AWS"
        identifiers = var.reader_role_arns
      }

      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["s3.${data.aws_region.current.name}.amazonaws.com"]
      }
    }
  }
}
