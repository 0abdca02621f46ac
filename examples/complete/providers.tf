# Two accounts: the source account that runs the export, and the partner
# (Advana) account that receives it. In real use each side applies its own
# half with its own credentials; here both halves are in one configuration so
# the wiring between them is visible in one place.

provider "aws" {
  region  = var.region
  profile = var.source_profile
}

provider "aws" {
  alias   = "partner"
  region  = var.partner_region
  profile = var.partner_profile
}
