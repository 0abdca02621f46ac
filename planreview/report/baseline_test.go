package report

import (
	"strings"
	"testing"

	"github.com/advana-export/terraform-aws-advana-export/planreview/controls"
)

func review(grants []string, users []string, ex ...string) Review {
	var exceptions []controls.Exception
	for _, id := range ex {
		exceptions = append(exceptions, controls.Exception{ID: id, Resource: "r"})
	}
	return Review{
		Inventory: Inventory{
			Principals: []Principal{{Role: "task", Grants: grants}},
			Keys:       []Key{{Key: "alias/exports", Users: users}},
		},
		Exceptions: exceptions,
	}
}

// TestCompare: nothing new prints nothing; each kind of change is named.
func TestCompare(t *testing.T) {
	base := review([]string{"s3:PutObject, s3:AbortMultipartUpload → arn:aws:s3:::b/exports/*"}, []string{"role/task: kms:Decrypt"})
	var out strings.Builder
	if err := Compare(base, base).Write(&out); err != nil || out.Len() != 0 {
		t.Fatalf("unchanged: %q %v", out.String(), err)
	}
	cur := review([]string{"s3:PutObject, s3:AbortMultipartUpload, s3:GetObject → arn:aws:s3:::b/exports/*"},
		[]string{"role/task: kms:Decrypt", "role/other: kms:Decrypt"}, "EX-MUTABLE-IMAGE")
	cur.Inventory.Principals = append(cur.Inventory.Principals, Principal{Role: "new-role"})
	d := Compare(base, cur)
	if err := d.Write(&out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"task: s3:GetObject → arn:aws:s3:::b/exports/*", "new-role", "alias/exports: role/other: kms:Decrypt", "EX-MUTABLE-IMAGE at r"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("diff lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "s3:PutObject") {
		t.Errorf("diff lists an unchanged action:\n%s", out.String())
	}
}
