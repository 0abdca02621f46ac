package snapshot_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/advana-export/terraform-aws-advana-export/internal/testenv"
	"github.com/advana-export/terraform-aws-advana-export/task/snapshot"
)

// TestWorkersSeeTheSnapshot: rows committed after the snapshot was exported
// are invisible to every worker, however late the worker starts; tables come
// largest first, partitions through their root.
func TestWorkersSeeTheSnapshot(t *testing.T) {
	pg := testenv.PostgresT(t)
	ctx := context.Background()
	if err := pg.CreateDatabase(ctx, "snap"); err != nil {
		t.Fatal(err)
	}
	if err := pg.Exec(ctx, "snap", `
CREATE TABLE small (id int); INSERT INTO small VALUES (1), (2);
CREATE TABLE big (id int, pad text); INSERT INTO big SELECT g, repeat('x', 200) FROM generate_series(1, 5000) g;
CREATE TABLE parts (id int) PARTITION BY RANGE (id);
CREATE TABLE parts_a PARTITION OF parts FOR VALUES FROM (0) TO (100);
CREATE TABLE parts_b PARTITION OF parts FOR VALUES FROM (100) TO (200);
INSERT INTO parts SELECT generate_series(0, 199);`); err != nil {
		t.Fatal(err)
	}
	snap := openSnapshot(t, pg, "snap", pg.User, pg.Password)
	if snap.ID == "" || snap.WALLSN == "" || snap.Time.IsZero() {
		t.Fatalf("snapshot %+v", snap)
	}

	// Committed after the export: no worker may see these.
	if err := pg.Exec(ctx, "snap", `INSERT INTO small VALUES (3); INSERT INTO parts VALUES (150); DELETE FROM big WHERE id <= 10;`); err != nil {
		t.Fatal(err)
	}

	tables, err := snap.Tables(ctx, snapshot.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tb := range tables {
		names = append(names, tb.Name)
	}
	if fmt.Sprint(names) != "[big parts small]" {
		t.Fatalf("tables %v, want largest first and partitions through their root: [big parts small]", names)
	}
	want := map[string]int64{"big": 5000, "parts": 200, "small": 2}
	for _, tb := range tables {
		w, err := snap.Worker(ctx)
		if err != nil {
			t.Fatal(err)
		}
		n, err := w.Copy(ctx, tb, func([][]byte) error { return nil })
		w.Close(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n != want[tb.Name] {
			t.Errorf("%s: a worker read %d rows, the snapshot holds %d", tb.Name, n, want[tb.Name])
		}
	}
}
