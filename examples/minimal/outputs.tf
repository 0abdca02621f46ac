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
