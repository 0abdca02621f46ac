package policy

import (
	"reflect"
	"testing"
)

func TestParseJSON(t *testing.T) {
	cases := []struct {
		name string
		doc  string
		want []Statement
	}{
		{"no statement", `{"Version":"2012-10-17"}`, nil},
		{"strings and default effect", `{"Statement":{"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}`,
			[]Statement{{Effect: "Allow", Actions: []string{"s3:GetObject"}, Resources: []Value{{Text: "arn:aws:s3:::b/*", Known: true}}}}},
		{"principal star and conditions", `{"Statement":[{"Sid":"X","Effect":"Deny","Principal":"*","Action":["s3:*"],"Resource":["*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`,
			[]Statement{{Sid: "X", Effect: "Deny", Actions: []string{"s3:*"}, Resources: []Value{{Text: "*", Known: true}},
				Principals: []Principal{{Type: "*", IDs: []Value{{Text: "*", Known: true}}}},
				Conditions: []Condition{{Test: "Bool", Variable: "aws:SecureTransport", Values: []Value{{Text: "false", Known: true}}}}}}},
		{"service principals", `{"Statement":[{"Effect":"Allow","Principal":{"Service":["a.amazonaws.com","b.amazonaws.com"]},"Action":"sts:AssumeRole"}]}`,
			[]Statement{{Effect: "Allow", Actions: []string{"sts:AssumeRole"},
				Principals: []Principal{{Type: "Service", IDs: []Value{{Text: "a.amazonaws.com", Known: true}, {Text: "b.amazonaws.com", Known: true}}}}}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseJSON(tc.doc)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
	if _, err := ParseJSON(`{"Statement":`); err == nil {
		t.Error("truncated JSON parsed without error")
	}
}

func TestWildcardActions(t *testing.T) {
	got := WildcardActions([]string{"s3:GetObject", "s3:*", "*", "kms:Decrypt", "s3:Get*", "s3:Bypass?overnanceRetention"})
	if want := []string{"s3:*", "*", "s3:Get*", "s3:Bypass?overnanceRetention"}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}
