package main

import (
	"context"
	"fmt"
	"path"
	"sort"
	"strings"
	"testing"
)

// edgeSQL adds to the warehouse database what issue 20 found on databases
// the tests had not seen: a stored generated column (after a dropped one),
// a table without columns, an inheritance parent, money, values no
// Parquet type of their column holds (NaN in numeric(p,s), a timestamp
// past 294247 AD, a multi-dimensional array, an array with bounds), and a
// composite primary key. The round trip reads each back with DuckDB and
// compares it with PostgreSQL's text form.
const edgeSQL = `
CREATE TABLE generated_cols (id int PRIMARY KEY, a int, dropped text, twice int GENERATED ALWAYS AS (a * 2) STORED, note text);
ALTER TABLE generated_cols DROP COLUMN dropped;
INSERT INTO generated_cols (id, a, note) VALUES (1, 21, 'x'), (2, NULL, NULL);
CREATE TABLE no_columns ();
INSERT INTO no_columns DEFAULT VALUES; INSERT INTO no_columns DEFAULT VALUES; INSERT INTO no_columns DEFAULT VALUES;
CREATE TABLE inherit_parent (id int); CREATE TABLE inherit_child (extra text) INHERITS (inherit_parent);
INSERT INTO inherit_parent VALUES (1); INSERT INTO inherit_child VALUES (2, 'c');
CREATE TABLE edge_values (k1 int, k2 text, price numeric(8,2), far timestamp, fartz timestamptz, grid int[], bounded int[], cash money, ok_ts timestamp,
  PRIMARY KEY (k2, k1));
INSERT INTO edge_values VALUES
 (1, 'a', 1.50, '2024-01-01 00:00', '2024-01-01 00:00+00', '{1,2}', '{1}', 12.34, '2024-01-01'),
 (2, 'b', 'NaN', '294276-12-31 23:59:59.999999', '294276-12-31 23:59:59.999999+00', '{{1,2},{3,4}}', '[0:1]={7,8}', -92233720368547758.08, 'infinity'),
 (3, 'c', NULL, '294247-01-10 04:00:54.775807', NULL, NULL, NULL, NULL, '1500-03-01 12:00');
`

// TestParquetEdgeTablesInManifest: the manifest records what a loader needs
// for the edge tables: the primary key in key order, the placeholder of a
// table without columns, each column's actual Parquet type and, for the
// columns written as text this run, why. The round trip
// (TestParquetRoundTrip) proves the values.
func TestParquetEdgeTablesInManifest(t *testing.T) {
	bucket, keyARN := newTarget(t)
	r := runBinary(t, invocation{env: warehouseEnv(t, bucket, keyARN), args: []string{"--jobs", "2"}})
	if r.code != 0 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	_, m := findManifest(t, bucket)
	types := map[string]string{}
	fallback := map[string]bool{}
	for _, tb := range m.Tables {
		switch tb.Name {
		case "edge_values":
			if got := fmt.Sprint(tb.PrimaryKey); got != "[k2 k1]" {
				t.Errorf("edge_values primary key %s, want [k2 k1]", got)
			}
		case "no_columns":
			if tb.Rows != 3 || tb.PlaceholderColumn == "" || len(tb.Columns) != 0 || len(tb.Files) != 1 {
				t.Errorf("no_columns: %+v, want 3 rows in one file with a placeholder column", tb)
			}
		case "generated_cols":
			if len(tb.Columns) != 4 || tb.Rows != 2 {
				t.Errorf("generated_cols: %+v, want 4 columns and 2 rows", tb)
			}
		case "inherit_parent":
			if tb.Rows != 1 {
				t.Errorf("inherit_parent has %d rows, want its own 1 (its child is a table of its own)", tb.Rows)
			}
		}
		for _, c := range tb.Columns {
			types[tb.Name+"."+c.Name] = c.ParquetType
			fallback[tb.Name+"."+c.Name] = c.TextFallback != ""
		}
	}
	for col, want := range map[string]string{
		"edge_values.price":   "BYTE_ARRAY String",
		"edge_values.far":     "BYTE_ARRAY String",
		"edge_values.fartz":   "BYTE_ARRAY String",
		"edge_values.grid":    "BYTE_ARRAY String",
		"edge_values.bounded": "BYTE_ARRAY String",
		"edge_values.cash":    "FIXED_LEN_BYTE_ARRAY(9) Decimal(precision=19, scale=2)",
		"edge_values.ok_ts":   "INT64 Timestamp(isAdjustedToUTC=false, timeUnit=microseconds)",
		"every_type.u":        "BYTE_ARRAY String",
		"every_type.tm":       "BYTE_ARRAY String",
	} {
		if types[col] != want {
			t.Errorf("%s: parquet_type %q, want %q", col, types[col], want)
		}
		if fb := strings.HasPrefix(col, "edge_values.") && want == "BYTE_ARRAY String"; fallback[col] != fb {
			t.Errorf("%s: text_fallback recorded %v, want %v", col, fallback[col], fb)
		}
	}
	// The attempts before each fallback left nothing behind: the run
	// folder holds exactly the manifest's objects.
	prefix := path.Dir(m.Objects[0].Key)
	var got, want []string
	for _, k := range listKeys(t, bucket) {
		if strings.HasPrefix(k, prefix+"/") && !strings.HasSuffix(k, "/manifest.json") {
			got = append(got, k)
		}
	}
	for _, o := range m.Objects {
		want = append(want, o.Key)
	}
	sort.Strings(got)
	sort.Strings(want)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("objects in the run folder:\n%s\nthe manifest lists:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if !strings.Contains(r.stdout, `"event":"column_as_text"`) {
		t.Errorf("no column_as_text event logged:\n%s", r.stdout)
	}
}

// TestParquetRowSecurityRefuses: the exporter role (pg_read_all_data,
// neither the table's owner nor BYPASSRLS) under a SELECT policy that
// hides half of 1,000 rows: the run fails as a database error naming the
// table and the fix, and nothing is left in S3. Before the fix it exported
// 500 rows and exit 0.
func TestParquetRowSecurityRefuses(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const db = "rls_parquet"
	if err := pg.CreateDatabase(ctx, db); err != nil {
		t.Fatal(err)
	}
	if err := pg.Exec(ctx, db, `CREATE TABLE secret (id int, visible_to text);
INSERT INTO secret SELECT g, CASE WHEN g % 2 = 0 THEN 'exporter' ELSE 'someone else' END FROM generate_series(1, 1000) g;
ALTER TABLE secret ENABLE ROW LEVEL SECURITY;
CREATE POLICY only_mine ON secret FOR SELECT USING (visible_to = current_user);
CREATE TABLE big (id int, note text); INSERT INTO big SELECT g, repeat('x', 100) FROM generate_series(1, 20000) g;`); err != nil {
		t.Fatal(err)
	}
	bucket, keyARN := newTarget(t)
	env := baseEnv(bucket, keyARN, moto.Endpoint)
	env["PGDATABASE"] = db
	r := runBinary(t, invocation{env: env, args: []string{"--format", "parquet", "--jobs", "1"}})
	if r.code != 3 {
		t.Fatalf("exit %d, want 3 (database): a row-level security policy must not shrink the export silently\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{`\"public\".\"secret\"`, "row-level security", "BYPASSRLS", "owner"} {
		if !strings.Contains(r.stdout+r.stderr, want) {
			t.Errorf("the error does not say %q:\n%s%s", want, r.stdout, r.stderr)
		}
	}
	assertUndone(t, bucket, r, true)
}
