package policy

import (
	"encoding/json"
	"fmt"
	"sort"
)

// rawStatement is a statement in IAM JSON, where most fields may be a string
// or a list of strings.
type rawStatement struct {
	Sid          string                             `json:"Sid"`
	Effect       string                             `json:"Effect"`
	Action       stringOrList                       `json:"Action"`
	NotAction    stringOrList                       `json:"NotAction"`
	Resource     stringOrList                       `json:"Resource"`
	NotResource  stringOrList                       `json:"NotResource"`
	Principal    principalJSON                      `json:"Principal"`
	NotPrincipal principalJSON                      `json:"NotPrincipal"`
	Condition    map[string]map[string]stringOrList `json:"Condition"`
}

type stringOrList []string

func (s *stringOrList) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*s = []string{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return fmt.Errorf("want a string or a list of strings: %w", err)
	}
	*s = many
	return nil
}

// principalJSON is "*" or {"AWS": ..., "Service": ...}.
type principalJSON map[string]stringOrList

func (p *principalJSON) UnmarshalJSON(b []byte) error {
	var star string
	if err := json.Unmarshal(b, &star); err == nil {
		*p = principalJSON{"*": {star}}
		return nil
	}
	var m map[string]stringOrList
	if err := json.Unmarshal(b, &m); err != nil {
		return fmt.Errorf("principal: %w", err)
	}
	*p = m
	return nil
}

// ParseJSON reads the statements of an IAM policy document.
func ParseJSON(doc string) ([]Statement, error) {
	var raw struct {
		Statement json.RawMessage `json:"Statement"`
	}
	if err := json.Unmarshal([]byte(doc), &raw); err != nil {
		return nil, fmt.Errorf("parse policy JSON: %w", err)
	}
	if len(raw.Statement) == 0 {
		return nil, nil // a document with no statement (e.g. every block dynamic and empty)
	}
	var list []rawStatement
	if err := json.Unmarshal(raw.Statement, &list); err != nil {
		var one rawStatement
		if err2 := json.Unmarshal(raw.Statement, &one); err2 != nil {
			return nil, fmt.Errorf("parse policy statements: %w", err)
		}
		list = []rawStatement{one}
	}
	out := make([]Statement, 0, len(list))
	for _, r := range list {
		s := Statement{Sid: r.Sid, Effect: r.Effect, Actions: r.Action, NotActions: r.NotAction,
			Resources: known(r.Resource), NotResources: known(r.NotResource),
			Principals: principals(r.Principal), NotPrincipals: principals(r.NotPrincipal)}
		if s.Effect == "" {
			s.Effect = "Allow"
		}
		for _, test := range sortedKeys(r.Condition) {
			for _, key := range sortedKeys(r.Condition[test]) {
				s.Conditions = append(s.Conditions, Condition{Test: test, Variable: key, Values: known(r.Condition[test][key])})
			}
		}
		out = append(out, s)
	}
	return out, nil
}

func known(list []string) []Value {
	var out []Value
	for _, v := range list {
		out = append(out, Value{Text: v, Known: true})
	}
	return out
}

func principals(p principalJSON) []Principal {
	var out []Principal
	types := make([]string, 0, len(p))
	for t := range p {
		types = append(types, t)
	}
	sort.Strings(types)
	for _, t := range types {
		out = append(out, Principal{Type: t, IDs: known(p[t])})
	}
	return out
}
