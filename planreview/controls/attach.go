package controls

import (
	"slices"
	"strings"

	"github.com/advana-export/terraform-aws-advana-export/planreview/model"
)

// attached lists the resources of type typ whose attr names target: by a
// configuration reference (values known only after apply), or by a known
// value equal to one of target's known identifiers (bucket, id, name, arn).
func (c *Context) attached(target *model.Resource, typ, attr string) []*model.Resource {
	var ids []string
	for _, k := range []string{"bucket", "id", "name", "arn"} {
		if v, ok := target.String(k); ok && v != "" {
			ids = append(ids, v)
		}
	}
	var out []*model.Resource
	for _, r := range c.Plan.OfType(typ) {
		if model.RefersTo(c.Plan.Refs(r, attr), target) {
			out = append(out, r)
			continue
		}
		if v, ok := r.String(attr); ok && v != "" && slices.Contains(ids, v) {
			out = append(out, r)
		}
	}
	return out
}

// valueOrRefs renders an attribute for evidence: its value, or "(known
// after apply) ← refs" when the plan does not know it yet.
func (c *Context) valueOrRefs(r *model.Resource, path ...any) string {
	v, ok := r.Get(path...)
	if ok {
		return model.Show(v, true)
	}
	refs := c.Plan.Refs(r, path...)
	if len(refs) == 0 {
		return model.KnownAfterApply
	}
	return model.KnownAfterApply + " ← " + strings.Join(refs, ", ")
}

// refsToType reports whether an unknown attribute's references name a
// resource of one of the given types (e.g. a key ARN from aws_kms_key).
func (c *Context) refsToType(r *model.Resource, types []string, path ...any) bool {
	for _, ref := range c.Plan.Refs(r, path...) {
		for _, t := range types {
			if strings.Contains(ref, t+".") {
				return true
			}
		}
	}
	return false
}

// require is attached, recording a FAIL on target when nothing of typ is
// attached to it (what the absence means is in note).
func (c *Context) require(r *Result, target *model.Resource, typ, note string) []*model.Resource {
	found := c.attached(target, typ, "bucket")
	if len(found) == 0 {
		r.add(target.Address, typ, "(none)", Fail, note)
	}
	return found
}
