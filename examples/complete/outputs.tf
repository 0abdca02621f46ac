output "bucket_name" {
  description = "Internal export bucket."
  value       = module.advana_export.bucket_name
}

output "kms_key_arn" {
  description = "Key of the internal bucket."
  value       = module.advana_export.kms_key_arn
}

output "task_definition_arn" {
  description = "Export task definition."
  value       = module.advana_export.task_definition_arn
}

output "schedule_arn" {
  description = "EventBridge Scheduler schedule that runs the export."
  value       = module.advana_export.schedule_arn
}

output "log_group_name" {
  description = "Log group of the task."
  value       = module.advana_export.log_group_name
}

output "alarm_topic_arn" {
  description = "Topic that receives alerts."
  value       = module.advana_export.alarm_topic_arn
}

output "replication_role_arn" {
  description = "Replication role the partner trusts."
  value       = module.advana_export.replication_role_arn
}

output "partner_bucket_name" {
  description = "The partner's bucket."
  value       = module.advana.bucket_name
}

output "partner_kms_key_arn" {
  description = "The partner's replica key."
  value       = module.advana.kms_key_arn
}

output "prefix" {
  description = "Key prefix of the exports in the internal bucket."
  value       = module.advana_export.prefix
}

output "advana_export" {
  description = "Every output of the export module, for the operating commands."
  value       = module.advana_export
}
