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
	const db = "sql_ascii"
	sqlASCIIDatabase(t, db, `CREATE TABLE people (id int, name text, tags text[], note text);
		INSERT INTO people SELECT g, 'name ' || g, ARRAY['a', 'b'], 'ok' FROM generate_series(1, 1000) g;
		INSERT INTO people VALUES (1001, E'caf\xe9', ARRAY[E'\xff'], 'ok');`)
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

// A SQL_ASCII database can name a table or a column in bytes that are not
// UTF-8, which Parquet's schema, S3 keys and the manifest cannot carry. The
// Parquet export refuses, naming the table or column and the ways out, and
// leaves nothing behind; a table left out is no obstacle; the custom format
// keeps such names as stored.
func TestParquetNameNotUTF8(t *testing.T) {
	t.Parallel()
	const db = "sql_ascii_names"
	sqlASCIIDatabase(t, db, "CREATE TABLE \"caf\xe9\" (id int); CREATE TABLE cols (id int, \"n\xe9\" text); CREATE TABLE fine (id int);"+
		"INSERT INTO \"caf\xe9\" VALUES (1); INSERT INTO cols VALUES (1, 'x'); INSERT INTO fine VALUES (1), (2);")
	for _, c := range []struct {
		name, want string
		args       []string
		code       int
	}{
		{"parquet", "not named in UTF-8 (the database's encoding is SQL_ASCII): Parquet column names, S3 keys and the manifest must be UTF-8: rename it", []string{"--format", "parquet"}, exitDump},
		{"parquet without the table", `column \"n\\xe9\" of table \"public.cols\" is not named in UTF-8`, []string{"--format", "parquet", "--exclude-table", "public.caf*"}, exitDump},
		{"parquet without both", "", []string{"--format", "parquet", "--exclude-table", "public.caf*", "--exclude-table", "public.cols"}, 0},
		{"custom", "", nil, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			bucket, keyARN := newTarget(t)
			env := baseEnv(bucket, keyARN, moto.Endpoint)
			env["PGDATABASE"] = db
			r := runBinary(t, invocation{env: env, args: c.args})
			// c.want as the JSON log line writes it.
			if r.code != c.code || !strings.Contains(r.stdout, c.want) {
				t.Fatalf("exit %d, want %d with %q:\n%s%s", r.code, c.code, c.want, r.stdout, r.stderr)
			}
			if c.code != 0 {
				if keys := listKeys(t, bucket); len(keys) != 0 {
					t.Fatalf("a refused export left %q", keys)
				}
				return
			}
			if _, m := findManifest(t, bucket); m.Format == "parquet" && (len(m.Tables) != 1 || m.Tables[0].Name != "fine" || m.Tables[0].Rows != 2) {
				t.Fatalf("manifest tables %+v, want only public.fine with 2 rows", m.Tables)
			}
		})
	}
}

// sqlASCIIDatabase creates database db in SQL_ASCII, which stores bytes
// unchecked, and runs script in it.
func sqlASCIIDatabase(t *testing.T, db, script string) {
	t.Helper()
	ctx := context.Background()
	if err := pg.Exec(ctx, "postgres", `CREATE DATABASE `+db+` ENCODING 'SQL_ASCII' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0`); err != nil {
		t.Fatal(err)
	}
	if err := pg.Exec(ctx, db, script); err != nil {
		t.Fatal(err)
	}
}
