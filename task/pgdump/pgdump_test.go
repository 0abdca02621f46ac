package pgdump

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"github.com/advana-export/terraform-aws-advana-export/test/harness/testenv"
)

func TestInspectAndVersions(t *testing.T) {
	pg := testenv.PostgresT(t)
	tools := Tools{BinDir: pg.BinDir}
	ctx := context.Background()
	s, err := tools.Inspect(ctx, pg.Env("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	if s.Major() != 15 || s.DatabaseSize <= 0 || !strings.HasPrefix(s.Version, "15.") {
		t.Fatalf("server %+v", s)
	}
	major, full, err := tools.DumpVersion(ctx)
	if err != nil || major != 15 || !strings.Contains(full, "15.") {
		t.Fatalf("pg_dump version %d %q %v", major, full, err)
	}
	if err := CheckCompatible(major, s); err != nil {
		t.Fatal(err)
	}
	err = CheckCompatible(14, Server{VersionNum: 160002})
	if err == nil || !strings.Contains(err.Error(), "PG_MAJOR") {
		t.Fatalf("old pg_dump accepted or message without the fix: %v", err)
	}
	wrong := pg.Env("postgres")
	wrong = append(wrong, "PGPASSWORD=nope-nope")
	if _, err := tools.Inspect(ctx, wrong); err == nil || !strings.Contains(err.Error(), "password authentication failed") {
		t.Fatalf("wrong password: %v", err)
	}
}

func TestParseDumpVersion(t *testing.T) {
	for in, want := range map[string]int{
		"pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)\n": 15,
		"pg_dump (PostgreSQL) 17.2\n":                           17,
		"pg_dump (PostgreSQL) 9.6.24\n":                         9,
	} {
		got, _, err := parseDumpVersion(in)
		if err != nil || got != want {
			t.Errorf("%q: %d %v, want %d", in, got, err, want)
		}
	}
	if _, _, err := parseDumpVersion("something else"); err == nil {
		t.Error("garbage accepted")
	}
}

func TestArgsKeepPatternsAsValues(t *testing.T) {
	args := Options{Format: "custom", Compress: 1, Schemas: []string{"-f/etc/x"}, ExcludeTables: []string{"a b"},
		ExcludeTableData: []string{`public."Mixed"`}}.Args()
	joined := strings.Join(args, "\n")
	for _, want := range []string{"--schema=-f/etc/x", "--exclude-table=a b", `--exclude-table-data=public."Mixed"`, "--format=custom", "--no-password"} {
		if !strings.Contains(joined, want) {
			t.Errorf("args %q lack %q", args, want)
		}
	}
	dir := Options{Format: "directory", Jobs: 3, OutDir: "/scratch/run"}.Args()
	if j := strings.Join(dir, " "); !strings.Contains(j, "--format=directory --jobs=3 --file=/scratch/run") {
		t.Errorf("directory args %q", dir)
	}
	// The parquet format's schema.sql: plain SQL, definitions only, as of
	// the exported snapshot.
	schema := Options{Format: "plain", SchemaOnly: true, Snapshot: "00000003-0000001B-1"}.Args()
	if j := strings.Join(schema, " "); !strings.Contains(j, "--format=plain --schema-only --snapshot=00000003-0000001B-1") {
		t.Errorf("schema-only args %q", schema)
	}
}

// Neither client may ever prompt for a password (a terminal and no password
// would hang the task), and both connect with TCP keepalives on.
func TestClientsNeverPromptAndKeepAlive(t *testing.T) {
	for name, args := range map[string][]string{"pg_dump": Options{Format: "custom"}.Args(), "psql": inspectArgs} {
		j := " " + strings.Join(args, " ") + " "
		if !strings.Contains(j, " -w ") && !strings.Contains(j, " --no-password ") {
			t.Errorf("%s args %q: no -w/--no-password", name, args)
		}
		if !strings.Contains(j, "--dbname=keepalives=1 ") {
			t.Errorf("%s args %q: no keepalives", name, args)
		}
	}
}

func TestVerifierRejectsGarbageAndAcceptsArchive(t *testing.T) {
	pg := testenv.PostgresT(t)
	tools := Tools{BinDir: pg.BinDir}
	ctx := context.Background()

	v, err := tools.StartVerifier(ctx)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(v, strings.NewReader(strings.Repeat("not an archive ", 1000)))
	if _, err := v.Finish(); err == nil {
		t.Fatal("garbage verified")
	}

	if err := pg.Exec(ctx, "postgres", "create table t (id int primary key, v text); insert into t select g, md5(g::text) from generate_series(1,1000) g;"); err != nil {
		t.Fatal(err)
	}
	d, err := tools.Start(ctx, pg.Env("postgres"), Options{Format: "custom", Compress: 1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var archive bytes.Buffer
	if _, err := io.Copy(&archive, d.Stdout); err != nil {
		t.Fatal(err)
	}
	if err := d.Wait(); err != nil {
		t.Fatal(err)
	}
	v, err = tools.StartVerifier(ctx)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(v, &archive)
	toc, err := v.Finish()
	if err != nil || toc.TableDataEntries != 1 || toc.Entries < 2 {
		t.Fatalf("toc %+v err %v", toc, err)
	}
}

// CleanOrder moves a partition's key and index (named by INDEX ATTACH) ahead
// of the parent's, so pg_restore --clean, dropping in reverse, drops the
// parent's first; nothing else moves. TestRestoreRunsTwice runs it for real.
func TestCleanOrder(t *testing.T) {
	list := `;
; Archive created at 2026-12-03 10:00:00 UTC
;
7; 2615 16385 SCHEMA - app postgres
216; 1259 16386 TABLE app events postgres
217; 1259 16391 TABLE app events_2026 postgres
3424; 0 16391 TABLE DATA app events_2026 postgres
3273; 2606 16411 CONSTRAINT app docs docs_pkey postgres
3267; 2606 16390 CONSTRAINT app events events_pkey postgres
3269; 2606 16395 CONSTRAINT app events_2026 events_2026_pkey postgres
3280; 1259 16500 INDEX app events_body postgres
3281; 1259 16501 INDEX app events_2026_body_idx postgres
3276; 0 0 INDEX ATTACH app events_2026_pkey postgres
3277; 0 0 INDEX ATTACH app events_2026_body_idx postgres
3278; 2620 16414 TRIGGER app docs docs_touch postgres
`
	want := `;
; Archive created at 2026-12-03 10:00:00 UTC
;
7; 2615 16385 SCHEMA - app postgres
216; 1259 16386 TABLE app events postgres
217; 1259 16391 TABLE app events_2026 postgres
3424; 0 16391 TABLE DATA app events_2026 postgres
3269; 2606 16395 CONSTRAINT app events_2026 events_2026_pkey postgres
3281; 1259 16501 INDEX app events_2026_body_idx postgres
3273; 2606 16411 CONSTRAINT app docs docs_pkey postgres
3267; 2606 16390 CONSTRAINT app events events_pkey postgres
3280; 1259 16500 INDEX app events_body postgres
3276; 0 0 INDEX ATTACH app events_2026_pkey postgres
3277; 0 0 INDEX ATTACH app events_2026_body_idx postgres
3278; 2620 16414 TRIGGER app docs docs_touch postgres
`
	if got := CleanOrder(list); got != want {
		t.Errorf("CleanOrder:\n%s\nwant:\n%s", got, want)
	}
	// pg_restore prints names unquoted: spaces in a schema, a table, a
	// constraint or an index name (PostgreSQL 15's own list of such a
	// database) must move the same entries, and only those.
	spaced := `5; 2615 16384 SCHEMA - my schema postgres
215; 1259 16385 TABLE my schema p t postgres
216; 1259 16392 TABLE my schema p t a postgres
3201; 0 0 TABLE ATTACH my schema p t a postgres
3357; 0 16392 TABLE DATA my schema p t a postgres
3206; 2606 16391 CONSTRAINT my schema p t u q postgres
3209; 2606 16398 CONSTRAINT my schema p t a p t a_k_id_key postgres
3204; 2606 16389 CONSTRAINT my schema p t p t_pkey postgres
3211; 2606 16396 CONSTRAINT my schema p t a p t a_pkey postgres
3202; 1259 16401 INDEX my schema my idx postgres
3207; 1259 16402 INDEX my schema p t a_id_idx postgres
3212; 0 0 INDEX ATTACH my schema p t a_id_idx postgres
3213; 0 0 INDEX ATTACH my schema p t a_k_id_key postgres
3214; 0 0 INDEX ATTACH my schema p t a_pkey postgres
`
	spacedWant := `5; 2615 16384 SCHEMA - my schema postgres
215; 1259 16385 TABLE my schema p t postgres
216; 1259 16392 TABLE my schema p t a postgres
3201; 0 0 TABLE ATTACH my schema p t a postgres
3357; 0 16392 TABLE DATA my schema p t a postgres
3209; 2606 16398 CONSTRAINT my schema p t a p t a_k_id_key postgres
3211; 2606 16396 CONSTRAINT my schema p t a p t a_pkey postgres
3207; 1259 16402 INDEX my schema p t a_id_idx postgres
3206; 2606 16391 CONSTRAINT my schema p t u q postgres
3204; 2606 16389 CONSTRAINT my schema p t p t_pkey postgres
3202; 1259 16401 INDEX my schema my idx postgres
3212; 0 0 INDEX ATTACH my schema p t a_id_idx postgres
3213; 0 0 INDEX ATTACH my schema p t a_k_id_key postgres
3214; 0 0 INDEX ATTACH my schema p t a_pkey postgres
`
	if got := CleanOrder(spaced); got != spacedWant {
		t.Errorf("CleanOrder with spaces in names:\n%s\nwant:\n%s", got, spacedWant)
	}
	noPartitions := strings.Join(strings.Split(list, "\n")[:9], "\n") + "\n"
	if got := CleanOrder(noPartitions); got != noPartitions {
		t.Errorf("CleanOrder changed a list without INDEX ATTACH:\n%s", got)
	}
}
