// Package model indexes a Terraform plan (JSON) for the checks: every
// resource and data source of every module, with its planned values, which
// of them are unknown until apply, and its configuration expressions, so a
// check can name the references an unknown value will come from.
package model

import (
	"sort"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"
)

// Resource is one resource or data source instance in the plan.
type Resource struct {
	Address string // full address, e.g. module.a.module.b.aws_s3_bucket.this
	Module  string // module instance address, "" for the root module
	Mode    string // "managed" or "data"
	Type    string
	Name    string
	// Values are the planned values (after apply, as far as known); Unknown
	// mirrors their shape with true where a value is known only after apply.
	Values  map[string]any
	Unknown map[string]any
	// Deferred is true for a data source Terraform reads only during apply.
	Deferred bool
	// Config is the resource's block in the configuration (nil if absent).
	Config *tfjson.ConfigResource
}

// Plan is the index over one plan.
type Plan struct {
	Resources []*Resource
	Raw       *tfjson.Plan
	byAddr    map[string]*Resource
}

// New indexes p: resource_changes (what the plan creates or updates, and data
// sources deferred to apply) and the data sources read while planning.
func New(p *tfjson.Plan) *Plan {
	m := &Plan{Raw: p, byAddr: map[string]*Resource{}}
	for _, rc := range p.ResourceChanges {
		if rc.Change == nil || rc.Change.After == nil || rc.Change.Actions.Delete() && !rc.Change.Actions.Replace() {
			continue
		}
		vals, _ := rc.Change.After.(map[string]any)
		unk, _ := rc.Change.AfterUnknown.(map[string]any)
		m.add(&Resource{
			Address: rc.Address, Module: rc.ModuleAddress, Mode: string(rc.Mode), Type: rc.Type, Name: rc.Name,
			Values: vals, Unknown: unk, Deferred: rc.Mode == tfjson.DataResourceMode,
		})
	}
	if p.PriorState != nil && p.PriorState.Values != nil {
		m.addState(p.PriorState.Values.RootModule)
	}
	for _, r := range m.Resources {
		r.Config = m.configResource(r)
	}
	sort.Slice(m.Resources, func(i, j int) bool { return m.Resources[i].Address < m.Resources[j].Address })
	return m
}

func (m *Plan) add(r *Resource) {
	if _, ok := m.byAddr[r.Address]; ok {
		return
	}
	m.byAddr[r.Address] = r
	m.Resources = append(m.Resources, r)
}

// addState adds the data sources read during planning (known values).
func (m *Plan) addState(mod *tfjson.StateModule) {
	if mod == nil {
		return
	}
	for _, sr := range mod.Resources {
		if sr.Mode != tfjson.DataResourceMode {
			continue
		}
		m.add(&Resource{
			Address: sr.Address, Module: mod.Address, Mode: string(sr.Mode), Type: sr.Type, Name: sr.Name,
			Values: sr.AttributeValues, Unknown: map[string]any{},
		})
	}
	for _, c := range mod.ChildModules {
		m.addState(c)
	}
}

// ByAddress returns the resource at addr, or nil.
func (m *Plan) ByAddress(addr string) *Resource { return m.byAddr[addr] }

// OfType lists the managed resources of type t ("data.T" for data sources).
func (m *Plan) OfType(t string) []*Resource {
	mode, typ := "managed", t
	if strings.HasPrefix(t, "data.") {
		mode, typ = "data", strings.TrimPrefix(t, "data.")
	}
	var out []*Resource
	for _, r := range m.Resources {
		if r.Mode == mode && r.Type == typ {
			out = append(out, r)
		}
	}
	return out
}

// LocalAddress is the address inside its module: "aws_s3_bucket.this" or
// "data.aws_iam_policy_document.x", without an instance key.
func (r *Resource) LocalAddress() string {
	base := r.Type + "." + r.Name
	if r.Mode == "data" {
		return "data." + base
	}
	return base
}

// Qualify prefixes a module-relative reference with the module address.
func Qualify(module, ref string) string {
	if module == "" {
		return ref
	}
	return module + "." + ref
}
