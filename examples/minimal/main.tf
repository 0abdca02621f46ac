provider "aws" {
  region = var.region
}

# The fewest inputs a real deployment needs: the image, the database (its
# address and the secret RDS manages for it), where the task runs, and, once
# the partner has applied modules/replication-destination, their bucket and
# key. Everything else has a secure default: rate(12 hours), 365-day encrypted
# logs, a new cluster and alert topic.
module "advana_export" {
  source = "../../"

  image               = var.image
  allow_mutable_image = var.allow_mutable_image
  db_secret_arn       = var.db_secret_arn
  database = {
    host = var.database_host
    port = var.database_port
    name = var.database_name
  }
  subnet_ids         = var.subnet_ids
  security_group_ids = var.security_group_ids

  # S3 server access logs of the export bucket go to the account's log bucket.
  # Without one, say what records bucket access instead (plan-review lists it
  # as exception EX-NO-ACCESS-LOG; without either, the review fails).
  access_logging           = var.access_log_bucket == null ? null : { target_bucket = var.access_log_bucket }
  access_logging_exception = var.access_logging_exception
  object_lock              = var.object_lock
  object_lock_exception    = var.object_lock_exception

  # FIPS endpoints: null is on in GovCloud (aws-us-gov), off elsewhere. Off in
  # GovCloud, say why (plan-review lists it as exception EX-NO-FIPS-ENDPOINTS).
  fips_endpoints           = var.fips_endpoints
  fips_endpoints_exception = var.fips_endpoints_exception

  # Null is EventBridge Scheduler in aws and aws-us-gov (docs/govcloud.md);
  # "eventbridge-rule" starts the task with a scheduled EventBridge rule.
  schedule_service = var.schedule_service

  # Null until the partner's values exist: the first apply creates the
  # replication role they need (output partner), exports stay internal.
  replication = var.partner_bucket_arn == null ? null : {
    destination_bucket_arn  = var.partner_bucket_arn
    destination_account_id  = var.partner_account_id
    destination_kms_key_arn = var.partner_kms_key_arn
  }
}
