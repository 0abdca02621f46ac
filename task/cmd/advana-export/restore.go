package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/sirupsen/logrus"

	"github.com/advana-export/terraform-aws-advana-export/task/logging"
	"github.com/advana-export/terraform-aws-advana-export/task/partner"
	"github.com/advana-export/terraform-aws-advana-export/task/pgdump"
)

// runRestore downloads a run, verifies every object against its manifest,
// decompresses it (in Go) and loads it with pg_restore --jobs. Nothing is
// restored unless every object verified. It runs in one transaction (the
// default), so a restore that fails leaves the target as it was; and it can
// run again: downloads replace what is in --dir, and --clean (on by default)
// drops what a previous restore created before creating it again.
func runRestore(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	log, redactor := logging.New(stdout)
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	var pf partnerFlags
	pf.register(fs, getenv)
	target := fs.String("target-url", getenv("TARGET_DATABASE_URL"), "database to restore into, postgres://USER:PASSWORD@HOST:PORT/DB (TARGET_DATABASE_URL; prefer the variable: flags show in ps)")
	dir := fs.String("dir", "", "folder for the download (needs room for the uncompressed archive); default: a new temporary folder, removed afterwards")
	jobs := fs.Int("jobs", 1, "parallel pg_restore jobs; more than 1 needs --single-transaction=false")
	single := fs.Bool("single-transaction", true, "restore in one transaction, so a failed restore leaves the target as it was; false allows --jobs > 1, and a failure then leaves the target half-restored")
	keepOwners := fs.Bool("keep-owners", false, "restore ownership and privileges (GRANT/REVOKE); the target must have every role of the source")
	clean := fs.Bool("clean", true, "drop each object (IF EXISTS) before creating it, so the restore can run again into the same database")
	binDir := fs.String("pg-bin-dir", getenv("ADVANA_EXPORT_PG_BIN_DIR"), "directory with pg_restore; empty = PATH (ADVANA_EXPORT_PG_BIN_DIR)")
	pos, code, done := parseFlags(fs, args, stderr)
	if done {
		return code
	}
	if len(pos) != 1 {
		return partnerExit(ctx, log, "restore_failed", exitConfig, errors.New("usage: advana-export restore s3://BUCKET/PREFIX/.../manifest.json --target-url postgres://..."))
	}
	env, err := pgdump.TargetEnv(*target)
	if err != nil {
		return partnerExit(ctx, log, "restore_failed", exitConfig, errors.New("--target-url / TARGET_DATABASE_URL: "+err.Error()))
	}
	redactor.Add(*target)
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "PGPASSWORD="); ok {
			redactor.Add(v)
		}
	}
	if *jobs < 1 || *jobs > 64 {
		return partnerExit(ctx, log, "restore_failed", exitConfig, errors.New("--jobs must be 1-64"))
	}
	if *jobs > 1 && *single {
		return partnerExit(ctx, log, "restore_failed", exitConfig, errors.New("--jobs > 1 needs --single-transaction=false: pg_restore runs one transaction on one connection only; "+
			"without it a failed restore leaves the target half-restored (use it for an empty database you can drop and recreate)"))
	}
	bucket, key, err := partner.ParseS3URL(pos[0])
	if err != nil {
		return partnerExit(ctx, log, "restore_failed", exitConfig, err)
	}
	c, err := pf.client(ctx)
	if err != nil {
		return partnerExit(ctx, log, "restore_failed", exitConfig, err)
	}
	work := *dir
	if work == "" {
		if work, err = os.MkdirTemp("", "advana-restore-"); err != nil {
			return partnerExit(ctx, log, "restore_failed", exitConfig, err)
		}
		defer os.RemoveAll(work)
	}
	f, err := partner.Fetch(ctx, c, bucket, key, work, reportObject(log))
	if errors.Is(err, partner.ErrNotRestorable) {
		return partnerExit(ctx, log, "restore_failed", exitConfig, err)
	}
	if err != nil {
		return partnerExit(ctx, log, "restore_failed", exitStorage, err)
	}
	log.WithFields(logrus.Fields{"event": "fetched", "run_id": f.Manifest.RunID, "archive": f.Archive}).Info("every object verified; restoring")
	opts := pgdump.RestoreOptions{Archive: f.Archive, Directory: f.Manifest.Format == "directory", Jobs: *jobs, KeepOwners: *keepOwners,
		Clean: *clean, SingleTransaction: *single}
	if err := (pgdump.Tools{BinDir: *binDir}).Restore(ctx, env, opts); err != nil {
		if *single {
			err = fmt.Errorf("%w (one transaction: the target is unchanged)", err)
		}
		if strings.Contains(err.Error(), "max_locks_per_transaction") {
			// One transaction locks every table, index and large object it
			// drops or creates; a big export outgrows the server's lock table.
			err = fmt.Errorf("%w; the restore locks every object it replaces in one transaction: raise max_locks_per_transaction "+
				"(on RDS in the DB parameter group, then reboot) or restore into a new, empty database", err)
		}
		return partnerExit(ctx, log, "restore_failed", exitDump, err)
	}
	log.WithFields(logrus.Fields{"event": "restore_succeeded", "run_id": f.Manifest.RunID, "database": f.Manifest.Database,
		"keep_owners": *keepOwners, "single_transaction": *single}).Info("restored")
	return exitOK
}
