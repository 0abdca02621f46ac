package controls

import (
	"fmt"
	"slices"
	"strings"

	"github.com/advana-export/terraform-aws-advana-export/planreview/policy"
)

var leastPrivilegeControl = Control{
	ID:    "least-privilege",
	Title: "Least privilege: every IAM statement, no wildcard action, * resources justified",
	NIST:  []string{"AC-6"},
	Description: "Every statement of every policy in the plan (role, trust, bucket, key, queue and topic policies, and policy documents) " +
		"is listed with its actions and resources. An Allow with a wildcard action (*, svc:*, or a partial one like s3:Get*), or with NotAction, fails. " +
		"An Allow on resource * passes only in a key policy (where * means that key) or for actions AWS authorises only on * " +
		"(listed with the reason); anywhere else it fails. A role policy's resources must be this deployment's: a wildcard in a " +
		"bucket, key or other resource name, region or account fails, and so does a bucket or key the plan neither creates, " +
		"encrypts its own resources with (a caller's own key), nor names as the replication destination or the database secret's key. " +
		"A Deny may be broad: it only takes access away.",
	Check: checkLeastPrivilege,
}

// wildcardOnly are actions that support no resource-level permission: AWS
// accepts only "*" as their resource (Service Authorization Reference).
var wildcardOnly = map[string]string{
	"ecr:GetAuthorizationToken":        "ECR issues one registry-wide login token; the action has no resource type",
	"sts:GetCallerIdentity":            "needs no permission and has no resource type",
	"logs:DescribeLogGroups":           "lists log groups account-wide; no resource type",
	"cloudwatch:PutMetricData":         "metrics have no ARN; scope with cloudwatch:namespace",
	"s3:ListAllMyBuckets":              "account-wide listing; no resource type",
	"kms:ListAliases":                  "account-wide listing; no resource type",
	"kms:ListKeys":                     "account-wide listing; no resource type",
	"secretsmanager:GetRandomPassword": "generates a password; no resource type",
	"xray:PutTraceSegments":            "X-Ray segments have no resource type",
	"xray:PutTelemetryRecords":         "X-Ray telemetry has no resource type",
}

func checkLeastPrivilege(c *Context, r *Result) {
	for _, d := range c.Policies {
		if len(d.From) > 0 {
			r.add(d.Source, d.Kind+" policy", "built from "+strings.Join(d.From, ", "), Info, fmt.Sprintf("%d statements", len(d.Statements)))
		}
		for _, g := range d.Gaps {
			r.add(d.Source, "policy", g, Unknown, "statements the plan cannot show")
		}
		for i, s := range d.Statements {
			c.judgeStatement(r, d, s, i)
		}
	}
}

func (c *Context) judgeStatement(r *Result, d policy.Document, s policy.Statement, i int) {
	res := label(d, s, i) + " (" + d.Kind + ")"
	attr := s.Effect + " " + strings.Join(s.Actions, ", ")
	if len(s.NotActions) > 0 {
		attr = s.Effect + " NotAction " + strings.Join(s.NotActions, ", ")
	}
	where := render(s.Resources)
	if len(s.Resources) == 0 && len(s.NotResources) == 0 {
		where = "(no Resource: a " + d.Kind + " policy applies to its own resource)"
	}
	if cond := conditionText(s); cond != "" {
		where += " when " + cond
	}
	switch {
	case s.ActionsUnknown:
		r.add(res, "actions", knownAfterApply, Unknown, "the actions are not visible in the plan")
	case !s.Allow():
		r.add(res, attr, where, Pass, "Deny: a broad action here only takes access away")
	case len(s.NotActions) > 0:
		r.add(res, attr, where, Fail, "Allow with NotAction grants every other action")
	case len(policy.WildcardActions(s.Actions)) > 0:
		r.add(res, attr, where, Fail, "wildcard action "+strings.Join(policy.WildcardActions(s.Actions), ", "))
	case len(s.NotResources) > 0:
		r.add(res, attr, "NotResource "+render(s.NotResources), Fail, "Allow with NotResource grants every other resource")
	default:
		status, note := judgeResources(d, s)
		if status == Pass && d.Kind == "identity" && slices.Contains(s.Actions, "ecr:GetAuthorizationToken") {
			r.except("EX-ECR-TOKEN", res)
		}
		if status == Pass && d.Kind == "identity" {
			for _, v := range s.Resources {
				if why := c.scope(v); why != "" {
					status, note = Fail, "wider than the contract: "+why
					break
				}
			}
		}
		r.add(res, attr, where, status, note)
	}
}

const knownAfterApply = "(known after apply)"

// judgeResources decides an Allow's resources.
func judgeResources(d policy.Document, s policy.Statement) (Status, string) {
	star, unknownNoRef := false, false
	for _, v := range s.Resources {
		star = star || (v.Known && v.Text == "*")
		unknownNoRef = unknownNoRef || (!v.Known && len(v.Refs) == 0)
	}
	switch {
	case star && d.Kind == "key":
		return Pass, "* in a key policy means this key only"
	case star:
		var reasons []string
		for _, a := range s.Actions {
			why, ok := wildcardOnly[a]
			if !ok {
				return Fail, "resource * for " + a + ", which AWS lets a policy scope to named resources"
			}
			reasons = append(reasons, a+": "+why)
		}
		return Pass, "accepted *: " + strings.Join(reasons, "; ")
	case unknownNoRef:
		return Unknown, "resources known after apply, and the configuration shows no reference"
	}
	return Pass, ""
}
