# The one source of the input patterns: every validation of the root module and
# of modules/replication-destination that checks an ARN, or a name both of
# them take, matches against these regexes (test/patterns_test.go fails when
# an ARN regex is written anywhere else, or a validation condition twice).

locals {
  # arn:PARTITION:SERVICE:REGION:ACCOUNT: in every partition (aws, aws-us-gov, aws-cn, ...).
  partition = "arn:aws[a-z-]*"
  regional  = "[a-z0-9-]+:[0-9]{12}"

  bucket_name = "[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]"
}

output "arn" {
  description = "One regex per kind of ARN an input takes, anchored at both ends."
  value = {
    # IAM names: the characters IAM allows, path included.
    iam_role           = "^${local.partition}:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+$"
    iam_role_or_user   = "^${local.partition}:iam::[0-9]{12}:(role|user)/[A-Za-z0-9+=,.@_/-]+$"
    iam_managed_policy = "^${local.partition}:iam::([0-9]{12}|aws):policy/[A-Za-z0-9+=,.@_/-]+$"
    # A key, never an alias or a key id: key policies and grants name the key.
    kms_key     = "^${local.partition}:kms:${local.regional}:key/[A-Za-z0-9-]+$"
    secret      = "^${local.partition}:secretsmanager:${local.regional}:secret:[A-Za-z0-9/_+=.@!-]+$"
    ecs_cluster = "^${local.partition}:ecs:${local.regional}:cluster/[A-Za-z0-9_-]{1,255}$"
    sns_topic   = "^${local.partition}:sns:${local.regional}:[A-Za-z0-9_-]{1,256}$"
    s3_bucket   = "^${local.partition}:s3:::${local.bucket_name}$"
  }
}

output "bucket_name" {
  description = "An S3 bucket name: 3-63 characters of a-z, 0-9, '.' and '-', starting and ending with a letter or digit. Names matching bucket_name_reserved are refused too."
  value       = "^${local.bucket_name}$"
}

output "bucket_name_reserved" {
  description = "What S3 refuses in a name that bucket_name accepts: two adjacent dots, the xn-- prefix, the -s3alias and --ol-s3 suffixes."
  value       = "\\.\\.|^xn--|-s3alias$|--ol-s3$"
}

output "key_prefix" {
  description = "An S3 key prefix: '/'-separated segments of the characters S3 calls safe, no leading, trailing or double slash."
  value       = "^[A-Za-z0-9!_.*'()-]+(/[A-Za-z0-9!_.*'()-]+)*$"
}

output "account_id" {
  description = "A 12-digit AWS account id."
  value       = "^[0-9]{12}$"
}

output "exception_reason" {
  description = "Why a control is off (an *_exception input): 20-256 characters a tag value allows, since it is written on the resource as a tag plan-review reads."
  value       = "^[\\p{L}\\p{Z}\\p{N}_.:/=+@-]{20,256}$"
}
