data "aws_caller_identity" "source" {}

locals {
  tags = merge(var.tags, { Example = "complete" })
}

# The partner's side: a bucket and key that accept replicas from exactly the
# source's replication role.
module "advana" {
  source = "../../modules/replication-destination"

  providers = {
    aws = aws.partner
  }

  bucket_name                 = var.partner_bucket_name
  prefix                      = "exports"
  source_account_id           = data.aws_caller_identity.source.account_id
  source_replication_role_arn = module.advana_export.replication_role_arn
  reader_role_arns            = var.partner_reader_role_arns
  lifecycle_rules             = { noncurrent_version_expiration_days = 30 }
  access_logging              = var.partner_access_log_bucket == null ? null : { target_bucket = var.partner_access_log_bucket, target_prefix = "advana-import/" }
  # An EventBridge event when a complete export (its manifest.json) arrives.
  eventbridge = {}
  tags        = local.tags
}

module "advana_export" {
  source = "../../"

  name        = var.name
  image       = var.image
  bucket_name = var.bucket_name
  prefix      = "exports"

  # Database: the address from here, the user and password from the secret
  # (an RDS-managed secret holds only those two).
  db_secret_arn         = var.db_secret_arn
  db_secret_kms_key_arn = var.db_secret_kms_key_arn
  database = {
    host    = var.database_host
    port    = var.database_port
    name    = var.database_name
    sslmode = "verify-full"
  }

  # Large database: directory format with 4 parallel jobs on 100 GiB of scratch.
  dump                  = { format = "directory", jobs = 4 }
  task_size             = { cpu = 2048, memory = 8192 }
  ephemeral_storage_gib = 100
  runtime_platform      = { cpu_architecture = "ARM64" }
  stop_timeout          = 120
  log_retention_days    = 731

  # Internal bucket.
  lifecycle_rules  = { expiration_days = 14, noncurrent_version_expiration_days = 7 }
  access_logging   = var.access_log_bucket == null ? null : { target_bucket = var.access_log_bucket, target_prefix = "advana-export/" }
  reader_role_arns = var.reader_role_arns

  replication = {
    destination_bucket_arn   = module.advana.bucket_arn
    destination_account_id   = module.advana.account_id
    destination_kms_key_arn  = module.advana.kms_key_arn
    storage_class            = "STANDARD"
    replication_time_control = true
  }

  # Schedule: twice a day, started within 15 minutes of the hour, on a
  # cluster of our own (null creates one).
  schedule_expression          = "rate(12 hours)"
  flexible_time_window_minutes = 15
  schedule_enabled             = true
  cluster_arn                  = var.cluster_arn
  subnet_ids                   = var.subnet_ids
  security_group_ids           = var.security_group_ids
  platform_version             = "1.4.0"
  retry_policy                 = { maximum_event_age_in_seconds = 3600, maximum_retry_attempts = 5 }
  alarm_topic_arn              = var.alarm_topic_arn
  missed_run_alarm_hours       = 14

  permissions_boundary_arn = var.permissions_boundary_arn
  tags                     = local.tags
}
