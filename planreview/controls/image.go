package controls

import (
	"regexp"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/advana-export/terraform-aws-advana-export/planreview/model"
)

var imageControl = Control{
	ID:    "image-digest",
	Title: "Images pinned by digest",
	NIST:  []string{"CM-14", "SI-7"},
	Description: "Every container's image is referenced by digest (@sha256:), so what runs is what was reviewed. A tag alone " +
		"(:latest, :v1) fails unless the caller's allow_mutable_image = true is visible in the plan's configuration: then it " +
		"passes as exception EX-MUTABLE-IMAGE.",
	Check: checkImage,
}

var digest = regexp.MustCompile(`@sha256:[0-9a-f]{64}$`)

func checkImage(c *Context, r *Result) {
	optOut := c.mutableImageAllowed()
	forEachContainer(c, r, func(td *model.Resource, ct container) {
		res := td.Address + " container " + ct.Name
		switch {
		case digest.MatchString(ct.Image):
			r.add(res, "image", ct.Image, Pass, "by digest")
		case optOut:
			r.add(res, "image", ct.Image, Pass, "mutable reference accepted: allow_mutable_image = true (exception EX-MUTABLE-IMAGE)")
			r.except("EX-MUTABLE-IMAGE", res)
		default:
			r.add(res, "image", ct.Image, Fail, "a tag, not a digest: the image can change without a plan; pin it (REPO@sha256:...)")
		}
	})
}

// mutableImageAllowed reports whether any module call in the configuration
// sets allow_mutable_image to true: a constant, or a variable of the root
// module (its value is in the plan) passed down through module calls.
func (c *Context) mutableImageAllowed() bool {
	raw := c.Plan.Raw
	if raw.Config == nil || raw.Config.RootModule == nil {
		return false
	}
	rootVar := func(name string) bool {
		v, ok := raw.Variables[name]
		return ok && v != nil && v.Value == true
	}
	var walk func(mod *tfjson.ConfigModule, resolve func(string) bool) bool
	walk = func(mod *tfjson.ConfigModule, resolve func(string) bool) bool {
		for _, call := range mod.ModuleCalls {
			if truthy(call.Expressions["allow_mutable_image"], resolve) {
				return true
			}
			inner := func(name string) bool { return truthy(call.Expressions[name], resolve) }
			if call.Module != nil && walk(call.Module, inner) {
				return true
			}
		}
		return false
	}
	return walk(raw.Config.RootModule, rootVar)
}

// truthy: the expression is the constant true, or a variable resolve says is true.
func truthy(e *tfjson.Expression, resolve func(string) bool) bool {
	if e == nil {
		return false
	}
	if e.ConstantValue == true {
		return true
	}
	for _, ref := range e.References {
		if name, ok := strings.CutPrefix(ref, "var."); ok && resolve(name) {
			return true
		}
	}
	return false
}
