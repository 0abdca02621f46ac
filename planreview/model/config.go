package model

import (
	"sort"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"
)

// ModuleCalls splits a module instance address into its call names:
// `module.a.module.b["k"]` -> [a b]. Instance keys are dropped: the
// configuration is the same for every instance.
func ModuleCalls(addr string) []string {
	var names []string
	for rest := addr; strings.HasPrefix(rest, "module."); {
		rest = strings.TrimPrefix(rest, "module.")
		end := strings.IndexAny(rest, ".[")
		if end < 0 {
			return append(names, rest)
		}
		names = append(names, rest[:end])
		rest = rest[end:]
		if strings.HasPrefix(rest, "[") {
			rest = skipIndex(rest)
		}
		rest = strings.TrimPrefix(rest, ".")
	}
	return names
}

// skipIndex drops a leading [..] (which may hold a quoted key with dots).
func skipIndex(s string) string {
	inQuote := false
	for i := 1; i < len(s); i++ {
		switch {
		case s[i] == '\\' && inQuote:
			i++
		case s[i] == '"':
			inQuote = !inQuote
		case s[i] == ']' && !inQuote:
			return s[i+1:]
		}
	}
	return ""
}

// Parent is the module instance address that calls module (and the call name).
func Parent(module string) (parent, call string) {
	calls := ModuleCalls(module)
	if len(calls) == 0 {
		return "", ""
	}
	i := strings.LastIndex(module, "module."+calls[len(calls)-1])
	return strings.TrimSuffix(module[:i], "."), calls[len(calls)-1]
}

// ConfigModule is the configuration of the module at a module address.
func (m *Plan) ConfigModule(module string) *tfjson.ConfigModule {
	if m.Raw.Config == nil {
		return nil
	}
	mod := m.Raw.Config.RootModule
	for _, name := range ModuleCalls(module) {
		if mod == nil {
			return nil
		}
		call, ok := mod.ModuleCalls[name]
		if !ok {
			return nil
		}
		mod = call.Module
	}
	return mod
}

func (m *Plan) configResource(r *Resource) *tfjson.ConfigResource {
	mod := m.ConfigModule(r.Module)
	if mod == nil {
		return nil
	}
	for _, c := range mod.Resources {
		if c.Address == r.LocalAddress() {
			return c
		}
	}
	return nil
}

// Expr is the configuration expression at path below a resource's
// expressions: attribute names, and for nested blocks the block type and
// its index. Nil when the configuration has none (e.g. a dynamic block).
func Expr(exprs map[string]*tfjson.Expression, path ...any) *tfjson.Expression {
	var cur *tfjson.Expression
	for i, p := range path {
		name, isName := p.(string)
		if !isName {
			idx, _ := p.(int)
			if cur == nil || idx < 0 || idx >= len(cur.NestedBlocks) {
				return nil
			}
			exprs = cur.NestedBlocks[idx]
			cur = nil
			continue
		}
		if exprs == nil {
			return nil
		}
		cur = exprs[name]
		if cur == nil {
			return nil
		}
		if i < len(path)-1 {
			exprs = nil
		}
	}
	return cur
}

// Refs are the references of the configuration expression at path of r,
// resolved across module boundaries and qualified with module addresses.
func (m *Plan) Refs(r *Resource, path ...any) []string {
	if r.Config == nil {
		return nil
	}
	e := Expr(r.Config.Expressions, path...)
	if e == nil {
		return nil
	}
	return m.Resolve(r.Module, e.References)
}

// Resolve follows references to what they finally name: var.X to the
// expression the calling module passes, module.M.O to the output's
// expression, until a resource, data source or local remains. Locals are not
// in the plan's configuration, so they stay as they are.
func (m *Plan) Resolve(module string, refs []string) []string {
	seen := map[string]bool{}
	var out []string
	var walk func(module string, refs []string, depth int)
	walk = func(module string, refs []string, depth int) {
		for _, ref := range refs {
			if depth > 20 || seen[module+"|"+ref] {
				continue
			}
			seen[module+"|"+ref] = true
			parts := strings.Split(ref, ".")
			switch {
			case parts[0] == "var" && len(parts) > 1 && module != "":
				parent, call := Parent(module)
				pm := m.ConfigModule(parent)
				if pm == nil || pm.ModuleCalls[call] == nil {
					continue
				}
				if e := pm.ModuleCalls[call].Expressions[strings.SplitN(parts[1], "[", 2)[0]]; e != nil {
					walk(parent, e.References, depth+1)
				}
			case parts[0] == "module" && len(parts) > 2:
				child := Qualify(module, "module."+parts[1])
				cm := m.ConfigModule(child)
				if cm == nil || cm.Outputs[parts[2]] == nil || cm.Outputs[parts[2]].Expression == nil {
					continue
				}
				walk(child, cm.Outputs[parts[2]].Expression.References, depth+1)
			case parts[0] == "var" || parts[0] == "count" || parts[0] == "each" || parts[0] == "path" || parts[0] == "terraform":
			default:
				out = append(out, Qualify(module, ref))
			}
		}
	}
	walk(module, refs, 0)
	return prune(out)
}

// prune drops a bare resource reference when a reference to one of its
// attributes is also there (Terraform lists both), and sorts.
func prune(refs []string) []string {
	set := map[string]bool{}
	for _, r := range refs {
		set[r] = true
	}
	var out []string
	for r := range set {
		covered := false
		for o := range set {
			if o != r && strings.HasPrefix(o, r+".") || strings.HasPrefix(o, r+"[") {
				covered = true
				break
			}
		}
		if !covered {
			out = append(out, r)
		}
	}
	sort.Strings(out)
	return out
}

// RefersTo reports whether any reference names the resource (any attribute).
func RefersTo(refs []string, r *Resource) bool {
	base := Qualify(r.Module, r.LocalAddress())
	// Instance keys are not in references: compare without them.
	base = stripIndexes(base)
	for _, ref := range refs {
		s := stripIndexes(ref)
		if s == base || strings.HasPrefix(s, base+".") {
			return true
		}
	}
	return false
}

// stripIndexes removes [..] instance keys from an address.
func stripIndexes(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '[' {
			rest := skipIndex(s[i:])
			i = len(s) - len(rest) - 1
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
