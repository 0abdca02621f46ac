output "bucket_name" {
  description = "Name of the internal export bucket."
  value       = module.bucket.bucket_id
}

output "bucket_arn" {
  description = "ARN of the internal export bucket."
  value       = module.bucket.bucket_arn
}

output "kms_key_arn" {
  description = "ARN of the customer-managed KMS key for exports (and the task's log group): created, or kms_key_arn."
  value       = module.bucket.kms_key_arn
}

output "kms_key_alias" {
  description = "Alias of the KMS key (null for a given key)."
  value       = module.bucket.kms_key_alias
}

output "prefix" {
  description = "Key prefix the task writes under and replication copies."
  value       = var.prefix
}

output "replication_role_arn" {
  description = "ARN of the IAM role S3 replicates with. The partner's bucket policy and key policy must trust exactly this role."
  value       = try(aws_iam_role.replication[0].arn, null)
}

output "kms_key_alias_arn" {
  description = "ARN of the bucket key's alias, known at plan time: give it to the task (export-task's kms_key_alias_arn) so a first plan shows the whole task definition."
  value       = module.bucket.kms_key_alias_arn
}

output "replication_role_name" {
  description = "Name of the S3 replication role (null when replication is off)."
  value       = try(aws_iam_role.replication[0].name, null)
}

output "kms_key_id" {
  description = "Id of the bucket's customer-managed KMS key."
  value       = module.bucket.kms_key_id
}

output "kms_key_policy_json" {
  description = "The statements of the created key's policy that say who may use it (the task role and CloudWatch Logs encrypt, the replication role and readers decrypt, each through one service). With kms_key_arn, add them to that key's policy (null when the key is created here)."
  value       = try(data.aws_iam_policy_document.kms_key_policy[0].json, null)
}
