package controls

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/advana-export/terraform-aws-advana-export/planreview/model"
	"github.com/advana-export/terraform-aws-advana-export/planreview/policy"
)

var crossAccountControl = Control{
	ID:    "cross-account",
	Title: "Cross-account access: who, from which account, may do what",
	NIST:  []string{"AC-4", "AC-21"},
	Description: "For every resource policy (trust, bucket, key, queue, topic) each Allow is listed per principal with its account " +
		"(same or other account; for a principal known only after apply, the account of the module that creates it), " +
		"and for role policies every resource in another account. It fails on a principal * (anyone) without a condition " +
		"that restricts the caller (aws:SourceAccount, aws:SourceArn, aws:PrincipalOrgID, ...), on a whole other account (ACCOUNT:root), " +
		"and on a service principal (trust or resource policy) without aws:SourceAccount/aws:SourceArn (or the encryption context that names its one log group or bucket).",
	Check: checkCrossAccount,
}

var accountInARN = regexp.MustCompile(`^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:([0-9]{12}):`)

func checkCrossAccount(c *Context, r *Result) {
	for _, mod := range sortedModules(c.accounts) {
		r.add(moduleName(mod), "account", c.accounts[mod], Info, "from data.aws_caller_identity")
	}
	for _, d := range c.Policies {
		owner := c.AccountOf(c.moduleOf(d.Owner))
		for i, s := range d.Statements {
			if !s.Allow() {
				continue
			}
			if d.Kind == "identity" || d.Kind == "document" {
				c.reach(r, d, s, i, owner)
				continue
			}
			for _, p := range s.Principals {
				for _, id := range p.IDs {
					c.principal(r, d, s, i, owner, p.Type, id)
				}
			}
		}
	}
}

// principal records what one principal of a resource policy may do.
func (c *Context) principal(r *Result, d policy.Document, s policy.Statement, i int, owner, typ string, id policy.Value) {
	what := fmt.Sprintf("may %s on %s", strings.Join(s.Actions, ", "), render(s.Resources))
	if cond := conditionText(s); cond != "" {
		what += " when " + cond
	}
	who, acct := typ+" "+id.Text, ""
	switch {
	case typ == "*" || (id.Known && id.Text == "*"):
		if restricted(s) {
			r.add(label(d, s, i), "principal * (restricted by condition)", what, Pass, "")
		} else {
			r.add(label(d, s, i), "principal *", what, Fail, "anyone, with no condition on the caller's account, organisation or source")
		}
		return
	case typ == "Service":
		switch {
		case !serviceRestricted(s):
			r.add(label(d, s, i), "principal service "+id.Text, what, Fail,
				"service principal without aws:SourceAccount/aws:SourceArn: a confused deputy could act for another account's resources")
		case ifExistsOnly(s) && d.Kind == "trust" && id.Text == "s3.amazonaws.com":
			r.add(label(d, s, i), "principal service "+id.Text, what, Pass, "source conditions checked if S3 sends them (exception EX-TRUST-S3)")
			r.except("EX-TRUST-S3", label(d, s, i))
		case ifExistsOnly(s):
			r.add(label(d, s, i), "principal service "+id.Text, what, Fail, "source conditions only ...IfExists: a request without them is not confined")
		default:
			r.add(label(d, s, i), "principal service "+id.Text, what, Pass, "service principal, confined to this deployment by condition")
		}
		return
	case !id.Known && len(id.Refs) == 0:
		r.add(label(d, s, i), "principal "+typ+" "+render([]policy.Value{id}), what, Unknown,
			"the principal is known only after apply and comes from a dynamic block, whose references the plan does not record")
		return
	case !id.Known:
		who = typ + " " + render([]policy.Value{id})
		acct = c.accountOfRefs(id.Refs)
	default:
		acct = principalAccount(id.Text)
	}
	rel := "same account"
	if acct == "" {
		rel = "account not visible in the plan"
	} else if acct != owner {
		rel = "CROSS-ACCOUNT from " + acct + " into " + owner
	}
	if id.Known && acct != owner && strings.HasSuffix(id.Text, ":root") {
		r.add(label(d, s, i), "principal "+who+" ("+rel+")", what, Fail, "a whole other account: name its role instead")
		return
	}
	r.add(label(d, s, i), "principal "+who+" ("+rel+")", what, Pass, "")
}

// reach lists what a role policy's Allow may touch in another account.
func (c *Context) reach(r *Result, d policy.Document, s policy.Statement, i int, owner string) {
	for _, v := range s.Resources {
		acct := ""
		if v.Known {
			if m := accountInARN.FindStringSubmatch(v.Text); m != nil {
				acct = m[1]
			}
		} else {
			acct = c.accountOfRefs(v.Refs)
		}
		if acct != "" && owner != "" && acct != owner {
			r.add(label(d, s, i), fmt.Sprintf("role policy in %s reaches account %s", owner, acct),
				strings.Join(s.Actions, ", ")+" on "+render([]policy.Value{v}), Info, "outbound cross-account access")
		}
	}
}

func principalAccount(id string) string {
	if m := accountInARN.FindStringSubmatch(id); m != nil {
		return m[1]
	}
	if len(id) == 12 && strings.Trim(id, "0123456789") == "" {
		return id
	}
	return ""
}

// accountOfRefs is the account of the module that creates what refs name.
func (c *Context) accountOfRefs(refs []string) string {
	for _, res := range c.Plan.Resources {
		if model.RefersTo(refs, res) {
			return c.AccountOf(res.Module)
		}
	}
	return ""
}

func (c *Context) moduleOf(addr string) string {
	if res := c.Plan.ByAddress(addr); res != nil {
		return res.Module
	}
	return ""
}

func moduleName(m string) string {
	if m == "" {
		return "(root module)"
	}
	return m
}
