module "bucket" {
  source = "./modules/export-bucket"

  bucket_name                  = local.bucket_name
  prefix                       = var.prefix
  kms_key_alias                = "${var.name}/exports"
  kms_key_deletion_window_days = var.kms_key_deletion_window_days

  # The key policy names who may use the key: the task writes, CloudWatch
  # Logs encrypts the task's log group, the replication role decrypts.
  writer_role_arns = [module.task.task_role_arn]
  reader_role_arns = var.reader_role_arns
  log_group_names  = [local.log_group_name]

  lifecycle_rules = var.lifecycle_rules
  access_logging  = var.access_logging
  object_lock     = var.object_lock
  force_destroy   = var.force_destroy

  replication_enabled   = true
  replication           = var.replication
  replication_role_name = coalesce(var.iam_role_names.replication, "${var.name}-replication")
  replication_role_path = var.iam_role_path

  permissions_boundary_arn = var.permissions_boundary_arn
  tags                     = var.tags
}
