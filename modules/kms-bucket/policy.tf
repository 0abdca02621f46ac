# Bucket policy: TLS only, and every upload or replica that names its
# encryption must use SSE-KMS with this bucket's key, plus the caller's
# statements. Uploads that name none get the bucket default (the same key);
# UploadPart carries no encryption header, so the conditions only judge
# headers that are present. The denials cover s3:ReplicateObject too: a
# source account that replicates here cannot choose the replicas' key.

data "aws_iam_policy_document" "bucket" {
  source_policy_documents = var.bucket_policy_documents

  statement {
    sid    = "DenyInsecureTransport"
    effect = "Deny"
    # A Deny is the one place a service-wide action is right: it must cover
    # every S3 call, including ones added after this was written.
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.this.arn, "${aws_s3_bucket.this.arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }

  statement {
    sid       = "DenyEncryptionOtherThanKms"
    effect    = "Deny"
    actions   = ["s3:PutObject", "s3:ReplicateObject"]
    resources = ["${aws_s3_bucket.this.arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Null"
      variable = "s3:x-amz-server-side-encryption"
      values   = ["false"]
    }

    condition {
      test     = "StringNotEquals"
      variable = "s3:x-amz-server-side-encryption"
      values   = ["aws:kms"]
    }
  }

  statement {
    sid       = "DenyOtherKmsKey"
    effect    = "Deny"
    actions   = ["s3:PutObject", "s3:ReplicateObject"]
    resources = ["${aws_s3_bucket.this.arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Null"
      variable = "s3:x-amz-server-side-encryption-aws-kms-key-id"
      values   = ["false"]
    }

    condition {
      test     = "StringNotEquals"
      variable = "s3:x-amz-server-side-encryption-aws-kms-key-id"
      values   = [var.create_kms_key ? module.kms[0].key_arn : var.kms_key_arn]
    }
  }

  # "aws:kms" without a key id would encrypt with the AWS managed aws/s3 key.
  statement {
    sid       = "DenyKmsWithoutKeyId"
    effect    = "Deny"
    actions   = ["s3:PutObject", "s3:ReplicateObject"]
    resources = ["${aws_s3_bucket.this.arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "StringEquals"
      variable = "s3:x-amz-server-side-encryption"
      values   = ["aws:kms"]
    }

    condition {
      test     = "Null"
      variable = "s3:x-amz-server-side-encryption-aws-kms-key-id"
      values   = ["true"]
    }
  }
}

resource "aws_s3_bucket_policy" "this" {
  bucket = aws_s3_bucket.this.id
  policy = data.aws_iam_policy_document.bucket.json

  # The public access block must be in place before a policy is attached.
  depends_on = [aws_s3_bucket_public_access_block.this]
}
