output "bucket_id" {
  description = "Name of the bucket."
  value       = aws_s3_bucket.this.id
}

output "bucket_arn" {
  description = "ARN of the bucket."
  value       = aws_s3_bucket.this.arn
}

output "kms_key_arn" {
  description = "ARN of the bucket's customer-managed KMS key (created, or kms_key_arn)."
  value       = var.create_kms_key ? module.kms[0].key_arn : var.kms_key_arn
}

output "kms_key_alias" {
  description = "Alias of the bucket's KMS key (null for a given key)."
  value       = try(module.kms[0].alias_name, null)
}

output "kms_key_alias_arn" {
  description = "ARN of the key's alias, known at plan time (null for a given key)."
  value       = try(module.kms[0].alias_arn, null)
}

output "kms_key_id" {
  description = "Id of the bucket's customer-managed KMS key."
  value       = var.create_kms_key ? module.kms[0].key_id : regex("[^/]+$", var.kms_key_arn)
}

output "kms_key_policy_documents" {
  description = "The key policy documents (JSON) that say who may use the key: in the created key's policy, or for the caller to add to the given key's."
  value       = concat(var.key_policy_documents, length(var.reader_role_arns) > 0 ? [data.aws_iam_policy_document.readers.json] : [])
}
