module "schedule" {
  source = "./modules/schedule"
  count  = var.create ? 1 : 0

  name                         = var.name
  service                      = local.schedule_service
  schedule_expression          = var.schedule_expression
  schedule_timezone            = var.schedule_timezone
  flexible_time_window_minutes = var.flexible_time_window_minutes
  enabled                      = var.schedule_enabled
  cluster_arn                  = var.cluster_arn
  platform_version             = var.platform_version
  subnet_ids                   = var.subnet_ids
  security_group_ids           = var.security_group_ids
  retry_policy                 = var.retry_policy

  task_definition_arn = module.task[0].task_definition_arn
  task_role_arn       = module.task[0].task_role_arn
  execution_role_arn  = module.task[0].execution_role_arn
  log_group_name      = module.task[0].log_group_name

  alarm_topic_arn        = var.alarm_topic_arn
  missed_run_alarm_hours = var.missed_run_alarm_hours

  create_kms_key             = var.create_kms_key
  kms_key_arn                = var.kms_key_arn
  kms_key_administrator_arns = var.kms_key_administrator_arns
  role_name                  = var.iam_role_names.scheduler
  role_path                  = var.iam_role_path

  permissions_boundary_arn = var.permissions_boundary_arn
  tags                     = merge(var.tags, var.schedule_tags)
  role_tags                = var.role_tags
}

moved {
  from = module.schedule
  to   = module.schedule[0]
}
