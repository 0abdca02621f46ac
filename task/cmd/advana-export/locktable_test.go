package main

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/advana-export/terraform-aws-advana-export/test/harness/testenv"
)

// lockTableTables is more tables than a server with the small lock table
// below can lock in one transaction: max_locks_per_transaction ×
// (max_connections + the server's own processes) is a few hundred, and a
// restore locks each table and its key's index.
const lockTableTables = 1200

// TestLockTableTooSmall: on a server whose lock table cannot hold a lock
// per object (a database of many tables or partitions, PostgreSQL's
// defaults), the export and the restore each fail with a message that names
// max_locks_per_transaction and what to do, and leave nothing a consumer or
// the target would take for complete.
func TestLockTableTooSmall(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	small, err := testenv.StartPostgresWith(ctx, "max_locks_per_transaction=10", "max_connections=10")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(small.Stop)
	var tables strings.Builder
	for i := 0; i < lockTableTables; i++ {
		fmt.Fprintf(&tables, "create table t%04d (id int primary key);\n", i) // one transaction each
	}

	source := "locks_" + testenv.UniqueID()
	if err := small.CreateDatabase(ctx, source); err != nil {
		t.Fatal(err)
	}
	if err := small.Exec(ctx, source, tables.String()); err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"custom", "directory", "parquet"} {
		t.Run("export "+format, func(t *testing.T) {
			t.Parallel()
			bucket, keyARN := newTarget(t)
			env := baseEnv(bucket, keyARN, moto.Endpoint)
			env["ADVANA_EXPORT_DB_SECRET"] = fmt.Sprintf(`{"username":%q,"password":%q,"host":%q,"port":%d,"dbname":%q,"engine":"postgres"}`,
				small.User, small.Password, small.Host, small.Port, source)
			r := runBinary(t, invocation{env: env, args: []string{"--format", format, "--scratch-dir", t.TempDir()}})
			if r.code != exitDump || !strings.Contains(r.stdout, "raise max_locks_per_transaction (on RDS in the DB parameter group") {
				t.Fatalf("export past the lock table: exit %d, want %d naming max_locks_per_transaction:\n%s%s", r.code, exitDump, r.stdout, r.stderr)
			}
			for _, k := range listKeys(t, bucket) {
				if strings.HasSuffix(k, "manifest.json") {
					t.Fatalf("a failed export left a manifest: %s", k)
				}
			}
		})
	}

	t.Run("restore", func(t *testing.T) {
		t.Parallel()
		source := "locks_" + testenv.UniqueID()
		if err := pg.CreateDatabase(ctx, source); err != nil {
			t.Fatal(err)
		}
		if err := pg.Exec(ctx, source, tables.String()); err != nil {
			t.Fatal(err)
		}
		bucket, keyARN := newTarget(t)
		env := baseEnv(bucket, keyARN, moto.Endpoint)
		env["ADVANA_EXPORT_DB_SECRET"] = fmt.Sprintf(`{"username":%q,"password":%q,"host":%q,"port":%d,"dbname":%q,"engine":"postgres"}`,
			pg.User, pg.Password, pg.Host, pg.Port, source)
		if r := runBinary(t, invocation{env: env}); r.code != 0 {
			t.Fatalf("export of %s: exit %d:\n%s%s", source, r.code, r.stdout, r.stderr)
		}
		key, _ := findManifest(t, bucket)

		target := "locks_target_" + testenv.UniqueID()
		if err := small.CreateDatabase(ctx, target); err != nil {
			t.Fatal(err)
		}
		url := fmt.Sprintf("postgres://%s:%s@%s:%d/%s?sslmode=disable", small.User, small.Password, small.Host, small.Port, target)
		r := runPartner(t, map[string]string{"TARGET_DATABASE_URL": url}, "restore", "s3://"+bucket+"/"+key)
		if r.code != exitDump || !strings.Contains(r.stdout, "raise max_locks_per_transaction") || !strings.Contains(r.stdout, "the target is unchanged") {
			t.Fatalf("restore past the lock table: exit %d, want %d with the hint:\n%s%s", r.code, exitDump, r.stdout, r.stderr)
		}
		if n, err := small.Query(ctx, target, "select count(*) from pg_class where relnamespace = 'public'::regnamespace"); err != nil || n != "0" {
			t.Fatalf("a failed restore left %s relations in the target (%v)", n, err)
		}
	})
}
