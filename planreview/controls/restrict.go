package controls

import (
	"strings"

	"github.com/advana-export/terraform-aws-advana-export/planreview/policy"
)

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

// sourceKeys confine a service principal to requests made for this
// deployment's resources: the confused-deputy guard AWS recommends. The
// encryption-context keys name the one log group or bucket a service may
// use a key for.
var sourceKeys = []string{
	"aws:SourceAccount", "aws:SourceArn", "aws:SourceOrgID", "aws:SourceOrgPaths",
	"kms:EncryptionContext:aws:logs:arn", "kms:EncryptionContext:aws:s3:arn",
}

// serviceRestricted reports whether a statement confines its service principals.
func serviceRestricted(s policy.Statement) bool { return s.HasCondition(sourceKeys...) }

// ifExistsOnly: every source condition is an ...IfExists test (checked only
// when the service sends the key).
func ifExistsOnly(s policy.Statement) bool {
	found := false
	for _, c := range s.Conditions {
		for _, k := range sourceKeys {
			if strings.EqualFold(c.Variable, k) {
				if !strings.HasSuffix(strings.ToLower(c.Test), "ifexists") {
					return false
				}
				found = true
			}
		}
	}
	return found
}
