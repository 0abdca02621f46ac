output "replication_role_arn" {
  description = "Give this to the partner: their bucket and key policies trust exactly this role."
  value       = module.advana_export.replication_role_arn
}

output "bucket_name" {
  description = "Internal export bucket."
  value       = module.advana_export.bucket_name
}

output "alarm_topic_arn" {
  description = "Subscribe on-call to this topic."
  value       = module.advana_export.alarm_topic_arn
}

output "prefix" {
  description = "Key prefix of the exports in the internal bucket."
  value       = module.advana_export.prefix
}

output "task_definition_arn" {
  description = "Export task definition."
  value       = module.advana_export.task_definition_arn
}

output "partner" {
  description = "Send this to the partner: the inputs of their modules/replication-destination."
  value       = module.advana_export.partner
}
