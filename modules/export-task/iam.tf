# Two roles, each scoped to the exact ARNs it needs: the execution role is
# what ECS uses to start the task (image, logs, the database secret); the task
# role is what the export program uses (S3 prefix, bucket key, RDS IAM auth).
# A caller who gives a role of their own (create_task_role = false and
# task_role_arn, likewise for the execution role) gets neither the role nor its policy: the outputs *_policy_json are the
# policies to attach to theirs, and ecs_tasks_trust_policy_json its trust.

data "aws_iam_policy_document" "ecs_tasks_trust" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["arn:${local.partition}:ecs:${local.region}:${local.account_id}:*"]
    }
  }
}

resource "aws_iam_role" "execution" {
  count = var.create_execution_role ? 1 : 0

  name                 = coalesce(var.execution_role_name, "${var.name}-execution")
  path                 = var.role_path
  description          = "ECS starts the ${var.name} export task with this role: image pull, logs, database secret"
  assume_role_policy   = data.aws_iam_policy_document.ecs_tasks_trust.json
  permissions_boundary = var.permissions_boundary_arn
  tags                 = merge(var.tags, var.role_tags)
}

data "aws_iam_policy_document" "execution" {
  dynamic "statement" {
    for_each = local.ecr_repository_arn != null ? [1] : []
    content {
      sid     = "GetEcrToken"
      actions = ["ecr:GetAuthorizationToken"]
      # GetAuthorizationToken has no resource-level permissions: AWS accepts only "*".
      resources = ["*"]
    }
  }

  dynamic "statement" {
    for_each = local.ecr_repository_arn != null ? [1] : []
    content {
      sid       = "PullTaskImage"
      actions   = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
      resources = [local.ecr_repository_arn]
    }
  }

  statement {
    sid     = "WriteTaskLogs"
    actions = ["logs:CreateLogStream", "logs:PutLogEvents"]
    # Streams are named per task at run time (PREFIX/CONTAINER/TASK_ID), so
    # the wildcard is the stream part only, inside this one log group.
    resources = ["${local.log_group_arn}:log-stream:*"]
  }

  dynamic "statement" {
    for_each = var.db_secret_arn != null ? [1] : []
    content {
      sid       = "ReadDatabaseSecret"
      actions   = ["secretsmanager:GetSecretValue"]
      resources = [var.db_secret_arn]
    }
  }

  dynamic "statement" {
    for_each = var.db_secret_kms_key_arn != null ? [1] : []
    content {
      sid       = "DecryptDatabaseSecret"
      actions   = ["kms:Decrypt"]
      resources = [var.db_secret_kms_key_arn]

      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["secretsmanager.${local.region}.amazonaws.com"]
      }
    }
  }
}

resource "aws_iam_role_policy" "execution" {
  count = var.create_execution_role ? 1 : 0

  name   = "start-export-task"
  role   = aws_iam_role.execution[0].id
  policy = data.aws_iam_policy_document.execution.json
}

resource "aws_iam_role" "task" {
  count = var.create_task_role ? 1 : 0

  name                 = coalesce(var.task_role_name, "${var.name}-task")
  path                 = var.role_path
  description          = "The ${var.name} export program: write exports to s3://${var.bucket_name}/${var.prefix}/"
  assume_role_policy   = data.aws_iam_policy_document.ecs_tasks_trust.json
  permissions_boundary = var.permissions_boundary_arn
  tags                 = merge(var.tags, var.role_tags)
}

