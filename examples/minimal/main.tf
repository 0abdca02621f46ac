provider "aws" {
  region = var.region
}

# The fewest inputs a real deployment needs: the image, the database secret,
# where the task runs, and the partner's bucket and key (from the partner's
# modules/replication-destination outputs). Everything else has a secure default:
# rate(12 hours), 365-day encrypted logs, a new cluster and alert topic.
module "advana_export" {
  source = "../../"

  image              = var.image
  db_secret_arn      = var.db_secret_arn
  subnet_ids         = var.subnet_ids
  security_group_ids = var.security_group_ids

  # S3 server access logs of the export bucket go to the account's log bucket.
  access_logging = var.access_log_bucket == null ? null : { target_bucket = var.access_log_bucket }

  replication = {
    destination_bucket_arn  = var.partner_bucket_arn
    destination_account_id  = var.partner_account_id
    destination_kms_key_arn = var.partner_kms_key_arn
  }
}
