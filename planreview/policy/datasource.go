package policy

import (
	"fmt"

	"github.com/advana-export/terraform-aws-advana-export/planreview/model"
)

// FromDataSource reads the statements of an aws_iam_policy_document data
// source: from its JSON when Terraform knew it at plan time, otherwise from
// its statement blocks (values known or, where unknown, the references they
// come from) plus the documents its source/override_policy_documents name.
func FromDataSource(p *model.Plan, r *model.Resource, seen map[string]bool) ([]Statement, []string) {
	if seen[r.Address] {
		return nil, nil
	}
	seen[r.Address] = true
	if js, ok := r.String("json"); ok && js != "" {
		st, err := ParseJSON(js)
		if err != nil {
			return nil, []string{fmt.Sprintf("%s.json: %v", r.Address, err)}
		}
		return st, nil
	}
	var gaps []string
	var out []Statement
	for _, attr := range []string{"source_policy_documents", "override_policy_documents"} {
		st, g := included(p, r, attr, seen)
		out, gaps = append(out, st...), append(gaps, g...)
	}
	blocks, ok := r.Get("statement")
	if !ok {
		return out, append(gaps, fmt.Sprintf("%s: statements %s", r.Address, model.KnownAfterApply))
	}
	list, _ := blocks.([]any)
	for i := range list {
		out = append(out, statementBlock(p, r, i, len(list)))
	}
	return out, gaps
}

// included reads the documents a data source merges (source/override).
func included(p *model.Plan, r *model.Resource, attr string, seen map[string]bool) ([]Statement, []string) {
	v, ok := r.Get(attr)
	list, _ := v.([]any)
	if !ok {
		return FromRefs(p, p.Refs(r, attr), r.Address+"."+attr, seen)
	}
	var out []Statement
	var gaps []string
	unknown := false
	for k, d := range list {
		if _, known := r.Get(attr, k); !known {
			unknown = true
			continue
		}
		js, _ := d.(string)
		st, err := ParseJSON(js)
		if err != nil {
			gaps = append(gaps, fmt.Sprintf("%s.%s[%d]: %v", r.Address, attr, k, err))
		}
		out = append(out, st...)
	}
	if unknown {
		// Some documents are known only after apply: read them all from
		// the data sources the configuration names (the known ones too, so
		// nothing is counted twice).
		return FromRefs(p, p.Refs(r, attr), r.Address+"."+attr, seen)
	}
	return out, gaps
}

// FromRefs reads the policy documents that references name (a policy whose
// JSON is known only after apply). Every reference must lead to an
// aws_iam_policy_document data source; anything else is a gap.
func FromRefs(p *model.Plan, refs []string, what string, seen map[string]bool) ([]Statement, []string) {
	var out []Statement
	var gaps []string
	found := false
	for _, doc := range p.OfType("data.aws_iam_policy_document") {
		if !model.RefersTo(refs, doc) {
			continue
		}
		found = true
		st, g := FromDataSource(p, doc, seen)
		out, gaps = append(out, st...), append(gaps, g...)
	}
	if !found && len(refs) > 0 {
		gaps = append(gaps, fmt.Sprintf("%s %s ← %v: not an aws_iam_policy_document in this plan", what, model.KnownAfterApply, refs))
	}
	return out, gaps
}

// statementBlock reads statement block i of n of a data source.
func statementBlock(p *model.Plan, r *model.Resource, i, n int) Statement {
	sid, _ := r.String("statement", i, "sid")
	effect, _ := r.String("statement", i, "effect")
	if effect == "" {
		effect = "Allow"
	}
	s := Statement{Sid: sid, Effect: effect}
	cfg := configBlock(r, sid, i, n)
	refs := func(path ...any) []string {
		if cfg < 0 {
			return nil
		}
		return p.Refs(r, append([]any{"statement", cfg}, path...)...)
	}
	var ok bool
	if s.Actions, ok = stringList(r, "statement", i, "actions"); !ok {
		s.ActionsUnknown = true
	}
	s.NotActions, _ = stringList(r, "statement", i, "not_actions")
	s.Resources = values(r, refs("resources"), "statement", i, "resources")
	s.NotResources = values(r, refs("not_resources"), "statement", i, "not_resources")
	for k := 0; k < r.Len("statement", i, "principals"); k++ {
		t, _ := r.String("statement", i, "principals", k, "type")
		s.Principals = append(s.Principals, Principal{Type: t, IDs: values(r, refs("principals", k, "identifiers"), "statement", i, "principals", k, "identifiers")})
	}
	for k := 0; k < r.Len("statement", i, "not_principals"); k++ {
		t, _ := r.String("statement", i, "not_principals", k, "type")
		s.NotPrincipals = append(s.NotPrincipals, Principal{Type: t, IDs: values(r, refs("not_principals", k, "identifiers"), "statement", i, "not_principals", k, "identifiers")})
	}
	for k := 0; k < r.Len("statement", i, "condition"); k++ {
		test, _ := r.String("statement", i, "condition", k, "test")
		variable, _ := r.String("statement", i, "condition", k, "variable")
		s.Conditions = append(s.Conditions, Condition{Test: test, Variable: variable, Values: values(r, refs("condition", k, "values"), "statement", i, "condition", k, "values")})
	}
	return s
}

// configBlock finds the configuration's statement block for planned block i:
// by sid, or by position when every block is static. -1 when the block
// comes from a dynamic block (not in the plan's configuration).
func configBlock(r *model.Resource, sid string, i, n int) int {
	if r.Config == nil {
		return -1
	}
	blocks := r.Config.Expressions["statement"]
	if blocks == nil {
		return -1
	}
	for j, b := range blocks.NestedBlocks {
		if e := b["sid"]; e != nil && sid != "" && e.ConstantValue == sid {
			return j
		}
	}
	if sid == "" && len(blocks.NestedBlocks) == n {
		return i
	}
	return -1
}

// stringList reads a list of strings; ok false when the list is unknown.
func stringList(r *model.Resource, path ...any) ([]string, bool) {
	v, ok := r.Get(path...)
	if !ok {
		return nil, false
	}
	list, _ := v.([]any)
	var out []string
	for k, e := range list {
		if _, known := r.Get(append(path, k)...); !known {
			return nil, false
		}
		out = append(out, fmt.Sprint(e))
	}
	return out, true
}

// values reads a list whose elements may be unknown; unknown elements carry refs.
func values(r *model.Resource, refs []string, path ...any) []Value {
	v, ok := r.Get(path...)
	if !ok {
		return []Value{{Known: false, Refs: refs}}
	}
	list, _ := v.([]any)
	var out []Value
	for k, e := range list {
		if _, known := r.Get(append(path, k)...); !known {
			out = append(out, Value{Known: false, Refs: refs})
			continue
		}
		out = append(out, Value{Text: fmt.Sprint(e), Known: true})
	}
	return out
}
