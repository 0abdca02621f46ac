# The role that starts the task: EventBridge Scheduler's (scheduler.amazonaws.com)
# or, with service = "eventbridge-rule", the rule target's (events.amazonaws.com).
# Either may RunTask for this family on this cluster and PassRole exactly the
# task's two roles (run_task below, written once for both); only this schedule
# or rule, in this account, may assume it. Scheduler also sends the dead
# letters with it; a rule's target sends them as EventBridge (schedule.tf).

data "aws_iam_policy_document" "scheduler_trust" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = [local.rule ? "events.amazonaws.com" : "scheduler.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }

    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [local.rule ? local.schedule_rule_arn : local.schedule_arn]
    }
  }
}

# One role either way; the service that may assume it, its name
# (`<name>-scheduler` or `<name>-events`) and its policy follow the choice.
resource "aws_iam_role" "scheduler" {
  name                 = local.role_name
  path                 = var.role_path
  description          = local.rule ? "The ${var.name} EventBridge schedule rule runs the export task with this role" : "EventBridge Scheduler runs the ${var.name} export task with this role"
  assume_role_policy   = data.aws_iam_policy_document.scheduler_trust.json
  permissions_boundary = var.permissions_boundary_arn
  tags                 = merge(var.tags, var.role_tags)
}

data "aws_iam_policy_document" "run_task" {
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
}

data "aws_iam_policy_document" "scheduler" {
  source_policy_documents = [data.aws_iam_policy_document.run_task.json]

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

# A rule's role needs no dead-letter statements: EventBridge sends them as
# the service, through the queue's policy (schedule.tf).
resource "aws_iam_role_policy" "scheduler" {
  name   = "run-export-task"
  role   = aws_iam_role.scheduler.id
  policy = local.rule ? data.aws_iam_policy_document.run_task.json : data.aws_iam_policy_document.scheduler.json
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

