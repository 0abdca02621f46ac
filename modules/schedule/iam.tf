# The role EventBridge uses to start the task: RunTask for this family on this
# cluster, and PassRole for exactly the task's two roles.

data "aws_iam_policy_document" "events_trust" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }

    # Only the schedule rule (EventBridge passes the rule's ARN).
    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [local.schedule_rule_arn]
    }
  }
}

resource "aws_iam_role" "events" {
  name                 = "${var.name}-events"
  description          = "EventBridge runs the ${var.name} export task with this role"
  assume_role_policy   = data.aws_iam_policy_document.events_trust.json
  permissions_boundary = var.permissions_boundary_arn
  tags                 = var.tags
}

data "aws_iam_policy_document" "events" {
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

resource "aws_iam_role_policy" "events" {
  name   = "run-export-task"
  role   = aws_iam_role.events.id
  policy = data.aws_iam_policy_document.events.json
}
