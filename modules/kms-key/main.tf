data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

# A customer-managed key with rotation on. The key policy is the only grant:
# the account root administers the key but gets no data actions, so no IAM
# policy in the account can use the key unless policy_documents names the
# principal. The two administrative actions that could hand out data access
# (kms:PutKeyPolicy rewrites this policy, kms:CreateGrant adds a grant beside
# it) are not delegated to IAM: only the named administrators may call them.

# The administrators by default: the identity that applies this module (for
# an assumed role, the role, not the session).
data "aws_iam_session_context" "current" {
  arn = data.aws_caller_identity.current.arn
}

locals {
  # Key administration without data access. Listed one by one: no wildcard action.
  kms_admin_actions = [
    "kms:CancelKeyDeletion",
    "kms:CreateAlias",
    "kms:DeleteAlias",
    "kms:DescribeKey",
    "kms:DisableKey",
    "kms:DisableKeyRotation",
    "kms:EnableKey",
    "kms:EnableKeyRotation",
    "kms:GetKeyPolicy",
    "kms:GetKeyRotationStatus",
    "kms:ListGrants",
    "kms:ListKeyPolicies",
    "kms:ListKeyRotations",
    "kms:ListResourceTags",
    "kms:RetireGrant",
    "kms:RevokeGrant",
    "kms:RotateKeyOnDemand",
    "kms:ScheduleKeyDeletion",
    "kms:TagResource",
    "kms:UntagResource",
    "kms:UpdateAlias",
    "kms:UpdateKeyDescription",
  ]

  # kms:PutKeyPolicy cannot be taken from everyone: KMS refuses a policy that
  # would lock out the caller (the lockout safety check), and Terraform must
  # be able to update this policy. So it goes to named principals, with the
  # account's root user (arn:...:root as aws:PrincipalArn matches the root
  # user itself, not IAM) as the break-glass administrator.
  administrators = distinct(concat(
    length(var.administrator_arns) > 0 ? var.administrator_arns : [data.aws_iam_session_context.current.issuer_arn],
    ["arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root"],
  ))
}

data "aws_iam_policy_document" "kms" {
  # Who may use the key for data is the caller's to say.
  source_policy_documents = var.policy_documents

  statement {
    sid       = "AccountAdministersKey"
    actions   = local.kms_admin_actions
    resources = ["*"] # In a key policy "*" means this key and nothing else.

    principals {
      type        = "AWS"
      identifiers = ["arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root"]
    }
  }

  # The principal is the account and the condition names the administrators:
  # a condition on aws:PrincipalArn survives a role being deleted and created
  # again, where a role ARN as principal would turn into a stale unique id.
  statement {
    sid       = "NamedAdministratorsChangeKeyPolicyAndGrants"
    actions   = ["kms:CreateGrant", "kms:PutKeyPolicy"]
    resources = ["*"] # This key only (key policy).

    principals {
      type        = "AWS"
      identifiers = ["arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root"]
    }

    condition {
      test     = "ArnEquals"
      variable = "aws:PrincipalArn"
      values   = local.administrators
    }
  }
}

resource "aws_kms_key" "this" {
  description             = var.description
  enable_key_rotation     = true
  deletion_window_in_days = var.deletion_window_days
  policy                  = data.aws_iam_policy_document.kms.json
  tags                    = var.tags
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.alias}"
  target_key_id = aws_kms_key.this.key_id
}
