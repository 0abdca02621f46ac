package controls

import (
	"strings"

	"github.com/advana-export/terraform-aws-advana-export/planreview/model"
	"github.com/advana-export/terraform-aws-advana-export/planreview/policy"
)

// policiesOf lists the policy documents attached to a resource: the
// documents of the given kind whose owner's attr names it.
func (c *Context) policiesOf(target *model.Resource, ownerType, attr, kind string) []policy.Document {
	var out []policy.Document
	owners := map[string]bool{}
	for _, o := range c.attached(target, ownerType, attr) {
		owners[o.Address] = true
	}
	owners[target.Address] = true // a policy argument on the resource itself
	for _, d := range c.Policies {
		if d.Kind == kind && owners[d.Owner] {
			out = append(out, d)
		}
	}
	return out
}

// everyone reports whether a statement's principals include "*" (anyone).
func everyone(s policy.Statement) bool {
	for _, p := range s.Principals {
		for _, id := range p.IDs {
			if p.Type == "*" || (p.Type == "AWS" && id.Known && id.Text == "*") {
				return true
			}
		}
	}
	return false
}

// coversBucket reports whether resources name the bucket (ARN or ARN/*),
// known now or by a reference to it.
func coversBucket(values []policy.Value, bucket *model.Resource, objects bool) bool {
	arn, arnKnown := bucket.String("arn")
	name, _ := bucket.String("bucket")
	for _, v := range values {
		if v.Known {
			// The bucket's ARN when the plan knows it; otherwise its name
			// under arn:PARTITION:s3::: in whichever partition it is.
			named := s3ARN.MatchString(v.Text) && strings.TrimSuffix(bucketOfARN(v.Text), "/*") == name
			if arnKnown && arn != "" {
				named = strings.TrimSuffix(v.Text, "/*") == arn
			}
			isObjects := strings.HasSuffix(v.Text, "/*")
			if v.Text == "*" || (named && isObjects == objects) {
				return true
			}
			continue
		}
		if model.RefersTo(v.Refs, bucket) {
			return true
		}
	}
	return false
}

// conditionIs reports whether s has test(key) = value (test and key case-insensitive).
func conditionIs(s policy.Statement, tests []string, key, value string) bool {
	for _, cond := range s.Conditions {
		if !strings.EqualFold(cond.Variable, key) {
			continue
		}
		okTest := false
		for _, t := range tests {
			okTest = okTest || strings.EqualFold(cond.Test, t)
		}
		for _, v := range cond.Values {
			if okTest && v.Known && strings.EqualFold(v.Text, value) {
				return true
			}
		}
	}
	return false
}

// render shows values for evidence, unknown ones with their references.
func render(values []policy.Value) string {
	var parts []string
	for _, v := range values {
		switch {
		case v.Known:
			parts = append(parts, v.Text)
		case len(v.Refs) > 0:
			parts = append(parts, model.KnownAfterApply+" ← "+strings.Join(v.Refs, ", "))
		default:
			parts = append(parts, model.KnownAfterApply+" (dynamic block: not in the plan's configuration)")
		}
	}
	return "[" + strings.Join(parts, "; ") + "]"
}

// label names a statement for evidence.
func label(d policy.Document, s policy.Statement, i int) string {
	name := s.Sid
	if name == "" {
		name = "#" + itoa(i)
	}
	return d.Source + " statement " + name
}

func itoa(i int) string {
	const digits = "0123456789"
	if i < 10 {
		return digits[i : i+1]
	}
	return itoa(i/10) + digits[i%10:i%10+1]
}
