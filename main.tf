# terraform-aws-advana-export: export a PostgreSQL database with pg_dump to a
# KMS-encrypted S3 bucket on a schedule and replicate every export to the
# partner's (Advana's) account. Each concern is a submodule in modules/:
#   bucket.tf   -> modules/export-bucket (bucket, key, replication)
#   export_task.tf     -> modules/export-task   (task definition, roles, log group)
#   schedule.tf -> modules/schedule      (EventBridge, dead letters, alerting)
# They are building blocks, not modules of their own: every input a caller
# gives is validated here (variables.tf), once, and they declare types only.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

# The input patterns the validations in variables.tf match against, shared
# with modules/replication-destination: one regex per kind of ARN and name.
module "patterns" {
  source = "./modules/patterns"
}

locals {
  bucket_name    = coalesce(var.bucket_name, "${var.name}-${data.aws_caller_identity.current.account_id}-${data.aws_region.current.name}")
  log_group_name = coalesce(var.log_group_name, "/ecs/${var.name}")

  # EventBridge Scheduler where AWS documents it (its GovCloud page lists no
  # difference for it today; docs/govcloud.md), a scheduled rule elsewhere.
  schedule_service = coalesce(var.schedule_service, contains(["aws", "aws-us-gov", "aws-cn"], data.aws_partition.current.partition) ? "scheduler" : "eventbridge-rule")
}

# With a key of the caller's (kms_key_arn), what its policy must allow: the
# statements the module's two keys would carry, in one document.
data "aws_iam_policy_document" "kms_key_policy" {
  count = var.create && !var.create_kms_key ? 1 : 0

  source_policy_documents = [module.bucket[0].kms_key_policy_json, module.schedule[0].kms_key_policy_json]
}
