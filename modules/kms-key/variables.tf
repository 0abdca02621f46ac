# Inputs of a building block of the root module and of
# modules/replication-destination, the modules callers use: they validate
# every value a caller gives, once, where the caller wrote it (their
# variables.tf), and compute the rest. So these inputs declare types
# only; a check here would report a caller's mistake a second time, inside
# .terraform/modules (test/patterns_test.go keeps every condition in one place).

variable "alias" {
  description = "Alias of the key, without the `alias/` prefix."
  type        = string
  nullable    = false
}

variable "description" {
  description = "What the key protects (shown in the KMS console)."
  type        = string
  nullable    = false
}

variable "deletion_window_days" {
  description = "Waiting period, in days, before the key is deleted after a destroy."
  type        = number
  default     = 30
  nullable    = false
}

variable "policy_documents" {
  description = "IAM policy documents (JSON) whose statements are added to the key policy: who may use the key, for what, under which conditions. Statement ids must be unique."
  type        = list(string)
  default     = []
  nullable    = false
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
}
