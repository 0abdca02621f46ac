package sampledb_test

import (
	"context"
	"strings"
	"testing"

	"github.com/advana-export/terraform-aws-advana-export/test/harness/sampledb"
	"github.com/advana-export/terraform-aws-advana-export/test/harness/testenv"
)

func TestLoadCreatesEveryTable(t *testing.T) {
	pg := testenv.PostgresT(t)
	ctx := context.Background()
	if err := pg.CreateDatabase(ctx, "sample"); err != nil {
		t.Fatal(err)
	}
	if err := sampledb.Load(ctx, pg, "sample", 0.1); err != nil {
		t.Fatal(err)
	}
	out, err := pg.Query(ctx, "sample", sampledb.RowCountsSQL())
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(out, "\n")
	if len(lines) != len(sampledb.Tables) {
		t.Fatalf("got %d tables, want %d:\n%s", len(lines), len(sampledb.Tables), out)
	}
	for _, l := range lines {
		f := strings.Split(l, "|")
		if len(f) != 3 || f[1] == "0" {
			t.Errorf("table row %q: want a non-empty table", l)
		}
	}
	if err := sampledb.Load(ctx, pg, "sample", 0); err == nil {
		t.Error("scale 0 accepted")
	}
}
