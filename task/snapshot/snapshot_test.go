package snapshot_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/advana-export/terraform-aws-advana-export/task/snapshot"
	"github.com/advana-export/terraform-aws-advana-export/test/harness/testenv"
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

// TestBlockRangesReadEveryRowOnce: a table cut into heap block ranges and
// read by several workers gives every row of the snapshot exactly once,
// though rows were updated (moved to other blocks), deleted and added after
// the snapshot was exported; the last range is open, so a heap that grew
// is still covered.
func TestBlockRangesReadEveryRowOnce(t *testing.T) {
	pg := testenv.PostgresT(t)
	ctx := context.Background()
	if err := pg.CreateDatabase(ctx, "ranges"); err != nil {
		t.Fatal(err)
	}
	if err := pg.Exec(ctx, "ranges", `CREATE TABLE big (id int, pad text) WITH (autovacuum_enabled = off);
INSERT INTO big SELECT g, repeat('x', 300) FROM generate_series(1, 20000) g;`); err != nil {
		t.Fatal(err)
	}
	snap := openSnapshot(t, pg, "ranges", pg.User, pg.Password)
	if snap.ServerVersion < snapshot.TIDRangeVersion {
		t.Fatalf("server_version_num %d: the test server must be 14 or later", snap.ServerVersion)
	}
	if err := pg.Exec(ctx, "ranges", `UPDATE big SET pad = repeat('y', 300) WHERE id % 7 = 0;
DELETE FROM big WHERE id % 11 = 0; INSERT INTO big SELECT g, 'late' FROM generate_series(20001, 25000) g;`); err != nil {
		t.Fatal(err)
	}
	tables, err := snap.Tables(ctx, snapshot.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	tb := tables[0]
	if tb.Blocks < 100 {
		t.Fatalf("big has %d blocks, want a heap worth splitting", tb.Blocks)
	}
	for _, k := range []int{2, 3, 7} {
		seen := make(map[string]int, 20000)
		var total int64
		ranges := snapshot.SplitBlocks(tb.Blocks/2, k) // a size read too small: the open last range must still cover the rest
		for _, b := range ranges {
			w, err := snap.Worker(ctx)
			if err != nil {
				t.Fatal(err)
			}
			n, err := w.CopyRange(ctx, tb, b, func(f [][]byte) error {
				seen[string(f[0])]++
				return nil
			})
			w.Close(ctx)
			if err != nil {
				t.Fatal(err)
			}
			total += n
		}
		if len(ranges) != k || total != 20000 || len(seen) != 20000 {
			t.Errorf("%d ranges: read %d rows, %d distinct ids, want 20000 of each", len(ranges), total, len(seen))
		}
		for id, n := range seen {
			if n != 1 {
				t.Errorf("%d ranges: id %s read %d times", k, id, n)
			}
		}
	}
}

func TestSplitBlocksCoversTheHeap(t *testing.T) {
	for _, c := range []struct {
		n    int64
		k    int
		want string
	}{
		{1000, 1, "[{0 0}]"},
		{1000, 4, "[{0 250} {250 500} {500 750} {750 0}]"},
		{10, 3, "[{0 3} {3 6} {6 0}]"},
		{2, 3, "[{0 0}]"}, // fewer blocks than ranges: read whole
	} {
		if got := fmt.Sprint(snapshot.SplitBlocks(c.n, c.k)); got != c.want {
			t.Errorf("SplitBlocks(%d, %d) = %s, want %s", c.n, c.k, got, c.want)
		}
	}
}
