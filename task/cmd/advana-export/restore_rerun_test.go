package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/advana-export/terraform-aws-advana-export/task/partner"
	"github.com/advana-export/terraform-aws-advana-export/test/harness/exportcheck"
	"github.com/advana-export/terraform-aws-advana-export/test/harness/testenv"
)

// rerunSchema has what a plain pg_restore --clean trips over or a restore
// can lose: a partitioned table with a primary key on the parent (the
// partitions' keys are attached to it), a partition that is partitioned in
// turn, with an index of its own, a foreign key into the partitioned table, row-level
// security with a policy, a trigger, large objects, a stored generated
// column and a table with no columns (its row count is its data); and
// partitioned tables whose schema, table, key and index names hold spaces
// (pg_restore --list prints them unquoted).
const rerunSchema = `
create schema app;
create table app.events (id bigint, at date not null, body text, primary key (id, at)) partition by range (at);
create table app.events_2025 partition of app.events for values from ('2025-01-01') to ('2026-01-01');
create table app.events_2026 partition of app.events for values from ('2026-01-01') to ('2027-01-01');
create table app.events_2027 partition of app.events for values from ('2027-01-01') to ('2028-01-01') partition by range (id);
create table app.events_2027_low partition of app.events_2027 for values from (minvalue) to (1000000);
create index events_body on app.events (body);
create index events_2027_at on app.events_2027 (at);
insert into app.events select g, date '2025-06-01' + (g % 700), 'event ' || g from generate_series(1, 1000) g;
create table app.event_notes (id int primary key, event_id bigint, event_at date, note text,
  foreign key (event_id, event_at) references app.events);
insert into app.event_notes select g, g, date '2025-06-01' + (g % 400), 'note ' || g from generate_series(1, 50) g;
create table app.docs (id int primary key, owner text not null, body text, blob oid);
alter table app.docs enable row level security;
create policy docs_owner on app.docs using (owner = current_user);
create function app.stamp() returns trigger language plpgsql as $$
begin new.body := new.body || ' (stamped)'; return new; end $$;
create trigger docs_stamp before insert on app.docs for each row execute function app.stamp();
insert into app.docs select g, 'user' || (g % 3), 'doc ' || g, lo_from_bytea(0, convert_to(repeat('blob ' || g, 100), 'UTF8'))
  from generate_series(1, 10) g;
create table app.priced (id int primary key, net numeric(10,2), gross numeric(10,2) generated always as (net * 1.19) stored,
  label text generated always as ('#' || id) stored);
insert into app.priced (id, net) select g, g * 10.5 from generate_series(1, 20) g;
create table app.tally ();
insert into app.tally select from generate_series(1, 7);
create view app.recent as select id, at from app.events where at >= date '2026-01-01';
create table app."spaced parent" (id int, k text, body text, primary key (id, k), constraint "spaced unique" unique (k, id)) partition by list (k);
create table app."spaced parent a" partition of app."spaced parent" for values in ('a');
create index "spaced body" on app."spaced parent" (body);
insert into app."spaced parent" select g, 'a', 'body ' || g from generate_series(1, 10) g;
create schema "app two";
create table "app two"."p t" (id int, k text, primary key (id, k)) partition by list (k);
create table "app two"."p t a" partition of "app two"."p t" for values in ('a');
create index "my idx" on "app two"."p t" (id);
`

