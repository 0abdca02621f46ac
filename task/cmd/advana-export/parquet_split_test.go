package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// A database that is one big table (issue #23 item 3): with --jobs 3 the
// table is read by three workers at once, in block ranges of its heap
// inside the same snapshot, each into its own files; the manifest's row
// count is exact and every row arrives once. The last range holds a NaN in
// a numeric(8,2) column, found after the other ranges may have been
// written as DECIMAL: every file of the table must end up with the column
// as text, and nothing of the first attempts may stay in the bucket.
func TestParquetSplitsOneBigTable(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const db = "one_big_table"
	if err := pg.CreateDatabase(ctx, db); err != nil {
		t.Fatal(err)
	}
	if err := pg.Exec(ctx, db, `CREATE TABLE readings (id bigint PRIMARY KEY, amount numeric(8,2), note text);
		INSERT INTO readings SELECT g, g / 100.0, md5(g::text) || repeat('x', 100) FROM generate_series(1, 60000) g;
		INSERT INTO readings VALUES (60001, 'NaN', 'last');`); err != nil {
		t.Fatal(err)
	}
	bucket, keyARN := newTarget(t)
	env := baseEnv(bucket, keyARN, moto.Endpoint)
	env["PGDATABASE"] = db
	env["ADVANA_EXPORT_PARQUET_SPLIT_MIB"] = "1"
	r := runBinary(t, invocation{env: env, args: []string{"--format", "parquet", "--jobs", "3", "--compression", "none", "--parquet-row-group-mib", "1"}})
	if r.code != 0 {
		t.Fatalf("exit %d:\n%s%s", r.code, r.stdout, r.stderr)
	}
	if ev := logEvents(t, r.stdout)["table_exported"]; ev == nil || ev["ranges"] != float64(3) {
		t.Fatalf("table_exported %v: want the table read in 3 ranges", ev)
	}
	_, m := findManifest(t, bucket)
	tb := m.Tables[0]
	ranges := map[string]bool{}
	for _, f := range tb.Files {
		name := f.Path[strings.LastIndex(f.Path, "/")+1:]
		ranges[name[:len("part-00000")]] = true
	}
	if tb.Rows != 60001 || len(ranges) != 3 || tb.Columns[1].ParquetType != "BYTE_ARRAY String" || !strings.Contains(tb.Columns[1].TextFallback, "NaN") {
		t.Fatalf("readings: rows %d, files %d from ranges %v, amount %+v: want every row, files of 3 ranges, amount as text", tb.Rows, len(tb.Files), ranges, tb.Columns[1])
	}
	assertOnlyManifestParquet(t, bucket, tb)
	// One read over every file: DuckDB refuses files whose column types differ.
	res := queryExport(t, bucket, m, func(dir string) []string {
		canonical := duckdbCanonicalSQL(dir, tb)
		return []string{"SELECT count(*)::VARCHAR, count(DISTINCT id)::VARCHAR FROM (" + canonical + ") AS c(id, amount, note)",
			canonical + " WHERE id IN (1, 60001) ORDER BY id"}
	})
	if got := fmt.Sprint(*res[0][0][0], " ", *res[0][0][1]); got != "60001 60001" {
		t.Errorf("rows, distinct ids read back: %s, want 60001 60001", got)
	}
	if got := fmt.Sprint(*res[1][0][1], " ", *res[1][1][1]); got != "0.01 NaN" {
		t.Errorf("amounts read back %q, want \"0.01 NaN\"", got)
	}
}
