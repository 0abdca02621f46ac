module "bucket" {
  source = "./modules/export-bucket"
  count  = var.create ? 1 : 0

  bucket_name                  = local.bucket_name
  prefix                       = var.prefix
  create_kms_key               = var.create_kms_key
  kms_key_arn                  = var.kms_key_arn
  kms_key_alias                = "${var.name}/exports"
  kms_key_deletion_window_days = var.kms_key_deletion_window_days
  kms_key_administrator_arns   = var.kms_key_administrator_arns

  # The key policy names who may use the key: the task writes, CloudWatch
  # Logs encrypts the task's log group, the replication role decrypts.
  writer_role_arns = [module.task[0].task_role_arn]
  reader_role_arns = var.reader_role_arns
  # Only the group the module creates: a given group's encryption is the caller's.
  log_group_names = var.create_log_group ? [local.log_group_name] : []

  lifecycle_rules          = var.lifecycle_rules
  access_logging           = var.access_logging
  access_logging_exception = var.access_logging_exception
  object_lock_enabled      = var.object_lock != null
  object_lock_exception    = var.object_lock_exception
  force_destroy            = var.force_destroy

  replication_enabled   = true
  replication           = var.replication
  replication_role_name = coalesce(var.iam_role_names.replication, "${var.name}-replication")
  replication_role_path = var.iam_role_path

  permissions_boundary_arn = var.permissions_boundary_arn
  tags                     = merge(var.tags, var.bucket_tags)
  role_tags                = var.role_tags
}

# A first apply may come before the partner's bucket and key exist (they need
# the replication role's ARN from this apply): that is allowed, and said.
check "replication_configured" {
  assert {
    condition     = !var.create || var.replication != null
    error_message = "replication is not set: exports stay in the internal bucket and nothing reaches the partner. Send output partner to the partner, and set replication from their modules/replication-destination outputs."
  }
}

moved {
  from = module.bucket
  to   = module.bucket[0]
}
