package controls

import "github.com/advana-export/terraform-aws-advana-export/internal/planreview/policy"

// restrictingKeys are condition keys that confine a statement to known
// callers: an account, an organisation, a source resource, a VPC endpoint.
// A condition on aws:SecureTransport or encryption headers restricts how,
// not who, and does not count.
var restrictingKeys = []string{
	"aws:SourceAccount", "aws:SourceArn", "aws:SourceOwner", "aws:PrincipalAccount", "aws:PrincipalArn",
	"aws:PrincipalOrgID", "aws:PrincipalOrgPaths", "aws:ResourceAccount", "aws:SourceVpce", "aws:SourceVpc",
	"aws:SourceOrgID", "kms:CallerAccount",
}

// restricted reports whether a statement names who may use it by condition.
func restricted(s policy.Statement) bool { return s.HasCondition(restrictingKeys...) }
