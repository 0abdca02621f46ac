data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.name

  cluster_arn  = var.cluster_arn != null ? var.cluster_arn : aws_ecs_cluster.this[0].arn
  cluster_name = split("/", local.cluster_arn)[1]

  # arn:...:task-definition/FAMILY:REV -> any revision of FAMILY
  task_definition_family_arn = "${regex("^(.*:task-definition/[^:]+):[0-9]+$", var.task_definition_arn)[0]}:*"

  # Scheduler, or a scheduled EventBridge rule where Scheduler is not offered.
  rule      = var.service == "eventbridge-rule"
  role_name = coalesce(var.role_name, local.rule ? "${var.name}-events" : "${var.name}-scheduler")

  # Known before the resources exist, so policies can name them without cycles.
  schedule_arn      = "arn:${local.partition}:scheduler:${local.region}:${local.account_id}:schedule/default/${var.name}"
  schedule_rule_arn = "arn:${local.partition}:events:${local.region}:${local.account_id}:rule/${var.name}"
  failure_rule_arn  = "arn:${local.partition}:events:${local.region}:${local.account_id}:rule/${var.name}-failed"
  alarm_name        = "${var.name}-no-successful-export"
  alarm_arn         = "arn:${local.partition}:cloudwatch:${local.region}:${local.account_id}:alarm:${local.alarm_name}"
  topic_arn         = var.alarm_topic_arn != null ? var.alarm_topic_arn : aws_sns_topic.this[0].arn
  # The key (the caller's kms_key_arn, or the one created below) is written
  # out where it is used, not kept in a local: plan-review traces it through
  # the plan's configuration, which holds no locals.
}

resource "aws_ecs_cluster" "this" {
  count = var.cluster_arn == null ? 1 : 0

  name = var.name

  setting {
    name  = "containerInsights"
    value = "enabled"
  }

  tags = var.tags
}

# Encrypts the schedule, the dead-letter queue and the alert topic.
# EventBridge, CloudWatch alarms and the scheduler's role must be able to use
# it to deliver to them. A caller who gives kms_key_arn (create_kms_key =
# false) gets no key here, and
# output kms_key_policy_json is what that key's policy must allow.
module "kms" {
  source = "../kms-key"
  count  = var.create_kms_key ? 1 : 0

  alias              = "${var.name}-alerts"
  description        = "Encrypts the ${var.name} export schedule, its dead-letter queue and alert topic"
  policy_documents   = [data.aws_iam_policy_document.kms.json]
  administrator_arns = var.kms_key_administrator_arns
  tags               = var.tags
}

moved {
  from = module.kms
  to   = module.kms[0]
}

data "aws_iam_policy_document" "kms" {
  # With Scheduler, its role decrypts the schedule (below).
  source_policy_documents = data.aws_iam_policy_document.kms_scheduler[*].json

  statement {
    sid       = "EventBridgeAndAlarmsDeliver"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = ["*"] # In a key policy "*" means this key and nothing else.

    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com", "events.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }

  # Lets IAM policies in this account grant the key through Scheduler (whoever
  # creates or updates the schedule encrypts it; not with a scheduled rule),
  # and reading the queue and topic (operators, subscribers, the scheduler
  # role's dead letters), through those services only.
  statement {
    sid       = "AccountUsesThroughSchedulerSqsAndSns"
    actions   = ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"]
    resources = ["*"] # This key only (key policy).

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = concat(local.rule ? [] : ["scheduler.${local.region}.amazonaws.com"], ["sns.${local.region}.amazonaws.com", "sqs.${local.region}.amazonaws.com"])
    }
  }
}

# The scheduler decrypts the schedule it encrypted with this key, as the
# schedule's own role, for this schedule only. A scheduled rule is not
# encrypted with this key (EventBridge keeps rules with its own): no
# statement then. A document of its own, not a dynamic block, so that
# plan-review can trace the role it names.
data "aws_iam_policy_document" "kms_scheduler" {
  count = local.rule ? 0 : 1

  statement {
    sid       = "SchedulerRoleDecryptsSchedule"
    actions   = ["kms:Decrypt"]
    resources = ["*"] # This key only (key policy).

    principals {
      type        = "AWS"
      identifiers = [aws_iam_role.scheduler.arn]
    }

    condition {
      test     = "StringEquals"
      variable = "kms:EncryptionContext:aws:scheduler:schedule:arn"
      values   = [local.schedule_arn]
    }
  }
}
