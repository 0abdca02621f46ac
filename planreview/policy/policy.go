// Package policy reads IAM policy statements, whether as JSON (a policy
// attribute known at plan time) or from an aws_iam_policy_document data
// source whose JSON is known only after apply, keeping each value's
// provenance: known, or unknown with the references it will come from.
package policy

import (
	"sort"
	"strings"
)

// Value is one element of a statement (a resource, principal or condition value).
type Value struct {
	Text  string   `json:"value,omitempty"`
	Known bool     `json:"known"`
	Refs  []string `json:"refs,omitempty"` // where an unknown value comes from
}

// Principal is one principal block: type ("AWS", "Service", "Federated", "*").
type Principal struct {
	Type string  `json:"type"`
	IDs  []Value `json:"ids"`
}

// Condition is one condition: test, key and values.
type Condition struct {
	Test     string  `json:"test"`
	Variable string  `json:"variable"`
	Values   []Value `json:"values"`
}

// Statement is one policy statement.
type Statement struct {
	Sid           string      `json:"sid,omitempty"`
	Effect        string      `json:"effect"`
	Actions       []string    `json:"actions,omitempty"`
	NotActions    []string    `json:"not_actions,omitempty"`
	Resources     []Value     `json:"resources,omitempty"`
	NotResources  []Value     `json:"not_resources,omitempty"`
	Principals    []Principal `json:"principals,omitempty"`
	NotPrincipals []Principal `json:"not_principals,omitempty"`
	Conditions    []Condition `json:"conditions,omitempty"`
	// ActionsUnknown is set when the actions themselves are known only after apply.
	ActionsUnknown bool `json:"actions_unknown,omitempty"`
}

// Allow reports whether the statement allows.
func (s Statement) Allow() bool { return !strings.EqualFold(s.Effect, "Deny") }

// Document is the set of statements that one policy attribute will hold.
type Document struct {
	// Source is where the statements were read: "ADDRESS.ATTRIBUTE" or a data source.
	Source string `json:"source"`
	// Kind: identity, trust, bucket, key, queue, topic, or document (not attached).
	Kind       string      `json:"kind"`
	Owner      string      `json:"owner"` // the resource the policy belongs to
	From       []string    `json:"from,omitempty"`
	Statements []Statement `json:"statements"`
	// Gaps are parts of the policy the plan cannot show (e.g. a source
	// document known only after apply that this review could not trace).
	Gaps []string `json:"gaps,omitempty"`
}

// HasCondition reports whether the statement has a condition on one of keys
// (case-insensitive, ignoring "IfExists" and set operators).
func (s Statement) HasCondition(keys ...string) bool {
	for _, c := range s.Conditions {
		for _, k := range keys {
			if strings.EqualFold(c.Variable, k) {
				return true
			}
		}
	}
	return false
}

// WildcardActions reports actions with a wildcard: "*", "svc:*", or a
// partial one ("s3:Get*", "s3:Bypass*"), which also grants every action AWS
// adds under that name later.
func WildcardActions(actions []string) []string {
	var out []string
	for _, a := range actions {
		if strings.ContainsAny(a, "*?") {
			out = append(out, a)
		}
	}
	return out
}

func sortedKeys[M ~map[string]V, V any](m M) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
