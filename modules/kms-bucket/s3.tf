# Server access logging is optional (var.access_logging, aws_s3_bucket_logging
# below): it needs a log bucket the caller owns, which this module cannot
# create for them. Scanners look for logging on the bucket resource only;
# plan-review fails a bucket without it (control logging).
# object_lock_enabled is left to aws_s3_bucket_object_lock_configuration
# below: set here it forces a new bucket when it changes, while S3 turns
# Object Lock on for an existing versioned bucket in place.
#trivy:ignore:AVD-AWS-0089
resource "aws_s3_bucket" "this" {
  bucket        = var.bucket_name
  force_destroy = var.force_destroy
  # The exceptions travel with the bucket, where the plan, the console and
  # plan-review's register all see them.
  tags = merge(
    var.tags,
    var.access_logging_exception == null ? {} : { "advana-export:access-logging-exception" = var.access_logging_exception },
    var.object_lock_exception == null ? {} : { "advana-export:object-lock-exception" = var.object_lock_exception },
  )
}

resource "aws_s3_bucket_public_access_block" "this" {
  bucket                  = aws_s3_bucket.this.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

# ACLs are disabled: the bucket owner owns every object.
resource "aws_s3_bucket_ownership_controls" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_versioning" "this" {
  bucket = aws_s3_bucket.this.id

  versioning_configuration {
    status = "Enabled"
  }
}

# Objects uploaded without encryption headers get our key; the bucket policy
# refuses any other encryption a request asks for.
resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    bucket_key_enabled = true

    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = var.create_kms_key ? module.kms[0].key_arn : var.kms_key_arn
    }
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    id     = "abort-incomplete-multipart-uploads"
    status = "Enabled"

    filter {}

    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }

  rule {
    id     = "expire-objects"
    status = "Enabled"

    filter {
      prefix = var.lifecycle_rules.prefix
    }

    dynamic "expiration" {
      for_each = var.lifecycle_rules.expiration_days != null ? [var.lifecycle_rules.expiration_days] : []
      content {
        days = expiration.value
      }
    }

    noncurrent_version_expiration {
      noncurrent_days = var.lifecycle_rules.noncurrent_version_expiration_days
    }
  }

  depends_on = [aws_s3_bucket_versioning.this]
}

resource "aws_s3_bucket_logging" "this" {
  count = var.access_logging != null ? 1 : 0

  bucket        = aws_s3_bucket.this.id
  target_bucket = var.access_logging.target_bucket
  target_prefix = var.access_logging.target_prefix
}

# Object Lock, enabled in place (S3 allows it on an existing versioned
# bucket; it can never be turned off again). Without default_retention no
# version is locked on arrival: the export task locks a run's versions at its
# commit, so a failed run can still be removed.
resource "aws_s3_bucket_object_lock_configuration" "this" {
  count = var.object_lock != null ? 1 : 0

  bucket              = aws_s3_bucket.this.id
  object_lock_enabled = "Enabled"

  dynamic "rule" {
    for_each = var.object_lock.default_retention != null ? [var.object_lock.default_retention] : []
    content {
      default_retention {
        mode = rule.value.mode
        days = rule.value.days
      }
    }
  }

  depends_on = [aws_s3_bucket_versioning.this]
}
