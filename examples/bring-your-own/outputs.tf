output "bucket_name" {
  description = "Internal export bucket."
  value       = module.advana_export.bucket_name
}

output "prefix" {
  description = "Key prefix of the exports in the internal bucket."
  value       = module.advana_export.prefix
}

output "task_definition_arn" {
  description = "Export task definition (its roles and log group are the ones given)."
  value       = module.advana_export.task_definition_arn
}

output "own_kms_key_arn" {
  description = "The key given to the module."
  value       = aws_kms_key.exports.arn
}

output "own_task_role_arn" {
  description = "The task role given to the module."
  value       = aws_iam_role.export["task"].arn
}

output "own_execution_role_arn" {
  description = "The execution role given to the module."
  value       = aws_iam_role.export["execution"].arn
}

output "own_log_group_name" {
  description = "The log group given to the module."
  value       = aws_cloudwatch_log_group.exports.name
}

output "advana_export" {
  description = "Every output of the export module."
  value       = module.advana_export
}
