module "task" {
  source = "./modules/export-task"
  count  = var.create ? 1 : 0

  name                  = var.name
  image                 = var.image
  allow_mutable_image   = var.allow_mutable_image
  task_size             = var.task_size
  ephemeral_storage_gib = var.ephemeral_storage_gib
  runtime_platform      = var.runtime_platform
  container_user        = var.container_user
  stop_timeout          = var.stop_timeout
  fips_endpoints        = var.fips_endpoints
  # Validated here (the caller's value); recorded on the task definition.
  fips_endpoints_exception = var.fips_endpoints_exception

  bucket_name       = local.bucket_name
  prefix            = var.prefix
  kms_key_arn       = module.bucket[0].kms_key_arn
  kms_key_alias_arn = module.bucket[0].kms_key_alias_arn
  dump              = var.dump

  # The retention the task puts on a run at its commit (the bucket has
  # Object Lock and no default rule): as long as the lifecycle keeps it.
  object_lock = var.object_lock == null ? null : {
    mode = var.object_lock.mode
    days = coalesce(var.object_lock.days, var.lifecycle_rules.expiration_days)
  }

  stall_timeout_seconds = var.stall_timeout_seconds
  # Nothing replicates until the partner's values are set: waiting for a
  # replication status then would fail every run of a first apply.
  replication_wait_seconds = var.replication == null ? 0 : var.replication_wait_seconds

  database              = var.database
  db_secret_arn         = var.db_secret_arn
  db_secret_kms_key_arn = var.db_secret_kms_key_arn
  rds_iam_auth          = var.rds_iam_auth

  log_group_name     = local.log_group_name
  create_log_group   = var.create_log_group
  log_retention_days = var.log_retention_days

  create_task_role      = var.create_task_role
  task_role_arn         = var.task_role_arn
  create_execution_role = var.create_execution_role
  execution_role_arn    = var.execution_role_arn
  task_role_name        = var.iam_role_names.task
  execution_role_name   = var.iam_role_names.execution
  role_path             = var.iam_role_path

  permissions_boundary_arn = var.permissions_boundary_arn
  tags                     = merge(var.tags, var.task_tags)
  role_tags                = var.role_tags
}

moved {
  from = module.task
  to   = module.task[0]
}
