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

# The bucket tag it becomes is checked where it is read: plan-review's
# TestAccessLoggingException plans examples/minimal with it.
run "valid_access_logging_exception" {
  command = plan
  variables {
    access_logging_exception = "CloudTrail S3 data events on trail org-trail"
  }
}

run "access_logging_exception_too_vague" {
  command = plan
  variables {
    access_logging_exception = "n/a"
  }
  expect_failures = [var.access_logging_exception]
}

run "access_logging_exception_with_logging_on" {
  command = plan
  variables {
    access_logging           = { target_bucket = "milmove-access-logs" }
    access_logging_exception = "CloudTrail S3 data events on trail org-trail"
  }
  expect_failures = [var.access_logging_exception]
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

# Bring your own roles and log group.
run "valid_own_roles_and_log_group" {
  command = plan
  variables {
    create_task_role      = false
    task_role_arn         = "arn:aws:iam::123456789012:role/org/advana-export-task"
    create_execution_role = false
    execution_role_arn    = "arn:aws:iam::123456789012:role/org/advana-export-execution"
    create_log_group      = false
    log_group_name        = "/org/advana-export"
  }
  # The outputs point at what was given.
  assert {
    condition     = output.task_role_arn == "arn:aws:iam::123456789012:role/org/advana-export-task" && output.task_role_name == "advana-export-task"
    error_message = "task_role_arn/task_role_name do not point at the given role"
  }
  assert {
    condition     = output.execution_role_arn == "arn:aws:iam::123456789012:role/org/advana-export-execution" && output.execution_role_name == "advana-export-execution"
    error_message = "execution_role_arn/execution_role_name do not point at the given role"
  }
  assert {
    condition     = output.log_group_name == "/org/advana-export" && output.log_group_arn == "arn:aws:logs:us-east-1:123456789012:log-group:/org/advana-export"
    error_message = "log_group_name/log_group_arn do not point at the given group"
  }
}

run "task_role_name_instead_of_arn" {
  command = plan
  variables {
    create_task_role = false
    task_role_arn    = "advana-export-task"
  }
  expect_failures = [var.task_role_arn]
}

run "execution_role_in_another_account" {
  command = plan
  variables {
    create_execution_role = false
    execution_role_arn    = "arn:aws:iam::210987654321:role/advana-export-execution"
  }
  expect_failures = [var.execution_role_arn]
}

run "own_task_role_and_a_name_for_it" {
  command = plan
  variables {
    create_task_role = false
    task_role_arn    = "arn:aws:iam::123456789012:role/advana-export-task"
    iam_role_names   = { task = "org-export-task" }
  }
  expect_failures = [var.create_task_role]
}

run "log_group_arn_instead_of_name" {
  command = plan
  variables {
    create_log_group = false
    log_group_name   = "arn:aws:logs:us-east-1:123456789012:log-group:/org/advana-export"
  }
  expect_failures = [var.log_group_name]
}

# A flag of its own (the ARN may be unknown until apply), so the two must agree.
run "own_task_role_without_create_flag" {
  command = plan
  variables {
    task_role_arn = "arn:aws:iam::123456789012:role/advana-export-task"
  }
  expect_failures = [var.task_role_arn]
}

run "no_execution_role_created_nor_given" {
  command = plan
  variables {
    create_execution_role = false
  }
  expect_failures = [var.execution_role_arn]
}

run "no_log_group_created_nor_given" {
  command = plan
  variables {
    create_log_group = false
  }
  expect_failures = [var.log_group_name]
}

run "valid_log_group_name_for_the_created_group" {
  command = plan
  variables {
    log_group_name = "/org/advana-export"
  }
  assert {
    condition     = output.log_group_name == "/org/advana-export"
    error_message = "log_group_name does not name the created group"
  }
}

# Bring your own key.
run "valid_own_kms_key" {
  command = plan
  variables {
    create_kms_key = false
    kms_key_arn    = "arn:aws:kms:us-east-1:123456789012:key/0c0c0c0c-1111-2222-3333-444444444444"
  }
  assert {
    condition     = output.kms_key_arn == var.kms_key_arn && output.schedule_kms_key_arn == var.kms_key_arn && output.kms_key_id == "0c0c0c0c-1111-2222-3333-444444444444"
    error_message = "the key outputs do not point at the given key"
  }
  assert {
    condition     = output.kms_key_alias_name == null && output.kms_key_alias_arn == null
    error_message = "a given key has no alias from the module"
  }
}

run "kms_alias_instead_of_key_arn" {
  command = plan
  variables {
    create_kms_key = false
    kms_key_arn    = "arn:aws:kms:us-east-1:123456789012:alias/exports"
  }
  expect_failures = [var.kms_key_arn]
}

run "kms_key_in_another_region" {
  command = plan
  variables {
    create_kms_key = false
    kms_key_arn    = "arn:aws:kms:us-west-2:123456789012:key/0c0c0c0c-1111-2222-3333-444444444444"
  }
  expect_failures = [var.kms_key_arn]
}

run "own_kms_key_with_administrators" {
  command = plan
  variables {
    create_kms_key             = false
    kms_key_arn                = "arn:aws:kms:us-east-1:123456789012:key/0c0c0c0c-1111-2222-3333-444444444444"
    kms_key_administrator_arns = ["arn:aws:iam::123456789012:role/key-admin"]
  }
  expect_failures = [var.create_kms_key]
}

run "no_kms_key_created_nor_given" {
  command = plan
  variables {
    create_kms_key = false
  }
  expect_failures = [var.kms_key_arn]
}

# Per-resource tags.
run "valid_per_resource_tags" {
  command = plan
  variables {
    tags          = { Project = "advana-export" }
    bucket_tags   = { DataClassification = "CUI" }
    task_tags     = { CostCenter = "1234" }
    schedule_tags = { OnCall = "data-platform" }
    role_tags     = { Boundary = "workload" }
  }
}

run "tag_key_with_aws_prefix" {
  command = plan
  variables {
    bucket_tags = { "aws:cloudformation:stack-name" = "exports" }
  }
  expect_failures = [var.bucket_tags]
}

run "tag_value_too_long" {
  command = plan
  variables {
    role_tags = { Note = join("", [for i in range(257) : "x"]) }
  }
  expect_failures = [var.role_tags]
}

# create = false: nothing, and every output null.
run "valid_create_false" {
  command = plan
  variables {
    create = false
  }
  assert {
    condition     = output.bucket_name == null && output.task_definition_arn == null && output.schedule_arn == null && output.partner == null && output.kms_key_policy_json == null
    error_message = "create = false still gives outputs"
  }
}

# FIPS endpoints (on by default in aws-us-gov) cannot serve a dotted bucket
# name; off, the name is allowed. The exception needs fips_endpoints = false.
run "dotted_bucket_with_fips_endpoints" {
  command = plan
  variables {
    bucket_name    = "milmove.advana.exports"
    fips_endpoints = true
  }
  expect_failures = [var.bucket_name]
}

run "valid_dotted_bucket_without_fips_endpoints" {
  command = plan
  variables {
    bucket_name    = "milmove.advana.exports"
    fips_endpoints = false
  }
}

run "fips_endpoints_default_on_in_govcloud" {
  command = plan
  override_data {
    target = data.aws_partition.current
    values = { partition = "aws-us-gov" }
  }
  variables {
    bucket_name = "milmove.advana.exports"
  }
  expect_failures = [var.bucket_name]
}

run "fips_endpoints_exception_needs_fips_off" {
  command = plan
  variables {
    fips_endpoints_exception = "S3-compatible gateway in the VPC terminates FIPS TLS"
  }
  expect_failures = [var.fips_endpoints_exception]
}

run "valid_fips_endpoints_exception" {
  command = plan
  variables {
    fips_endpoints           = false
    fips_endpoints_exception = "S3-compatible gateway in the VPC terminates FIPS TLS"
  }
}

# Object Lock: on by default; off only with a reason; retention as long as
# the lifecycle keeps exports unless said otherwise (what the defaults plan
# to is asserted on the plan by TestObjectLockPlanned).
run "valid_object_lock_compliance" {
  command = plan
  variables {
    object_lock = { mode = "COMPLIANCE", days = 90 }
  }
}

run "valid_object_lock_exception" {
  command = plan
  variables {
    object_lock           = null
    object_lock_exception = "AWS Backup vault lock on plan exports-daily"
  }
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

# Without days the lock lasts as long as the lifecycle keeps a run, and S3
# refuses a retention above 36500 days (once modules/export-task's check).
run "object_lock_days_from_lifecycle_past_s3_limit" {
  command = plan
  variables {
    lifecycle_rules = { expiration_days = 36501 }
  }
  expect_failures = [var.object_lock]
}

run "valid_object_lock_days_set_with_long_lifecycle" {
  command = plan
  variables {
    lifecycle_rules = { expiration_days = 40000 }
    object_lock     = { days = 36500 }
  }
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
    object_lock_exception = "AWS Backup vault lock on plan exports-daily"
  }
  expect_failures = [var.object_lock_exception]
}

# Keeping exports forever is expiration_days = 0 (null becomes the default
# 30); the lock then needs its own days. What it plans to is asserted by
# TestKeepExportsForever.
run "valid_keep_exports_forever" {
  command = plan
  variables {
    lifecycle_rules = { expiration_days = 0 }
    object_lock     = { days = 365 }
  }
}

run "keep_exports_forever_without_lock_days" {
  command = plan
  variables {
    lifecycle_rules = { expiration_days = 0 }
  }
  expect_failures = [var.object_lock]
}

run "expiration_days_negative" {
  command = plan
  variables {
    lifecycle_rules = { expiration_days = -1 }
  }
  expect_failures = [var.lifecycle_rules]
}

# What starts the task: EventBridge Scheduler, or a scheduled EventBridge rule
# where Scheduler is not offered (docs/govcloud.md). Null chooses by partition;
# what a rule cannot do (time zones, flexible windows, at()) is refused on the
# input the caller wrote. The resources each choice plans are asserted by
# TestScheduleRulePlan (test/schedule_rule_test.go).
run "valid_schedule_service_default_scheduler" {
  command = plan
  assert {
    condition     = output.schedule_service == "scheduler"
    error_message = "schedule_service null in aws chooses EventBridge Scheduler"
  }
}

run "valid_schedule_service_default_scheduler_in_govcloud" {
  command = plan
  override_data {
    target = data.aws_partition.current
    values = { partition = "aws-us-gov" }
  }
  assert {
    condition     = output.schedule_service == "scheduler"
    error_message = "schedule_service null in aws-us-gov chooses EventBridge Scheduler (AWS's GovCloud EventBridge page lists no Scheduler difference)"
  }
}

run "valid_schedule_service_default_rule_elsewhere" {
  command = plan
  override_data {
    target = data.aws_partition.current
    values = { partition = "aws-iso" }
  }
  assert {
    condition     = output.schedule_service == "eventbridge-rule"
    error_message = "schedule_service null in a partition where AWS documents no Scheduler chooses the scheduled rule"
  }
}

run "valid_schedule_service_rule" {
  command = plan
  variables {
    schedule_service    = "eventbridge-rule"
    schedule_expression = "cron(0 2,14 * * ? *)"
  }
  assert {
    condition     = output.schedule_service == "eventbridge-rule"
    error_message = "schedule_service = \"eventbridge-rule\" is kept"
  }
}

run "schedule_service_unknown" {
  command = plan
  variables {
    schedule_service = "cloudwatch-events"
  }
  expect_failures = [var.schedule_service]
}

run "rule_with_time_zone" {
  command = plan
  variables {
    schedule_service  = "eventbridge-rule"
    schedule_timezone = "America/New_York"
  }
  expect_failures = [var.schedule_timezone]
}

run "rule_with_flexible_window" {
  command = plan
  variables {
    schedule_service             = "eventbridge-rule"
    flexible_time_window_minutes = 15
  }
  expect_failures = [var.flexible_time_window_minutes]
}

run "rule_with_one_time_schedule" {
  command = plan
  variables {
    schedule_service    = "eventbridge-rule"
    schedule_expression = "at(2030-01-01T00:00:00)"
  }
  expect_failures = [var.schedule_expression]
}

run "rule_by_default_with_time_zone" {
  command = plan
  override_data {
    target = data.aws_partition.current
    values = { partition = "aws-iso" }
  }
  variables {
    schedule_timezone = "America/New_York"
  }
  expect_failures = [var.schedule_timezone]
}
