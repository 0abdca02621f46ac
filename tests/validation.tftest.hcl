# Every input mistake a caller can make is refused at plan time by the root
# module, with the failure on that input alone (`expect_failures` fails the
# run if the plan passes, or if anything else fails). Run by `make test`
# (TestRootInputValidation) with a mocked provider: no account, no emulator.
# The messages and where Terraform points (the caller's module block) are
# checked from a caller's configuration by TestCallerSeesOneErrorAtTheirBlock.

mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012", arn = "arn:aws:iam::123456789012:user/terraform" }
  }
  mock_data "aws_iam_session_context" {
    defaults = { issuer_arn = "arn:aws:iam::123456789012:user/terraform" }
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

variables {
  image              = "123456789012.dkr.ecr.us-east-1.amazonaws.com/advana-export@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
  db_secret_arn      = "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0-AbCdEf"
  database           = { host = "milmove.abcdefghijkl.us-east-1.rds.amazonaws.com", name = "milmove" }
  subnet_ids         = ["subnet-0123456789abcdef0"]
  security_group_ids = ["sg-0123456789abcdef0"]
  replication = {
    destination_bucket_arn  = "arn:aws:s3:::advana-milmove-exports"
    destination_account_id  = "210987654321"
    destination_kms_key_arn = "arn:aws:kms:us-east-1:210987654321:key/1a2b3c4d-1111-2222-3333-444444444444"
  }
}

# Valid: the README's usage with an RDS-managed secret (rds!db-…), and the
# values that look like mistakes but are not.
run "valid_rds_managed_secret" {
  command = plan
}

run "valid_first_apply_without_partner_values" {
  command = plan
  variables {
    replication = null
  }
  # Said, not silent: a warning that nothing reaches the partner yet.
  expect_failures = [check.replication_configured]
}

run "valid_directory_format_with_jobs" {
  command = plan
  variables {
    dump = { format = "directory", jobs = 4 }
  }
}

run "valid_tag_with_explicit_opt_out" {
  command = plan
  variables {
    image               = "advana-export:v1"
    allow_mutable_image = true
  }
}

# Mistakes.
run "valid_parquet_with_jobs" {
  command = plan
  variables {
    dump = { format = "parquet", jobs = 4 }
  }
}

run "parallel_jobs_with_custom_format" {
  command = plan
  variables {
    dump = { jobs = 4 }
  }
  expect_failures = [var.dump]
}

run "format_unknown" {
  command = plan
  variables {
    dump = { format = "tar" }
  }
  expect_failures = [var.dump]
}

run "image_without_digest" {
  command = plan
  variables {
    image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/advana-export:latest"
  }
  expect_failures = [var.image]
}

run "secret_name_instead_of_arn" {
  command = plan
  variables {
    db_secret_arn = "advana/db"
  }
  expect_failures = [var.db_secret_arn]
}

run "database_host_as_url" {
  command = plan
  variables {
    database = { host = "postgres://milmove.abcdefghijkl.us-east-1.rds.amazonaws.com:5432", name = "milmove" }
  }
  expect_failures = [var.database]
}

run "database_unencrypted" {
  command = plan
  variables {
    database = { host = "db.internal", name = "milmove", sslmode = "disable" }
  }
  expect_failures = [var.database]
}

run "destination_in_this_account" {
  command = plan
  variables {
    replication = {
      destination_bucket_arn  = "arn:aws:s3:::advana-milmove-exports"
      destination_account_id  = "123456789012"
      destination_kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/1a2b3c4d-1111-2222-3333-444444444444"
    }
  }
  expect_failures = [var.replication]
}

run "partner_key_in_another_account" {
  command = plan
  variables {
    replication = {
      destination_bucket_arn  = "arn:aws:s3:::advana-milmove-exports"
      destination_account_id  = "210987654321"
      destination_kms_key_arn = "arn:aws:kms:us-east-1:111111111111:key/1a2b3c4d-1111-2222-3333-444444444444"
    }
  }
  expect_failures = [var.replication]
}

run "destination_bucket_name_instead_of_arn" {
  command = plan
  variables {
    replication = {
      destination_bucket_arn  = "advana-milmove-exports"
      destination_account_id  = "210987654321"
      destination_kms_key_arn = "arn:aws:kms:us-east-1:210987654321:key/1a2b3c4d-1111-2222-3333-444444444444"
    }
  }
  expect_failures = [var.replication]
}

run "account_id_not_12_digits" {
  command = plan
  variables {
    replication = {
      destination_bucket_arn  = "arn:aws:s3:::advana-milmove-exports"
      destination_account_id  = "21098765432"
      destination_kms_key_arn = "arn:aws:kms:us-east-1:21098765432:key/1a2b3c4d-1111-2222-3333-444444444444"
    }
  }
  expect_failures = [var.replication]
}

run "prefix_is_a_dot" {
  command = plan
  variables {
    prefix = "."
  }
  expect_failures = [var.prefix]
}

run "prefix_with_dot_segment" {
  command = plan
  variables {
    prefix = "a/./b"
  }
  expect_failures = [var.prefix]
}

run "bucket_name_with_capitals" {
  command = plan
  variables {
    bucket_name = "My_Exports.Bucket"
  }
  expect_failures = [var.bucket_name]
}

run "schedule_singular_unit" {
  command = plan
  variables {
    schedule_expression = "rate(12 hour)"
  }
  expect_failures = [var.schedule_expression]
}

run "cpu_memory_not_a_fargate_pair" {
  command = plan
  variables {
    task_size = { cpu = 1024, memory = 1024 }
  }
  expect_failures = [var.task_size]
}

run "log_retention_below_365" {
  command = plan
  variables {
    log_retention_days = 90
  }
  expect_failures = [var.log_retention_days]
}

run "export_as_root" {
  command = plan
  variables {
    container_user = { uid = 0, gid = 0 }
  }
  expect_failures = [var.container_user]
}

run "subnet_cidr_instead_of_id" {
  command = plan
  variables {
    subnet_ids = ["10.0.0.0/24"]
  }
  expect_failures = [var.subnet_ids]
}

run "cluster_name_instead_of_arn" {
  command = plan
  variables {
    cluster_arn = "exports"
  }
  expect_failures = [var.cluster_arn]
}

run "stop_timeout_above_fargate_limit" {
  command = plan
  variables {
    stop_timeout = 300
  }
  expect_failures = [var.stop_timeout]
}

run "valid_missed_run_alarm_off" {
  command = plan
  variables {
    schedule_expression    = "rate(14 days)"
    missed_run_alarm_hours = 0
  }
}

run "missed_run_alarm_beyond_cloudwatch" {
  command = plan
  variables {
    missed_run_alarm_hours = 200
  }
  expect_failures = [var.missed_run_alarm_hours]
}
