package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/advana-export/terraform-aws-advana-export/task/manifest"
	"github.com/advana-export/terraform-aws-advana-export/test/harness/testenv"
)

var warehouseOnce sync.Once
var warehouseErr error

// warehouseEnv is baseEnv for the warehouse database (created once).
func warehouseEnv(t *testing.T, bucket, keyARN string) map[string]string {
	t.Helper()
	warehouseOnce.Do(func() {
		ctx := context.Background()
		if warehouseErr = pg.CreateDatabase(ctx, warehouseDB); warehouseErr == nil {
			warehouseErr = pg.Exec(ctx, warehouseDB, warehouseSQL+edgeSQL)
		}
	})
	if warehouseErr != nil {
		t.Fatal(warehouseErr)
	}
	env := baseEnv(bucket, keyARN, moto.Endpoint)
	env["PGDATABASE"] = warehouseDB
	env["ADVANA_EXPORT_FORMAT"] = "parquet"
	return env
}

// TestParquetRoundTrip exports the warehouse database as Parquet, reads
// every file back with DuckDB, loads what DuckDB read into PostgreSQL
// tables of the source's types, and compares each table's row count and a
// hash PostgreSQL computes over the same text form on both sides.
func TestParquetRoundTrip(t *testing.T) {
	duck, err := testenv.StartDuckDB(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	bucket, keyARN := newTarget(t)
	env := warehouseEnv(t, bucket, keyARN)
	r := runBinary(t, invocation{env: env, args: []string{"--jobs", "2",
		"--exclude-table", "skipped_table", "--exclude-table-data", "skipped_rows"}})
	if r.code != 0 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	_, m := findManifest(t, bucket)
	dir := t.TempDir()
	download(t, bucket, m, dir)

	if m.Format != "parquet" || m.Snapshot == nil || m.Snapshot.WALLSN == "" || m.SchemaFile != "schema.sql" {
		t.Fatalf("manifest: format %q snapshot %+v schema %q", m.Format, m.Snapshot, m.SchemaFile)
	}
	tables := map[string]manifest.Table{}
	for _, tb := range m.Tables {
		tables[tb.Schema+"."+tb.Name] = tb
	}
	for _, name := range []string{"public.every_type", "public.empty_table", "public.measurements", "public.wide",
		"Sales-EU.Order Lines!", "Sales-EU.order_lines", "public.skipped_rows",
		"public.generated_cols", "public.no_columns", "public.inherit_parent", "public.inherit_child", "public.edge_values"} {
		if _, ok := tables[name]; !ok {
			t.Errorf("manifest lacks table %s", name)
		}
	}
	for _, name := range []string{"public.skipped_table", "public.measurements_2023"} {
		if _, ok := tables[name]; ok {
			t.Errorf("manifest lists %s, which must not be exported as a table", name)
		}
	}
	if sk := tables["public.skipped_rows"]; !sk.DataExcluded || len(sk.Files) != 0 || len(sk.Columns) != 2 {
		t.Errorf("skipped_rows: %+v, want columns, no data", sk)
	}
	if w := tables["public.wide"]; len(w.Columns) != 1000 {
		t.Errorf("wide has %d columns in the manifest", len(w.Columns))
	}

	// Load what DuckDB reads into tables LIKE the source, side by side.
	ctx := context.Background()
	var sqls []string
	var names []manifest.Table
	for _, tb := range m.Tables {
		if tb.DataExcluded {
			continue
		}
		if len(tb.Files) == 0 {
			t.Fatalf("%s.%s has no files", tb.Schema, tb.Name)
		}
		sqls = append(sqls, duckdbCanonicalSQL(dir, tb))
		names = append(names, tb)
	}
	results, err := duck.Query(ctx, dir, sqls...)
	if err != nil {
		t.Fatal(err)
	}
	if err := pg.Exec(ctx, warehouseDB, "DROP SCHEMA IF EXISTS roundtrip CASCADE; CREATE SCHEMA roundtrip;"); err != nil {
		t.Fatal(err)
	}
	for i, tb := range names {
		copyName := fmt.Sprintf("roundtrip.t%d", i)
		if err := loadRows(ctx, copyName, tb, results[i]); err != nil {
			t.Fatalf("%s.%s: %v", tb.Schema, tb.Name, err)
		}
		// ONLY: an inheritance parent's export holds its own rows, as
		// COPY and pg_dump give them; a partitioned table holds none of
		// its own, it stands for its partitions.
		source := quoteIdent(tb.Schema) + "." + quoteIdent(tb.Name)
		if !tb.Partitioned {
			source = "ONLY " + source
		}
		if err := compareParquetTable(ctx, source, copyName, tb.Rows); err != nil {
			t.Errorf("%s.%s: %v", tb.Schema, tb.Name, err)
		}
	}

	// The comparison must see a change in a single cell.
	for i, tb := range names {
		if tb.Name != "every_type" {
			continue
		}
		copyName := fmt.Sprintf("roundtrip.t%d", i)
		if err := pg.Exec(ctx, warehouseDB, "UPDATE "+copyName+" SET f8 = 2.2500000000000004 WHERE id = 1"); err != nil {
			t.Fatal(err)
		}
		if err := compareParquetTable(ctx, "public.every_type", copyName, tb.Rows); err == nil {
			out, _ := pg.Query(ctx, warehouseDB, "SELECT id, f8 FROM "+copyName+" ORDER BY id")
			t.Fatalf("a changed cell went unnoticed: %s", out)
		}
	}
}

// compareParquetTable compares row counts and an md5 PostgreSQL computes over
// each table's rows in their text form, sorted. ROW(x.*) and not x: a
// column named like the alias would stand for the row.
func compareParquetTable(ctx context.Context, source, copied string, manifestRows int64) error {
	q := func(tbl string) (string, error) {
		return pg.Query(ctx, warehouseDB, fmt.Sprintf(
			`SELECT count(*) || ' ' || md5(coalesce(string_agg(r, E'\n' ORDER BY r), '')) FROM (SELECT ROW(x.*)::text AS r FROM %s x) rows`, tbl))
	}
	want, err := q(source)
	if err != nil {
		return err
	}
	got, err := q(copied)
	if err != nil {
		return err
	}
	if want != got {
		return fmt.Errorf("source %s, Parquet read back by DuckDB %s", want, got)
	}
	if !strings.HasPrefix(want, fmt.Sprint(manifestRows)+" ") {
		return fmt.Errorf("source has %s rows, manifest says %d", want, manifestRows)
	}
	return nil
}

// loadRows creates copyName LIKE the source table and copies rows in.
func loadRows(ctx context.Context, copyName string, tb manifest.Table, rows [][]*string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "CREATE TABLE %s (LIKE %s.%s);\nCOPY %s FROM STDIN;\n", copyName, quoteIdent(tb.Schema), quoteIdent(tb.Name), copyName)
	for _, row := range rows {
		if len(tb.Columns) == 0 {
			row = nil
		}
		for i, v := range row {
			if i > 0 {
				b.WriteByte('\t')
			}
			if v == nil {
				b.WriteString(`\N`)
				continue
			}
			b.WriteString(strings.NewReplacer(`\`, `\\`, "\t", `\t`, "\n", `\n`, "\r", `\r`).Replace(*v))
		}
		b.WriteByte('\n')
	}
	b.WriteString("\\.\n")
	return pg.Exec(ctx, warehouseDB, b.String())
}

// duckdbCanonicalSQL reads a table's files and renders every value as text
// PostgreSQL's input functions take for the source column's type.
func duckdbCanonicalSQL(dir string, tb manifest.Table) string {
	files := make([]string, len(tb.Files))
	for i, f := range tb.Files {
		files[i] = "'" + filepath.Join(dir, filepath.FromSlash(f.Path)) + "'"
	}
	cols := make([]string, len(tb.Columns))
	for i, c := range tb.Columns {
		cols[i] = duckdbText(quoteIdent(c.Name), c.ParquetType, c.PGType)
	}
	if len(cols) == 0 {
		// No columns: the placeholder carries the rows; loadRows writes
		// an empty line for each.
		cols = []string{"CAST(" + quoteIdent(tb.PlaceholderColumn) + " AS VARCHAR)"}
	}
	return fmt.Sprintf("SELECT %s FROM read_parquet([%s])", strings.Join(cols, ", "), strings.Join(files, ", "))
}

func duckdbText(x, parquetType, pgType string) string {
	if inner, ok := strings.CutPrefix(parquetType, "LIST<"); ok {
		delim := ","
		if strings.HasPrefix(pgType, "box") {
			delim = ";"
		}
		elem := duckdbText("x", strings.TrimSuffix(inner, ">"), strings.TrimSuffix(pgType, "[]"))
		return fmt.Sprintf(`CASE WHEN %[1]s IS NULL THEN NULL ELSE '{' || array_to_string(list_transform(%[1]s, x -> CASE WHEN x IS NULL THEN 'NULL' ELSE '"' || replace(replace(%[2]s, '\', '\\'), '"', '\"') || '"' END), '%[3]s') || '}' END`, x, elem, delim)
	}
	switch {
	case parquetType == "BYTE_ARRAY":
		return `'\x' || hex(` + x + `)`
	case strings.Contains(parquetType, "Date"), strings.Contains(parquetType, "Timestamp"):
		// DuckDB writes a BC date as "0044-03-15 (BC)", PostgreSQL reads "0044-03-15 BC".
		return fmt.Sprintf(`CASE WHEN contains(CAST(%[1]s AS VARCHAR), ' (BC)') THEN replace(CAST(%[1]s AS VARCHAR), ' (BC)', '') || ' BC' ELSE CAST(%[1]s AS VARCHAR) END`, x)
	}
	return "CAST(" + x + " AS VARCHAR)"
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
