# The partner calls this module alone, in their account: every input mistake
# they can make is refused at plan time, on that input alone
# (`expect_failures` fails the run if the plan passes, or if anything else
# fails). Run by `make test` (TestPartnerInputValidation) with a mocked
# provider: no account, no emulator. The regexes are modules/patterns', which
# the root module's validations (test/terraform/validation.tftest.hcl) share.

mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = { account_id = "210987654321", arn = "arn:aws:iam::210987654321:user/terraform" }
  }
  mock_data "aws_region" {
    defaults = { name = "us-east-1" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_iam_policy_document" {
    defaults = { json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}" }
  }
}

# The README's partner block.
variables {
  bucket_name                 = "advana-milmove-exports"
  source_account_id           = "123456789012"
  source_replication_role_arn = "arn:aws:iam::123456789012:role/advana-export-replication"
  prefix                      = "exports"
  reader_role_arns            = ["arn:aws:iam::210987654321:role/advana-loader"]
}

run "valid_readme_block" {
  command = plan
}

run "valid_everything_set" {
  command = plan
  variables {
    source_replication_role_arn = "arn:aws-us-gov:iam::123456789012:role/org/advana-export-replication"
    prefix                      = "milmove/exports"
    kms_key_alias               = "advana-import/milmove"
    kms_key_administrator_arns  = ["arn:aws:iam::210987654321:role/key-admin", "arn:aws:iam::210987654321:user/ops"]
    lifecycle_rules             = { expiration_days = 90, noncurrent_version_expiration_days = 7 }
    object_lock                 = { mode = "COMPLIANCE", days = 365 }
    access_logging              = { target_bucket = "advana-access-logs" }
    eventbridge                 = { rule_name = "advana-milmove-manifest" }
  }
}

run "valid_controls_off_with_reasons" {
  command = plan
  variables {
    object_lock              = null
    object_lock_exception    = "AWS Backup vault lock on plan imports-daily"
    access_logging           = null
    access_logging_exception = "CloudTrail S3 data events on trail org-trail"
  }
}

run "bucket_name_is_an_arn" {
  command = plan
  variables {
    bucket_name = "arn:aws:s3:::advana-milmove-exports"
  }
  expect_failures = [var.bucket_name]
}

run "bucket_name_reserved_suffix" {
  command = plan
  variables {
    bucket_name = "advana-milmove-s3alias"
  }
  expect_failures = [var.bucket_name]
}

run "prefix_with_leading_slash" {
  command = plan
  variables {
    prefix = "/exports"
  }
  expect_failures = [var.prefix]
}

run "prefix_with_dot_segment" {
  command = plan
  variables {
    prefix = "exports/../other"
  }
  expect_failures = [var.prefix]
}

run "tags_reserved_aws_prefix" {
  command = plan
  variables {
    tags = { "aws:owner" = "me" }
  }
  expect_failures = [var.tags]
}

run "access_logging_target_is_an_arn" {
  command = plan
  variables {
    access_logging = { target_bucket = "arn:aws:s3:::advana-access-logs" }
  }
  expect_failures = [var.access_logging]
}

run "source_account_id_not_12_digits" {
  command = plan
  variables {
    source_account_id = "12345678901"
  }
  expect_failures = [var.source_account_id]
}

run "source_replication_role_is_a_name" {
  command = plan
  variables {
    source_replication_role_arn = "advana-export-replication"
  }
  expect_failures = [var.source_replication_role_arn]
}

run "reader_role_is_a_user" {
  command = plan
  variables {
    reader_role_arns = ["arn:aws:iam::210987654321:user/loader"]
  }
  expect_failures = [var.reader_role_arns]
}

run "kms_key_alias_reserved" {
  command = plan
  variables {
    kms_key_alias = "aws/s3"
  }
  expect_failures = [var.kms_key_alias]
}

run "lifecycle_expiration_zero" {
  command = plan
  variables {
    lifecycle_rules = { expiration_days = 0 }
  }
  expect_failures = [var.lifecycle_rules]
}

run "object_lock_mode_unknown" {
  command = plan
  variables {
    object_lock = { mode = "LEGAL_HOLD" }
  }
  expect_failures = [var.object_lock]
}

run "object_lock_days_past_s3_limit" {
  command = plan
  variables {
    object_lock = { days = 36501 }
  }
  expect_failures = [var.object_lock]
}

run "object_lock_exception_too_vague" {
  command = plan
  variables {
    object_lock           = null
    object_lock_exception = "n/a"
  }
  expect_failures = [var.object_lock_exception]
}

run "object_lock_exception_with_lock_on" {
  command = plan
  variables {
    object_lock_exception = "AWS Backup vault lock on plan imports-daily"
  }
  expect_failures = [var.object_lock_exception]
}

run "kms_key_administrator_is_a_group" {
  command = plan
  variables {
    kms_key_administrator_arns = ["arn:aws:iam::210987654321:group/admins"]
  }
  expect_failures = [var.kms_key_administrator_arns]
}

run "access_logging_exception_too_vague" {
  command = plan
  variables {
    access_logging_exception = "none"
  }
  expect_failures = [var.access_logging_exception]
}

run "access_logging_exception_with_logging_on" {
  command = plan
  variables {
    access_logging           = { target_bucket = "advana-access-logs" }
    access_logging_exception = "CloudTrail S3 data events on trail org-trail"
  }
  expect_failures = [var.access_logging_exception]
}

run "eventbridge_rule_name_with_spaces" {
  command = plan
  variables {
    eventbridge = { rule_name = "advana manifest" }
  }
  expect_failures = [var.eventbridge]
}

# Not an input check but the same promise: a replication role of another
# account than source_account_id is refused (the key policy's precondition).
run "source_role_in_another_account" {
  command = plan
  variables {
    source_replication_role_arn = "arn:aws:iam::111111111111:role/advana-export-replication"
  }
  expect_failures = [data.aws_iam_policy_document.kms]
}
