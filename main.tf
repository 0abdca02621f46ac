# terraform-aws-advana-export: export a PostgreSQL database with pg_dump to a
# KMS-encrypted S3 bucket on a schedule and replicate every export to the
# partner's (Advana's) account. Each concern is a submodule in modules/:
#   bucket.tf   -> modules/export-bucket (bucket, key, replication)
#   task.tf     -> modules/export-task   (task definition, roles, log group)
#   schedule.tf -> modules/schedule      (EventBridge, dead letters, alerting)

data "aws_caller_identity" "current" {}
data "aws_region" "current" {}

locals {
  bucket_name    = coalesce(var.bucket_name, "${var.name}-${data.aws_caller_identity.current.account_id}-${data.aws_region.current.name}")
  log_group_name = "/ecs/${var.name}"
}
