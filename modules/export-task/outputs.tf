output "task_definition_arn" {
  description = "ARN (with revision) of the task definition."
  value       = aws_ecs_task_definition.this.arn
}

output "task_definition_family" {
  description = "Family of the task definition."
  value       = aws_ecs_task_definition.this.family
}

output "task_role_arn" {
  description = "ARN of the task role (the export program's S3 and KMS permissions)."
  value       = aws_iam_role.task.arn
}

output "execution_role_arn" {
  description = "ARN of the execution role (image pull, logs, database secret)."
  value       = aws_iam_role.execution.arn
}

output "log_group_name" {
  description = "Name of the CloudWatch Logs group both containers log to."
  value       = aws_cloudwatch_log_group.this.name
}

output "log_group_arn" {
  description = "ARN of the CloudWatch Logs group."
  value       = aws_cloudwatch_log_group.this.arn
}

output "container_names" {
  description = "Names of the init and export containers (the export container's exit code is what alerting watches)."
  value       = { init = "permissions-init", export = "export" }
}

output "task_role_name" {
  description = "Name of the task role."
  value       = aws_iam_role.task.name
}

output "execution_role_name" {
  description = "Name of the execution role."
  value       = aws_iam_role.execution.name
}