// fingerprint describes a database as a DBA would compare two: every
// object of schema app (relations, columns, constraints, indexes,
// triggers, policies, row security, functions, views) by name and
// definition, every row of every table (generated columns included, and a
// zero-column table's rows as its count), and every large object's content.
// OIDs and owners are left out: a restore with --no-owner changes owners.
func fingerprint(t *testing.T, db string) string {
	t.Helper()
	ctx := context.Background()
	catalog := []string{
		`select string_agg(c.relname || ':' || c.relkind::text || ':' || c.relrowsecurity, ',' order by c.relname)
		   from pg_class c where c.relnamespace = 'app'::regnamespace`,
		`select string_agg(c.relname || '.' || a.attname || ':' || format_type(a.atttypid, a.atttypmod) || ':' || a.attgenerated::text
		   || ':' || coalesce(pg_get_expr(d.adbin, d.adrelid), ''), ',' order by c.relname, a.attnum)
		   from pg_attribute a join pg_class c on c.oid = a.attrelid left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
		  where c.relnamespace = 'app'::regnamespace and a.attnum > 0 and not a.attisdropped`,
		`select string_agg(conrelid::regclass || '.' || conname || ':' || pg_get_constraintdef(oid), ',' order by conrelid::regclass::text, conname)
		   from pg_constraint where connamespace = 'app'::regnamespace`,
		`select string_agg(indexrelid::regclass || ':' || pg_get_indexdef(indexrelid), ',' order by indexrelid::regclass::text)
		   from pg_index i join pg_class c on c.oid = i.indexrelid where c.relnamespace = 'app'::regnamespace`,
		`select string_agg(pg_get_triggerdef(t.oid), ',' order by t.tgname) from pg_trigger t
		   join pg_class c on c.oid = t.tgrelid where c.relnamespace = 'app'::regnamespace and not t.tgisinternal`,
		`select string_agg(polrelid::regclass || '.' || polname || ':' || polcmd::text || ':' || pg_get_expr(polqual, polrelid), ',' order by polname)
		   from pg_policy`,
		`select string_agg(p.proname || ':' || md5(p.prosrc), ',' order by p.proname) from pg_proc p where p.pronamespace = 'app'::regnamespace`,
		`select string_agg(c.relname || ':' || pg_get_viewdef(c.oid), ',' order by c.relname) from pg_class c
		   where c.relnamespace = 'app'::regnamespace and c.relkind in ('v', 'm')`,
		`select string_agg(inhrelid::regclass || '<' || inhparent::regclass, ',' order by inhrelid::regclass::text) from pg_inherits
		   join pg_class c on c.oid = inhrelid where c.relnamespace = 'app'::regnamespace`,
		`select count(*) || ':' || coalesce(md5(string_agg(oid || '=' || md5(lo_get(oid)), ',' order by oid)), '') from pg_largeobject_metadata`,
	}
	var parts []string
	for _, q := range catalog {
		out, err := pg.Query(ctx, db, q)
		if err != nil {
			t.Fatalf("fingerprint of %s: %v", db, err)
		}
		parts = append(parts, out)
	}
	tables, err := pg.Query(ctx, db, `select quote_ident(relname) from pg_class where relnamespace = 'app'::regnamespace and relkind = 'r' order by relname`)
	if err != nil {
		t.Fatal(err)
	}
	for _, table := range strings.Split(strings.TrimSpace(tables), "\n") {
		// As the superuser: row-level security never hides rows from it.
		out, err := pg.Query(ctx, db, fmt.Sprintf(`select '%[1]s:' || count(*) || ':' || coalesce(md5(string_agg(r::text, E'\n' order by r::text)), '') from app.%[1]s r`, table))
		if err != nil {
			t.Fatal(err)
		}
		parts = append(parts, out)
	}
	return strings.Join(parts, "\n")
}

// exportRerunSource makes a database with rerunSchema and exports it with
// the real binary (as the superuser: pg_dump refuses a table with
// row-level security to a role that does not bypass it) in the given
// format; it returns the database and the manifest's s3:// address.
func exportRerunSource(t *testing.T, args ...string) (string, string) {
	t.Helper()
	ctx := context.Background()
	source := "rerun_" + testenv.UniqueID()
	if err := pg.CreateDatabase(ctx, source); err != nil {
		t.Fatal(err)
	}
	if err := pg.Exec(ctx, source, rerunSchema); err != nil {
		t.Fatal(err)
	}
	bucket, keyARN := newTarget(t)
	env := baseEnv(bucket, keyARN, moto.Endpoint)
	env["ADVANA_EXPORT_DB_SECRET"] = fmt.Sprintf(`{"username":%q,"password":%q,"host":%q,"port":%d,"dbname":%q,"engine":"postgres"}`,
		pg.User, pg.Password, pg.Host, pg.Port, source)
	if r := runBinary(t, invocation{env: env, args: args}); r.code != 0 {
		t.Fatalf("export of %s: exit %d:\n%s%s", source, r.code, r.stdout, r.stderr)
	}
	key, _ := findManifest(t, bucket)
	return source, "s3://" + bucket + "/" + key
}

