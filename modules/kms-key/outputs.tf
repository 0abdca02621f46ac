output "key_arn" {
  description = "ARN of the KMS key."
  value       = aws_kms_key.this.arn
}

output "key_id" {
  description = "Id of the KMS key."
  value       = aws_kms_key.this.key_id
}

output "alias_name" {
  description = "Alias of the KMS key (`alias/...`)."
  value       = aws_kms_alias.this.name
}

output "alias_arn" {
  description = "ARN of the key's alias. Built from the account, region and alias name, so it is known at plan time, before the key exists (aws_kms_alias.arn is not)."
  value       = "arn:${data.aws_partition.current.partition}:kms:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:${aws_kms_alias.this.name}"
}
