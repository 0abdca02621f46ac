provider "aws" {
  region = var.region
}

data "aws_caller_identity" "current" {}
data "aws_region" "current" {}
data "aws_partition" "current" {}

# What an organisation that governs its own keys, roles and log groups
# passes in: the module then creates none of them, and its outputs say what
# to grant them. The key policy names the module's roles (an output of the
# module), so nothing the module takes may wait for that policy: the key and
# the log group start with the organisation's own statements.
locals {
  account_id = data.aws_caller_identity.current.account_id
  region     = data.aws_region.current.name
  partition  = data.aws_partition.current.partition
  log_group  = "/org/${var.name}"
}

# The key: one customer-managed key for the bucket, the logs, the schedule,
# its dead-letter queue and the alert topic. It starts with the statements
# the organisation owns (administrators, CloudWatch Logs for the log group
# below, which is created with it); the module's statements follow once the
# module's roles exist (aws_kms_key_policy below owns the policy from then on).
resource "aws_kms_key" "exports" {
  description         = "${var.name}: exports, logs, schedule, dead letters, alerts"
  enable_key_rotation = true
  policy              = data.aws_iam_policy_document.exports_key_base.json

  lifecycle {
    ignore_changes = [policy]
  }
}

# The identity that applies this (for an assumed role, the role).
data "aws_iam_session_context" "current" {
  arn = data.aws_caller_identity.current.arn
}

data "aws_iam_policy_document" "exports_key_base" {
  statement {
    sid = "OrganisationAdministersKey"
    actions = [
      "kms:CancelKeyDeletion", "kms:CreateAlias", "kms:DeleteAlias", "kms:DescribeKey", "kms:EnableKeyRotation",
      "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListResourceTags",
      "kms:ScheduleKeyDeletion", "kms:TagResource", "kms:UntagResource", "kms:UpdateKeyDescription",
    ]
    resources = ["*"] # This key only (key policy).

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }

  # Rewriting the policy hands out the key's data: only the administrators
  # may (what the module's own keys do, modules/kms-key).
  statement {
    sid       = "AdministratorsChangeKeyPolicy"
    actions   = ["kms:PutKeyPolicy"]
    resources = ["*"] # This key only (key policy).

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }

    condition {
      test     = "ArnEquals"
      variable = "aws:PrincipalArn"
      values   = [data.aws_iam_session_context.current.issuer_arn, "arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }

  statement {
    sid       = "CloudWatchLogsEncryptsExportLogs"
    actions   = ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncryptFrom", "kms:ReEncryptTo"]
    resources = ["*"] # This key only (key policy).

    principals {
      type        = "Service"
      identifiers = ["logs.${local.region}.amazonaws.com"]
    }

    condition {
      test     = "ArnEquals"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = ["arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${local.log_group}"]
    }
  }
}

# The whole policy: the organisation's statements and what the module says
# its roles and services need (output kms_key_policy_json).
data "aws_iam_policy_document" "exports_key" {
  source_policy_documents = [data.aws_iam_policy_document.exports_key_base.json, module.advana_export.kms_key_policy_json]
}

resource "aws_kms_key_policy" "exports" {
  key_id = aws_kms_key.exports.id
  policy = data.aws_iam_policy_document.exports_key.json
}

# The log group, with the organisation's retention.
resource "aws_cloudwatch_log_group" "exports" {
  name              = local.log_group
  retention_in_days = 3653
  kms_key_id        = aws_kms_key.exports.arn
}

# The roles, in the organisation's path and with its boundary; they trust
# and may do exactly what the module's own roles would. A role may not wait
# for its policy: the policies name the key, whose policy names the roles.
resource "aws_iam_role" "export" {
  for_each = toset(["task", "execution"])

  name                 = "${var.name}-${each.key}"
  path                 = "/org/"
  assume_role_policy   = module.advana_export.ecs_tasks_trust_policy_json
  permissions_boundary = var.permissions_boundary_arn
}

# One resource each, not a for_each over both: a reviewer (plan-review)
# traces each policy to the module's document only through a direct reference.
resource "aws_iam_role_policy" "task" {
  name   = "write-exports"
  role   = aws_iam_role.export["task"].name
  policy = module.advana_export.task_role_policy_json
}

resource "aws_iam_role_policy" "execution" {
  name   = "start-export-task"
  role   = aws_iam_role.export["execution"].name
  policy = module.advana_export.execution_role_policy_json
}

module "advana_export" {
  source = "../../"

  name          = var.name
  image         = var.image
  bucket_name   = var.bucket_name
  db_secret_arn = var.db_secret_arn
  database = {
    host = var.database_host
    port = var.database_port
    name = var.database_name
  }
  subnet_ids         = var.subnet_ids
  security_group_ids = var.security_group_ids

  # Bring your own: the module creates no key, no task or execution role and
  # no log group.
  # (The create_* flags say so at plan time: the ARNs are known only after
  # the first apply.)
  create_kms_key        = false
  kms_key_arn           = aws_kms_key.exports.arn
  create_task_role      = false
  task_role_arn         = aws_iam_role.export["task"].arn
  create_execution_role = false
  execution_role_arn    = aws_iam_role.export["execution"].arn
  create_log_group      = false
  log_group_name        = aws_cloudwatch_log_group.exports.name

  # The roles it still creates (scheduler, replication) take the same path
  # and boundary; each part carries its own tags over the common ones.
  iam_role_path            = "/org/"
  permissions_boundary_arn = var.permissions_boundary_arn
  tags                     = { Project = "advana-export" }
  bucket_tags              = { DataClassification = "CUI" }
  role_tags                = { Owner = "platform" }

  # Weekly: more than 166 hours apart, so no missed-run alarm (CloudWatch
  # looks back at most 168 hours); the failure rule and the dead-letter queue
  # still report every run that fails or cannot start.
  schedule_expression    = "cron(0 3 ? * SUN *)"
  missed_run_alarm_hours = 0

  # A test's bucket is emptied and destroyed; keep false in real use.
  force_destroy = var.force_destroy
}
