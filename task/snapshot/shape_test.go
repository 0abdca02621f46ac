package snapshot_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/advana-export/terraform-aws-advana-export/task/snapshot"
	"github.com/advana-export/terraform-aws-advana-export/test/harness/testenv"
)

// openSnapshot exports a snapshot of database as user; it is closed when
// the test ends.
func openSnapshot(t *testing.T, pg *testenv.Postgres, database, user, password string) *snapshot.Snapshot {
	t.Helper()
	ctx := context.Background()
	cc, err := snapshot.ConnConfig(pg.Host, pg.Port, user, password, database, "disable")
	if err != nil {
		t.Fatal(err)
	}
	snap, err := snapshot.Open(ctx, cc)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { snap.Close(ctx) })
	return snap
}

// readAll opens a snapshot of database as user and reads every table's
// rows as text, joined by "|" per row.
func readAll(t *testing.T, pg *testenv.Postgres, database, user, password string) (map[string][]string, map[string]snapshot.Table, error) {
	t.Helper()
	ctx := context.Background()
	snap := openSnapshot(t, pg, database, user, password)
	tables, err := snap.Tables(ctx, snapshot.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	w, err := snap.Worker(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close(ctx)
	rows := map[string][]string{}
	byName := map[string]snapshot.Table{}
	for _, tb := range tables {
		byName[tb.Name] = tb
		_, err := w.Copy(ctx, tb, func(fields [][]byte) error {
			parts := make([]string, len(fields))
			for i, f := range fields {
				parts[i] = string(f)
			}
			rows[tb.Name] = append(rows[tb.Name], strings.Join(parts, "|"))
			return nil
		})
		if err != nil {
			return rows, byName, err
		}
	}
	return rows, byName, nil
}

// TestCopyShapes: a stored generated column comes out with its stored
// value (plain COPY leaves it out), a zero-column table gives its rows, an
// inheritance parent gives only its own rows (as COPY and pg_dump do), and
// a money column is read as its numeric value, whatever the session's
// lc_monetary.
func TestCopyShapes(t *testing.T) {
	pg := testenv.PostgresT(t)
	ctx := context.Background()
	if err := pg.CreateDatabase(ctx, "shapes"); err != nil {
		t.Fatal(err)
	}
	if err := pg.Exec(ctx, "shapes", `
CREATE TABLE gen (id int PRIMARY KEY, a int, twice int GENERATED ALWAYS AS (a * 2) STORED, b text);
ALTER TABLE gen DROP COLUMN b; ALTER TABLE gen ADD COLUMN c text;
INSERT INTO gen (id, a, c) VALUES (1, 5, 'x'), (2, NULL, NULL);
CREATE TABLE nocols (); INSERT INTO nocols DEFAULT VALUES; INSERT INTO nocols DEFAULT VALUES; INSERT INTO nocols DEFAULT VALUES;
CREATE TABLE parent (id int); CREATE TABLE child () INHERITS (parent);
INSERT INTO parent VALUES (1); INSERT INTO child VALUES (2);
CREATE TABLE cash (id int, m money); INSERT INTO cash VALUES (1, 1234.5), (2, -0.01);
CREATE TABLE keyed (b int, a int, c int, PRIMARY KEY (c, a));
ALTER DATABASE shapes SET lc_monetary = 'C';`); err != nil {
		t.Fatal(err)
	}
	rows, tables, err := readAll(t, pg, "shapes", pg.User, pg.Password)
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{
		"gen":    "[1|5|10|x 2|||]",
		"nocols": "[  ]",
		"parent": "[1]",
		"child":  "[2]",
		"cash":   "[1|1234.50 2|-0.01]",
	} {
		if got := fmt.Sprint(rows[name]); got != want {
			t.Errorf("%s: rows %s, want %s", name, got, want)
		}
	}
	if n := len(tables["nocols"].Columns); n != 0 {
		t.Errorf("nocols has %d columns", n)
	}
	if !tables["gen"].Columns[2].Generated {
		t.Errorf("gen.twice is not marked generated: %+v", tables["gen"].Columns[2])
	}
	if got := fmt.Sprint(tables["keyed"].PrimaryKey); got != "[c a]" {
		t.Errorf("keyed's primary key %s, want [c a] (the key's order)", got)
	}
	if got := fmt.Sprint(tables["gen"].PrimaryKey); got != "[id]" {
		t.Errorf("gen's primary key %s, want [id]", got)
	}
	if tables["cash"].Columns[1].Type.Name != "numeric" {
		t.Errorf("money is read as %+v, want its numeric value", tables["cash"].Columns[1].Type)
	}
}

// TestRowSecurityRefuses: a role that is neither the table's owner nor
// BYPASSRLS, under a SELECT policy that hides half the rows, must not read
// a subset: the read fails, naming the table and the fix. Once the role is
// a member of the table's owner role it reads every row.
func TestRowSecurityRefuses(t *testing.T) {
	pg := testenv.PostgresT(t)
	ctx := context.Background()
	if err := pg.CreateDatabase(ctx, "rls"); err != nil {
		t.Fatal(err)
	}
	if err := pg.Exec(ctx, "rls", `
CREATE ROLE rls_reader LOGIN PASSWORD 'reader-pw';
CREATE TABLE secret (id int, owner_name text);
INSERT INTO secret SELECT g, CASE WHEN g % 2 = 0 THEN 'rls_reader' ELSE 'other' END FROM generate_series(1, 1000) g;
ALTER TABLE secret ENABLE ROW LEVEL SECURITY;
CREATE POLICY mine ON secret FOR SELECT USING (owner_name = current_user);
GRANT SELECT ON secret TO rls_reader;`); err != nil {
		t.Fatal(err)
	}
	rows, _, err := readAll(t, pg, "rls", "rls_reader", "reader-pw")
	if err == nil {
		t.Fatalf("a role under a row-level security policy read %d rows and no error", len(rows["secret"]))
	}
	var rls *snapshot.RowSecurityError
	if !errors.As(err, &rls) || !strings.Contains(err.Error(), `"public"."secret"`) || !strings.Contains(err.Error(), "BYPASSRLS") {
		t.Errorf("error %v: want a RowSecurityError naming the table and BYPASSRLS", err)
	}
	// The fix docs/warehouse.md gives for RDS (whose master user is not a
	// superuser and cannot be relied on to grant BYPASSRLS): make the
	// export role a member of the role that owns the tables.
	if err := pg.Exec(ctx, "rls", `CREATE ROLE app_owner; ALTER TABLE secret OWNER TO app_owner; GRANT app_owner TO rls_reader;`); err != nil {
		t.Fatal(err)
	}
	rows, _, err = readAll(t, pg, "rls", "rls_reader", "reader-pw")
	if err != nil || len(rows["secret"]) != 1000 {
		t.Fatalf("a member of the owner role read %d rows, err %v", len(rows["secret"]), err)
	}
}
