output "task_definition_arn" {
  description = "ARN (with revision) of the task definition."
  value       = aws_ecs_task_definition.this.arn
}

output "task_definition_family" {
  description = "Family of the task definition."
  value       = aws_ecs_task_definition.this.family
}

output "task_role_arn" {
  description = "ARN of the task role (the export program's S3 and KMS permissions): created, or task_role_arn."
  value       = local.task_role_arn
}

output "execution_role_arn" {
  description = "ARN of the execution role (image pull, logs, database secret): created, or execution_role_arn."
  value       = local.execution_role_arn
}

output "log_group_name" {
  description = "Name of the CloudWatch Logs group both containers log to (created, or the caller's)."
  value       = local.log_group
}

output "log_group_arn" {
  description = "ARN of the CloudWatch Logs group (created, or the caller's)."
  value       = var.create_log_group ? aws_cloudwatch_log_group.this[0].arn : local.log_group_arn
}

output "container_names" {
  description = "Names of the init and export containers (the export container's exit code is what alerting watches)."
  value       = { init = "permissions-init", export = "export" }
}

output "task_role_name" {
  description = "Name of the task role (created, or the one task_role_arn names)."
  value       = regex("[^/]+$", local.task_role_arn)
}

output "execution_role_name" {
  description = "Name of the execution role (created, or the one execution_role_arn names)."
  value       = regex("[^/]+$", local.execution_role_arn)
}

output "task_role_policy_json" {
  description = "The task role's policy (exactly the calls docs/contract.md lists, on this bucket's prefix and key). Attached to the role the module creates; attach it to yours when you give task_role_arn."
  value       = data.aws_iam_policy_document.task.json
}

output "execution_role_policy_json" {
  description = "The execution role's policy (this image's repository, this log group, this secret). Attached to the role the module creates; attach it to yours when you give execution_role_arn."
  value       = data.aws_iam_policy_document.execution.json
}

output "ecs_tasks_trust_policy_json" {
  description = "The trust policy of both roles: ecs-tasks.amazonaws.com, from this account's ECS only. Use it for roles you give."
  value       = data.aws_iam_policy_document.ecs_tasks_trust.json
}