# Exactly the calls docs/contract.md lists for the task.
data "aws_iam_policy_document" "task" {
  statement {
    sid     = "WriteExports"
    actions = ["s3:AbortMultipartUpload", "s3:ListMultipartUploadParts", "s3:PutObject", "s3:PutObjectTagging"]
    # Object keys carry the date and run id (docs/contract.md), so the
    # wildcard is the key below the export prefix of this one bucket.
    resources = ["${local.bucket_arn}/${var.prefix}/*"]
  }

  statement {
    sid       = "ListOwnMultipartUploads"
    actions   = ["s3:ListBucketMultipartUploads"]
    resources = [local.bucket_arn]
  }

  # A failed run removes what it completed (docs/contract.md, "Commit
  # protocol"): it lists the versions under its run folder and deletes each
  # by version id. Trade-off for reviewers: S3 does not evaluate
  # s3:ExistingObjectTag on DeleteObject/DeleteObjectVersion, and IAM has no
  # per-run resource, so the delete cannot be narrowed to the run's own
  # objects; it is scoped to this bucket's export prefix. The task role can
  # therefore delete older export versions in the source bucket. Their
  # replicas are out of its reach (version deletes are not replicated, and
  # the partner's bucket grants it nothing), and the lifecycle expires them
  # anyway; a task that can dump the database gains nothing by reading or
  # removing its exports.
  statement {
    sid       = "RemoveFailedRuns"
    actions   = ["s3:DeleteObjectVersion"]
    resources = ["${local.bucket_arn}/${var.prefix}/*"]
  }

  statement {
    sid       = "ListOwnVersions"
    actions   = ["s3:ListBucketVersions"]
    resources = [local.bucket_arn]

    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = ["${var.prefix}/*"]
    }
  }

  # The commit locks every version of the run (docs/contract.md, "Commit
  # protocol"): a legal hold on the archive before the manifest (liftable, so
  # a commit that fails is still undone), the retention carried by the
  # manifest PUT (which S3 authorises as s3:PutObjectRetention too), then the
  # archive's retention and its hold lifted. It cannot shorten or remove a
  # retention: that takes s3:BypassGovernanceRetention, which no role here
  # holds. So once committed, RemoveFailedRuns above is refused on the run's
  # versions; lifting a hold leaves the retention in force.
  dynamic "statement" {
    for_each = var.object_lock != null ? [1] : []
    content {
      sid       = "LockCommittedRuns"
      actions   = ["s3:PutObjectLegalHold", "s3:PutObjectRetention"]
      resources = ["${local.bucket_arn}/${var.prefix}/*"]
    }
  }

  # HeadObject (authorised as s3:GetObject) reads x-amz-replication-status
  # before the manifest is written; only when the task waits for replication.
  dynamic "statement" {
    for_each = var.replication_wait_seconds > 0 ? [1] : []
    content {
      sid       = "ReadReplicationStatus"
      actions   = ["s3:GetObject"]
      resources = ["${local.bucket_arn}/${var.prefix}/*"]
    }
  }

  # Multipart uploads with SSE-KMS need kms:Decrypt to complete;
  # DescribeKey resolves the alias the task is given to this key's ARN (the
  # key policy's account statement lets IAM grant it).
  statement {
    sid       = "EncryptExports"
    actions   = ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"]
    resources = [var.kms_key_arn]
  }

  dynamic "statement" {
    for_each = var.rds_iam_auth != null ? [var.rds_iam_auth] : []
    content {
      sid       = "ConnectWithRdsIamToken"
      actions   = ["rds-db:connect"]
      resources = ["arn:${local.partition}:rds-db:${local.region}:${local.account_id}:dbuser:${statement.value.db_resource_id}/${statement.value.db_user}"]
    }
  }
}

resource "aws_iam_role_policy" "task" {
  count = var.create_task_role ? 1 : 0

  name   = "write-exports"
  role   = aws_iam_role.task[0].id
  policy = data.aws_iam_policy_document.task.json
}

moved {
  from = aws_iam_role.execution
  to   = aws_iam_role.execution[0]
}

moved {
  from = aws_iam_role_policy.execution
  to   = aws_iam_role_policy.execution[0]
}

moved {
  from = aws_iam_role.task
  to   = aws_iam_role.task[0]
}

moved {
  from = aws_iam_role_policy.task
  to   = aws_iam_role_policy.task[0]
}
