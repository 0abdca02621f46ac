output "bucket_id" {
  description = "Name of the bucket."
  value       = aws_s3_bucket.this.id
}

output "bucket_arn" {
  description = "ARN of the bucket."
  value       = aws_s3_bucket.this.arn
}

output "kms_key_arn" {
  description = "ARN of the bucket's customer-managed KMS key."
  value       = module.kms.key_arn
}

output "kms_key_alias" {
  description = "Alias of the bucket's KMS key."
  value       = module.kms.alias_name
}

output "kms_key_alias_arn" {
  description = "ARN of the key's alias, known at plan time."
  value       = module.kms.alias_arn
}

output "kms_key_id" {
  description = "Id of the bucket's customer-managed KMS key."
  value       = module.kms.key_id
}
