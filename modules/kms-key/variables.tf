variable "alias" {
  description = "Alias of the key, without the `alias/` prefix."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9/_-]{1,250}$", var.alias)) && !startswith(var.alias, "aws/")
    error_message = "alias must be 1-250 characters of A-Z, a-z, 0-9, '/', '_' and '-', and must not start with 'aws/'."
  }
}

variable "description" {
  description = "What the key protects (shown in the KMS console)."
  type        = string
  nullable    = false

  validation {
    condition     = length(var.description) > 0 && length(var.description) <= 8192
    error_message = "description must be 1-8192 characters."
  }
}

variable "deletion_window_days" {
  description = "Waiting period, in days, before the key is deleted after a destroy."
  type        = number
  default     = 30
  nullable    = false

  validation {
    condition     = var.deletion_window_days >= 7 && var.deletion_window_days <= 30
    error_message = "deletion_window_days must be between 7 and 30."
  }
}

variable "policy_documents" {
  description = "IAM policy documents (JSON) whose statements are added to the key policy: who may use the key, for what, under which conditions. Statement ids must be unique."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for d in var.policy_documents : can(jsondecode(d))])
    error_message = "policy_documents must be JSON IAM policy documents."
  }
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
  nullable    = false
}

variable "administrator_arns" {
  description = "IAM roles or users that may change the key policy and create grants (kms:PutKeyPolicy, kms:CreateGrant); the account's root user always may. Empty: the identity that applies this module."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for arn in var.administrator_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(role|user)/[A-Za-z0-9+=,.@_/-]+$", arn))])
    error_message = "administrator_arns must be IAM role or user ARNs (arn:aws:iam::123456789012:role/NAME)."
  }
}
