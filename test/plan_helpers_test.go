package test

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/gruntwork-io/terratest/modules/terraform"
	tfjson "github.com/hashicorp/terraform-json"
)

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

// at walks nested plan values: string keys for objects, ints for lists.
// It returns nil when a step is missing (unknown until apply, or absent).
func at(v interface{}, path ...interface{}) interface{} {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]interface{})
			if !ok {
				return nil
			}
			v = m[k]
		case int:
			l, ok := v.([]interface{})
			if !ok || k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

// statement is one IAM policy statement with its lists normalised.
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
	var raw struct {
		Statement []map[string]interface{}
	}
	if err := json.Unmarshal([]byte(doc), &raw); err != nil {
		t.Fatalf("%s: policy is not JSON: %v: %s", where, err, doc)
	}
	var out []statement
	for _, s := range raw.Statement {
		st := statement{Condition: map[string]map[string][]string{}}
		st.Sid, _ = s["Sid"].(string)
		st.Effect, _ = s["Effect"].(string)
		st.Actions = stringList(s["Action"])
		st.Resources = stringList(s["Resource"])
		switch p := s["Principal"].(type) {
		case string:
			st.Principals = []string{p}
		case map[string]interface{}:
			for _, v := range p {
				st.Principals = append(st.Principals, stringList(v)...)
			}
		}
		if c, ok := s["Condition"].(map[string]interface{}); ok {
			for op, kv := range c {
				st.Condition[op] = map[string][]string{}
				for k, v := range kv.(map[string]interface{}) {
					st.Condition[op][k] = stringList(v)
				}
			}
		}
		out = append(out, st)
	}
	return out
}

func stringList(v interface{}) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []interface{}:
		out := make([]string, 0, len(x))
		for _, e := range x {
			out = append(out, fmt.Sprint(e))
		}
		return out
	}
	return nil
}

// policies returns every policy document in the plan by "address attribute".
func policies(plan *terraform.PlanStruct) map[string]string {
	attrs := map[string][]string{
		"aws_iam_role":         {"assume_role_policy"},
		"aws_iam_role_policy":  {"policy"},
		"aws_kms_key":          {"policy"},
		"aws_s3_bucket_policy": {"policy"},
		"aws_sns_topic_policy": {"policy"},
		"aws_sqs_queue_policy": {"policy"},
		"aws_iam_policy":       {"policy"},
	}
	out := map[string]string{}
	for addr, r := range plan.ResourcePlannedValuesMap {
		for _, a := range attrs[r.Type] {
			if doc, ok := r.AttributeValues[a].(string); ok && doc != "" {
				out[addr+" "+a] = doc
			}
		}
	}
	return out
}

func hasWildcard(list []string) bool {
	for _, e := range list {
		if strings.Contains(e, "*") {
			return true
		}
	}
	return false
}
