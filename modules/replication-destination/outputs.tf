output "bucket_name" {
  description = "Name of the bucket that receives replicas."
  value       = module.bucket.bucket_id
}

output "bucket_arn" {
  description = "ARN of the bucket that receives replicas: the source module's `replication.destination_bucket_arn`."
  value       = module.bucket.bucket_arn
}

output "kms_key_arn" {
  description = "ARN of the key that encrypts replicas: the source module's `replication.destination_kms_key_arn`."
  value       = module.bucket.kms_key_arn
}

output "prefix" {
  description = "Key prefix replicas arrive under."
  value       = var.prefix
}

output "account_id" {
  description = "Id of the account that owns the bucket: the source module's `replication.destination_account_id`."
  value       = data.aws_caller_identity.current.account_id
}

output "manifest_event_rule_arn" {
  description = "ARN of the EventBridge rule that fires when a manifest.json arrives (null unless `eventbridge.manifest_rule`)."
  value       = try(aws_cloudwatch_event_rule.manifest[0].arn, null)
}

output "manifest_event_rule_name" {
  description = "Name of the EventBridge rule that fires when a manifest.json arrives, for `aws_cloudwatch_event_target` (null unless `eventbridge.manifest_rule`)."
  value       = try(aws_cloudwatch_event_rule.manifest[0].name, null)
}
