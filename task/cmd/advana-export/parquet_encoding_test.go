package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// A SQL_ASCII database stores whatever bytes it is given, and PostgreSQL
// sends them unconverted: text that is not UTF-8, which a Parquet STRING
// must not hold (DuckDB refuses the file; Spark reads garbage). The column
// falls back to BYTE_ARRAY holding each value's bytes as stored, the
// manifest says so, and the run neither fails nor loses a byte. A column
// whose values are all UTF-8 stays STRING.
func TestParquetTextNotUTF8FallsBackToBytes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const db = "sql_ascii"
	if err := pg.Exec(ctx, "postgres", `CREATE DATABASE `+db+` ENCODING 'SQL_ASCII' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0`); err != nil {
		t.Fatal(err)
	}
	if err := pg.Exec(ctx, db, `CREATE TABLE people (id int, name text, tags text[], note text);
		INSERT INTO people SELECT g, 'name ' || g, ARRAY['a', 'b'], 'ok' FROM generate_series(1, 1000) g;
		INSERT INTO people VALUES (1001, E'caf\xe9', ARRAY[E'\xff'], 'ok');`); err != nil {
		t.Fatal(err)
	}
	bucket, keyARN := newTarget(t)
	env := baseEnv(bucket, keyARN, moto.Endpoint)
	env["PGDATABASE"] = db
	r := runBinary(t, invocation{env: env, args: []string{"--format", "parquet", "--compression", "none"}})
	if r.code != 0 {
		t.Fatalf("exit %d, want 0:\n%s%s", r.code, r.stdout, r.stderr)
	}
	_, m := findManifest(t, bucket)
	tb := m.Tables[0]
	for i, want := range []string{"", "BYTE_ARRAY", "BYTE_ARRAY", "BYTE_ARRAY String"} {
		c := tb.Columns[i]
		if i > 0 && (c.ParquetType != want || (want == "BYTE_ARRAY") != strings.Contains(c.TextFallback, "UTF-8")) {
			t.Errorf("%s: %s (%q), want %s with the reason only when it fell back", c.Name, c.ParquetType, c.TextFallback, want)
		}
	}
	if tb.Rows != 1001 {
		t.Errorf("rows %d, want 1001", tb.Rows)
	}
	assertOnlyManifestParquet(t, bucket, tb)
	res := queryExport(t, bucket, m, func(dir string) []string {
		return []string{duckdbCanonicalSQL(dir, tb) + " WHERE id IN (1, 1001) ORDER BY id"}
	})
	// The bytes as stored: 'caf' and 0xE9; the array's text form {"\xff"} as PostgreSQL prints it.
	if got := fmt.Sprint(*res[0][0][1], " ", *res[0][1][1], " ", *res[0][1][2]); got != `\x6E616D652031 \x636166E9 \x7BFF7D` {
		t.Errorf("read back %q", got)
	}
}
