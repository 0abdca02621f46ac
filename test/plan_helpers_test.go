package test

import (
	"sort"
	"testing"

	"github.com/gruntwork-io/terratest/modules/terraform"
	tfjson "github.com/hashicorp/terraform-json"

	"github.com/advana-export/terraform-aws-advana-export/planreview/model"
	"github.com/advana-export/terraform-aws-advana-export/planreview/policy"
)

// Plan values are walked with model.At and policies parsed with
// policy.ParseJSON and policy.Collect: plan-review's own readers, so the
// Terratest suite and the review engine read a plan one way.

// ofType returns the planned resources of one type, sorted by address.
func ofType(plan *terraform.PlanStruct, typ string) []*tfjson.StateResource {
	var out []*tfjson.StateResource
	for _, r := range plan.ResourcePlannedValuesMap {
		if r.Type == typ {
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Address < out[j].Address })
	return out
}

// resource returns the planned resource at addr or fails the test.
func resource(t *testing.T, plan *terraform.PlanStruct, addr string) map[string]interface{} {
	t.Helper()
	r, ok := plan.ResourcePlannedValuesMap[addr]
	if !ok {
		t.Fatalf("plan has no resource %s", addr)
	}
	return r.AttributeValues
}

// statement is one policy statement as the assertions compare it: plain
// strings (values known at plan time) and conditions by operator and key.
type statement struct {
	Sid        string
	Effect     string
	Actions    []string
	Resources  []string
	Principals []string
	Condition  map[string]map[string][]string
}

// policyStatements parses an IAM/KMS/S3/SNS/SQS policy document.
func policyStatements(t *testing.T, where, doc string) []statement {
	t.Helper()
	sts, err := policy.ParseJSON(doc)
	if err != nil {
		t.Fatalf("%s: %v: %s", where, err, doc)
	}
	out := make([]statement, 0, len(sts))
	for _, s := range sts {
		out = append(out, flatten(s))
	}
	return out
}

// flatten is a statement of plan-review's model as plain strings; a value
// known only after apply is left out.
func flatten(s policy.Statement) statement {
	st := statement{Sid: s.Sid, Effect: s.Effect, Actions: s.Actions, Resources: texts(s.Resources), Condition: map[string]map[string][]string{}}
	for _, p := range s.Principals {
		st.Principals = append(st.Principals, texts(p.IDs)...)
	}
	for _, c := range s.Conditions {
		if st.Condition[c.Test] == nil {
			st.Condition[c.Test] = map[string][]string{}
		}
		st.Condition[c.Test][c.Variable] = append(st.Condition[c.Test][c.Variable], texts(c.Values)...)
	}
	return st
}

func texts(vs []policy.Value) []string {
	var out []string
	for _, v := range vs {
		if v.Known {
			out = append(out, v.Text)
		}
	}
	return out
}

// planPolicies is every policy of the plan, as plan-review collects them:
// by the attribute that holds each one ("ADDRESS.ATTRIBUTE").
func planPolicies(plan *terraform.PlanStruct) map[string][]statement {
	out := map[string][]statement{}
	for _, d := range policy.Collect(model.New(&plan.RawPlan)) {
		for _, s := range d.Statements {
			out[d.Source] = append(out[d.Source], flatten(s))
		}
	}
	return out
}
