data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.name

  bucket_arn     = "arn:${local.partition}:s3:::${var.bucket_name}"
  log_group_name = coalesce(var.log_group_name, "/ecs/${var.name}")
  # A created group by reference, so the task definition waits for it.
  log_group = var.create_log_group ? aws_cloudwatch_log_group.this[0].name : local.log_group_name
  # Built from the name (as the provider reports it: no trailing ":*").
  log_group_arn = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${local.log_group_name}"

  # The roles: the caller's, or the ones created in iam.tf.
  task_role_arn      = var.create_task_role ? aws_iam_role.task[0].arn : var.task_role_arn
  execution_role_arn = var.create_execution_role ? aws_iam_role.execution[0].arn : var.execution_role_arn
  scratch_path       = "/scratch"

  # FIPS endpoints by default where an ATO asks for them: GovCloud (SC-13).
  fips_endpoints = coalesce(var.fips_endpoints, local.partition == "aws-us-gov")

  # ACCOUNT.dkr.ecr.REGION.amazonaws.com/REPOSITORY[:TAG|@DIGEST] -> its ARN,
  # so the execution role can pull from exactly that repository.
  ecr = try(regex("^([0-9]{12})\\.dkr\\.ecr\\.([a-z0-9-]+)\\.amazonaws\\.com[^/]*/([^:@]+)", var.image), null)
  ecr_repository_arn = local.ecr == null ? null : (
    "arn:${local.partition}:ecr:${local.ecr[1]}:${local.ecr[0]}:repository/${local.ecr[2]}"
  )
}
