package controls

import (
	"path"
	"strings"

	"github.com/advana-export/terraform-aws-advana-export/planreview/policy"
)

var keyAdminControl = Control{
	ID:    "key-administration",
	Title: "Key policies: no delegated path to a key's data",
	NIST:  []string{"SC-12", "AC-6"},
	Description: "kms:PutKeyPolicy rewrites a key policy and kms:CreateGrant adds a grant beside it: either hands out Decrypt. " +
		"An Allow of either (or kms:*, *) to an account root or anyone must carry a condition that names the administrators " +
		"(aws:PrincipalArn) or, for CreateGrant, kms:GrantIsForAWSResource; otherwise any IAM policy in that account that allows " +
		"the action can grant its holder the key's data. Named roles and users pass; a service needs a source condition. " +
		"A key the plan uses but does not make (a caller's own) is listed: its policy is reviewed where it is made.",
	Check: checkKeyAdmin,
}

// escalating are the key-policy actions that can give away data access.
var escalating = []string{"kms:CreateGrant", "kms:PutKeyPolicy"}

func checkKeyAdmin(c *Context, r *Result) {
	created := map[string]bool{}
	for _, k := range c.Plan.OfType("aws_kms_key") {
		if a, ok := k.String("arn"); ok {
			created[a] = true
		}
	}
	for key, user := range c.encryptingKeys() {
		if !created[key] {
			r.add(key, "key policy", "not in this plan (used by "+user+")", Info,
				"a key made elsewhere: its policy and administrators are reviewed where it is made")
		}
	}
	for _, d := range c.Policies {
		if d.Kind != "key" {
			continue
		}
		for _, g := range d.Gaps {
			r.add(d.Source, "policy", g, Unknown, "statements the plan cannot show")
		}
		administers := false
		for i, s := range d.Statements {
			acts := matching(s, escalating)
			if !s.Allow() || len(acts) == 0 {
				continue
			}
			administers = true
			res := label(d, s, i)
			what := strings.Join(acts, ", ")
			switch {
			case s.HasCondition("aws:PrincipalArn"):
				r.add(res, what, "only "+render(conditionValues(s, "aws:PrincipalArn"))+" (aws:PrincipalArn)", Pass, "named administrators")
			case len(acts) == 1 && acts[0] == "kms:CreateGrant" && conditionIs(s, []string{"Bool"}, "kms:GrantIsForAWSResource", "true"):
				r.add(res, what, "only for AWS resources (kms:GrantIsForAWSResource)", Pass, "")
			case delegates(s):
				r.add(res, what, principals(s), Fail, "an account root or anyone, unconditioned: any IAM policy that allows "+what+" can grant its holder this key's data")
			case hasService(s) && !serviceRestricted(s):
				r.add(res, what, principals(s), Fail, "a service without a source condition")
			default:
				r.add(res, what, principals(s), Pass, "named principals")
			}
		}
		if !administers && len(d.Gaps) == 0 {
			r.add(d.Source, "kms:CreateGrant, kms:PutKeyPolicy", "(none)", Pass, "this key policy grants no key administration")
		}
	}
}

// matching lists the actions of want that s's actions cover (globs allowed).
func matching(s policy.Statement, want []string) []string {
	var out []string
	for _, w := range want {
		for _, a := range s.Actions {
			if ok, _ := path.Match(strings.ToLower(a), strings.ToLower(w)); ok {
				out = append(out, w)
				break
			}
		}
	}
	return out
}

// delegates: a principal is a whole account (ACCOUNT, arn:...:root) or anyone.
func delegates(s policy.Statement) bool {
	if everyone(s) {
		return true
	}
	for _, p := range s.Principals {
		for _, id := range p.IDs {
			if p.Type == "AWS" && id.Known && (strings.HasSuffix(id.Text, ":root") || principalAccount(id.Text) == id.Text) {
				return true
			}
		}
	}
	return false
}

func hasService(s policy.Statement) bool {
	for _, p := range s.Principals {
		if p.Type == "Service" {
			return true
		}
	}
	return false
}

func principals(s policy.Statement) string {
	var out []string
	for _, p := range s.Principals {
		out = append(out, p.Type+" "+render(p.IDs))
	}
	return strings.Join(out, "; ")
}

func conditionValues(s policy.Statement, key string) []policy.Value {
	var out []policy.Value
	for _, c := range s.Conditions {
		if strings.EqualFold(c.Variable, key) {
			out = append(out, c.Values...)
		}
	}
	return out
}
