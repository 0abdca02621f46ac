# The role EventBridge Scheduler starts the task with: RunTask for this family
# on this cluster, PassRole for exactly the task's two roles, dead letters to
# this module's queue, and the module's key for the schedule and the queue.
# Only this schedule, in this account, may assume it.

data "aws_iam_policy_document" "scheduler_trust" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["scheduler.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }

    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [local.schedule_arn]
    }
  }
}

resource "aws_iam_role" "scheduler" {
  name                 = local.role_name
  path                 = var.role_path
  description          = "EventBridge Scheduler runs the ${var.name} export task with this role"
  assume_role_policy   = data.aws_iam_policy_document.scheduler_trust.json
  permissions_boundary = var.permissions_boundary_arn
  tags                 = merge(var.tags, var.role_tags)
}

data "aws_iam_policy_document" "scheduler" {
  statement {
    sid       = "RunExportTask"
    actions   = ["ecs:RunTask"]
    resources = [local.task_definition_family_arn]

    condition {
      test     = "ArnEquals"
      variable = "ecs:cluster"
      values   = [local.cluster_arn]
    }
  }

  # RunTask with tags (propagated and ECS-managed) also needs TagResource on the new task.
  statement {
    sid       = "TagExportTask"
    actions   = ["ecs:TagResource"]
    resources = ["arn:${local.partition}:ecs:${local.region}:${local.account_id}:task/${local.cluster_name}/*"]

    condition {
      test     = "StringEquals"
      variable = "ecs:CreateAction"
      values   = ["RunTask"]
    }
  }

  statement {
    sid       = "PassExportTaskRoles"
    actions   = ["iam:PassRole"]
    resources = [var.task_role_arn, var.execution_role_arn]

    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["ecs-tasks.amazonaws.com"]
    }
  }

  statement {
    sid       = "SendDeadLetters"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.this.arn]
  }

  # The queue is encrypted with the module's key: sending needs a data key.
  statement {
    sid       = "EncryptDeadLetters"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [var.create_kms_key ? module.kms[0].key_arn : var.kms_key_arn]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["sqs.${local.region}.amazonaws.com"]
    }
  }
}

resource "aws_iam_role_policy" "scheduler" {
  name   = "run-export-task"
  role   = aws_iam_role.scheduler.id
  policy = data.aws_iam_policy_document.scheduler.json
}

# Callers of the previous interface (a scheduled EventBridge rule) had this
# role as "events"; it is replaced (new name, new trust), docs/UPGRADE.md.
moved {
  from = aws_iam_role.events
  to   = aws_iam_role.scheduler
}

moved {
  from = aws_iam_role_policy.events
  to   = aws_iam_role_policy.scheduler
}