// Issue 20 item 9: restoring the same export twice into the same database
// (the default --clean) works, and the result equals the source: data,
// generated columns, a zero-column table's rows, partitions, policies,
// triggers and large objects. For both pg_dump formats.
func TestRestoreRunsTwice(t *testing.T) {
	t.Parallel()
	for _, format := range []string{"custom", "directory"} {
		t.Run(format, func(t *testing.T) {
			t.Parallel()
			source, manifestURL := exportRerunSource(t, "--format", format, "--scratch-dir", t.TempDir())
			want := fingerprint(t, source)
			target := "rerun_target_" + testenv.UniqueID()
			if err := pg.CreateDatabase(context.Background(), target); err != nil {
				t.Fatal(err)
			}
			for i := 1; i <= 2; i++ {
				r := runPartner(t, map[string]string{"TARGET_DATABASE_URL": targetURL(target)}, "restore", manifestURL)
				if r.code != 0 || logEvents(t, r.stdout)["restore_succeeded"] == nil {
					t.Fatalf("restore %d: exit %d:\n%s%s", i, r.code, r.stdout, r.stderr)
				}
				if got := fingerprint(t, target); got != want {
					t.Fatalf("after restore %d the target differs from the source:\nsource:\n%s\ntarget:\n%s", i, want, got)
				}
			}

			// Issue 20's items 2 and 3 for pg_dump's formats: the stored
			// generated columns hold their values, the zero-column table its
			// rows (the fingerprint compared them; this says so plainly).
			for q, want := range map[string]string{
				"select count(*) from app.priced where gross = round(net * 1.19, 2) and label = '#' || id": "20",
				"select count(*) from app.tally": "7",
			} {
				if got, err := pg.Query(context.Background(), target, q); err != nil || got != want {
					t.Errorf("%s: %q %v, want %s", q, got, err, want)
				}
			}

			// The manifest's restore_command (for those without the binary)
			// restores the same into an empty database, and run again over
			// it, fails whole: the target stays as the first run left it.
			bucket, key, err := partner.ParseS3URL(manifestURL)
			if err != nil {
				t.Fatal(err)
			}
			m, err := partner.ReadManifest(context.Background(), moto.S3Client(), bucket, key)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			download(t, bucket, m, dir)
			shell := "rerun_shell_" + testenv.UniqueID()
			if err := exportcheck.Restore(context.Background(), pg, m, dir, shell); err != nil {
				t.Fatal(err)
			}
			if got := fingerprint(t, shell); got != want {
				t.Fatalf("restore_command %q: the target differs from the source:\nsource:\n%s\ntarget:\n%s", m.RestoreCommand, want, got)
			}
			again := exec.Command("bash", "-euo", "pipefail", "-c", m.RestoreCommand)
			again.Dir = dir
			again.Env = append(os.Environ(), "PATH="+pg.BinDir+":"+os.Getenv("PATH"), "TARGET_DATABASE_URL="+targetURL(shell))
			if out, err := again.CombinedOutput(); err == nil || !strings.Contains(string(out), "already exists") {
				t.Fatalf("restore_command run again over its own restore: %v, want it refused (already exists):\n%s", err, out)
			}
			if got := fingerprint(t, shell); got != want {
				t.Fatalf("a refused restore_command changed the target:\n%s", got)
			}
		})
	}
}

// restoredOnce exports rerunSchema in the custom format and restores it once
// into a new database: the target of a second restore. It returns the
// manifest's address, the target and runPartner's environment for it.
func restoredOnce(t *testing.T) (string, string, map[string]string) {
	t.Helper()
	_, manifestURL := exportRerunSource(t)
	target := "rerun_target_" + testenv.UniqueID()
	if err := pg.CreateDatabase(context.Background(), target); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"TARGET_DATABASE_URL": targetURL(target)}
	if r := runPartner(t, env, "restore", manifestURL); r.code != 0 {
		t.Fatalf("first restore: exit %d:\n%s%s", r.code, r.stdout, r.stderr)
	}
	return manifestURL, target, env
}

