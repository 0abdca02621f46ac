package model

import (
	"reflect"
	"testing"
)

func TestModuleCalls(t *testing.T) {
	cases := []struct {
		addr   string
		calls  []string
		parent string
	}{
		{"", nil, ""},
		{"module.a", []string{"a"}, ""},
		{"module.a.module.b", []string{"a", "b"}, "module.a"},
		{`module.a[0].module.b["x.y"]`, []string{"a", "b"}, "module.a[0]"},
		{`module.a["k"].module.b.module.c[2]`, []string{"a", "b", "c"}, `module.a["k"].module.b`},
	}
	for _, tc := range cases {
		t.Run(tc.addr, func(t *testing.T) {
			if got := ModuleCalls(tc.addr); !reflect.DeepEqual(got, tc.calls) {
				t.Errorf("ModuleCalls = %q, want %q", got, tc.calls)
			}
			if got, _ := Parent(tc.addr); got != tc.parent {
				t.Errorf("Parent = %q, want %q", got, tc.parent)
			}
		})
	}
}

func TestRefersTo(t *testing.T) {
	role := &Resource{Module: "module.x[0]", Mode: "managed", Type: "aws_iam_role", Name: "replication"}
	cases := []struct {
		refs []string
		want bool
	}{
		{[]string{"module.x.aws_iam_role.replication[0].arn"}, true},
		{[]string{"module.x[0].aws_iam_role.replication"}, true},
		{[]string{"module.x.aws_iam_role.replication_other.arn"}, false},
		{[]string{"module.y.aws_iam_role.replication.arn"}, false},
		{nil, false},
	}
	for _, tc := range cases {
		if got := RefersTo(tc.refs, role); got != tc.want {
			t.Errorf("RefersTo(%q) = %v, want %v", tc.refs, got, tc.want)
		}
	}
}