// A restore that fails leaves the target exactly as it was. The target
// holds a good earlier restore plus a view of its own, outside the export,
// over one of the export's tables: dropping that table fails, after the
// restore has already dropped other objects. Nothing of that may remain.
func TestRestoreFailureLeavesTargetUnchanged(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	manifestURL, target, env := restoredOnce(t)
	if err := pg.Exec(ctx, target, `create schema mine; create view mine.tally_size as select count(*) from app.tally;
		insert into app.tally select from generate_series(1, 3); delete from app.events where id > 990`); err != nil {
		t.Fatal(err)
	}
	before := fingerprint(t, target)
	r := runPartner(t, env, "restore", manifestURL)
	if r.code != 3 || !strings.Contains(r.stdout, "tally_size") {
		t.Fatalf("restore over a dependent view: exit %d, want 3 naming the view:\n%s%s", r.code, r.stdout, r.stderr)
	}
	if after := fingerprint(t, target); after != before {
		t.Fatalf("a failed restore changed the target:\nbefore:\n%s\nafter:\n%s", before, after)
	}
	if n, err := pg.Query(ctx, target, "select * from mine.tally_size"); err != nil || n != "10" {
		t.Fatalf("the target's own view: %q %v", n, err)
	}
}

// A restore stopped halfway (SIGTERM, as ECS or a DBA's Ctrl-C sends) leaves
// the target exactly as it was. Another session holds a lock on a table, so
// the restore waits at its DROP TABLE, after it has already dropped the
// policies, triggers, keys and large objects that come later in the
// archive; then the binary is stopped, and the lock released.
func TestRestoreStoppedHalfwayLeavesTargetUnchanged(t *testing.T) {
	t.Parallel()
	manifestURL, target, env := restoredOnce(t)
	before := fingerprint(t, target)

	// The other session: a lock held until its stdin says rollback.
	holder := exec.Command(filepath.Join(pg.BinDir, "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1")
	holder.Env = append(os.Environ(), pg.Env(target)...)
	in, err := holder.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := holder.Start(); err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(in, "begin;\nlock table app.tally in access share mode;\n"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, target, "select count(*) from pg_locks l join pg_class c on c.oid = l.relation where l.database = (select oid from pg_database where datname = current_database()) and c.relname = 'tally' and l.granted", "1")

	restore := partnerCommand(t, env, "restore", manifestURL)
	var out bytes.Buffer
	restore.Stdout, restore.Stderr = &out, &out
	if err := restore.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, target, "select count(*) from pg_stat_activity where datname = current_database() and application_name = 'advana-export-restore' and wait_event_type = 'Lock'", "1")
	// Halfway indeed: the drops of policies, triggers, keys and large
	// objects (later in the archive, so dropped first) are behind it.
	if q, err := pg.Query(context.Background(), target, "select query from pg_stat_activity where datname = current_database() and application_name = 'advana-export-restore'"); err != nil || !strings.HasPrefix(q, "DROP TABLE IF EXISTS app.tally") {
		t.Fatalf("the restore waits at %q (%v), want DROP TABLE app.tally", q, err)
	}
	if err := restore.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	err = restore.Wait()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 5 {
		t.Fatalf("stopped restore: %v, want exit 5:\n%s", err, out.String())
	}
	if _, err := io.WriteString(in, "rollback;\n"); err != nil {
		t.Fatal(err)
	}
	in.Close()
	if err := holder.Wait(); err != nil {
		t.Fatal(err)
	}
	// The restore's backend finds its client gone once it has the lock,
	// and rolls back.
	waitFor(t, target, "select count(*) from pg_stat_activity where datname = current_database() and application_name = 'advana-export-restore'", "0")
	if after := fingerprint(t, target); after != before {
		t.Fatalf("a stopped restore changed the target:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

// waitFor polls query in db until it prints want (30 s at most).
func waitFor(t *testing.T, db, query, want string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		got, err := pg.Query(context.Background(), db, query)
		if err == nil && got == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("waited 30s for %q to be %s: got %q, %v", query, want, got, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
