// Package export is the one place that wires the stages together:
// configuration → preflight → dump → upload (+ checksum, verify) →
// manifest → summary. It decides what each failure aborts; the stages do not
// know of each other.
package export

import (
	"context"
	"errors"
	"fmt"
	"path"
	"regexp"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/sirupsen/logrus"

	"github.com/advana-export/terraform-aws-advana-export/task/config"
	"github.com/advana-export/terraform-aws-advana-export/task/manifest"
	"github.com/advana-export/terraform-aws-advana-export/task/pgdump"
	"github.com/advana-export/terraform-aws-advana-export/task/s3upload"
)

// Deps are the outside world the export talks to.
type Deps struct {
	Log     *logrus.Logger
	S3      s3upload.Client
	KMS     KeyDescriber // resolves a key alias to its ARN
	AWS     aws.Config   // credentials for RDS IAM tokens
	Version string
	// Secret registers a value that must never be logged (an IAM token).
	Secret func(string)
	Now    func() time.Time
	RandID func() string
}

// run is the state of one export.
type run struct {
	cfg      config.Config
	d        Deps
	log      *logrus.Entry
	tools    pgdump.Tools
	up       *s3upload.Uploader
	server   pgdump.Server
	dumpVer  string
	partSize int64
	started  time.Time
	id       string
	prefix   string // the run's folder, no trailing slash
	held     bool   // legal holds were put on the run's versions (commit)
	// Set by the parquet format.
	snapshot   *manifest.Snapshot
	tables     []manifest.Table
	schemaFile string
}

// Run exports the database described by cfg. It returns the manifest it
// wrote, or nil and an *Error. On any failure every multipart upload under
// the run's folder is aborted, every object version it completed is
// deleted, and no manifest is written.
func Run(ctx context.Context, cfg config.Config, d Deps) (*manifest.Manifest, error) {
	r := &run{cfg: cfg, d: d, tools: pgdump.Tools{BinDir: cfg.PGBinDir}, started: d.Now().UTC()}
	r.id = manifest.NewRunID(r.started, d.RandID())
	r.prefix = manifest.RunPrefix(cfg.Prefix, keySafe(cfg.DB.DBName), r.started, r.id)
	r.log = d.Log.WithFields(logrus.Fields{"run_id": r.id, "database": cfg.DB.DBName})

	if err := r.preflight(ctx); err != nil {
		return nil, r.classify(ctx, err)
	}
	if cfg.DryRun {
		r.log.WithField("event", "dry_run_ok").Info("dry run: configuration, database and bucket are usable; nothing uploaded")
		return nil, nil
	}
	m, err := r.export(ctx)
	if err != nil {
		err = r.classify(ctx, err)
		r.undo(ctx)
		return nil, err
	}
	return m, nil
}

// preflight fails fast, before any upload starts.
func (r *run) preflight(ctx context.Context) error {
	cfg := r.cfg
	if cfg.RDSIAM {
		token, err := rdsToken(ctx, r.d.AWS, cfg.DB)
		if err != nil {
			return &Error{Kind: KindConfig, Err: err}
		}
		r.d.Secret(token)
		r.cfg.DB.Password = token
	}
	dumpMajor, dumpVer, err := r.tools.DumpVersion(ctx)
	if err != nil {
		return fail(KindConfig, "find pg_dump: %w", err)
	}
	r.dumpVer = dumpVer
	server, err := r.tools.Inspect(ctx, r.cfg.DB.Env())
	if err != nil {
		return fail(KindDump, "cannot connect to PostgreSQL %s: %w (check PGHOST/PGPORT/PGUSER/PGDATABASE, the secret, and the security group)", cfg.DB, err)
	}
	r.server = server
	if err := pgdump.CheckCompatible(dumpMajor, server); err != nil {
		return &Error{Kind: KindConfig, Err: err}
	}
	if cfg.Format == config.FormatDirectory {
		if err := r.checkScratch(); err != nil {
			return err
		}
	}
	r.partSize = cfg.PartSize
	if r.partSize == 0 {
		r.partSize = s3upload.PartSize(server.DatabaseSize)
	}
	keyARN, err := resolveKey(ctx, r.d.KMS, cfg.KMSKeyID)
	if err != nil {
		return err
	}
	r.cfg.KMSKeyID = keyARN
	r.up = s3upload.New(r.d.S3, cfg.Bucket, keyARN, r.partSize, cfg.Concurrency)
	if err := r.up.Preflight(ctx, r.prefix+"/"); err != nil {
		return &Error{Kind: KindStorage, Err: err}
	}
	r.log.WithFields(logrus.Fields{
		"event": "preflight_ok", "server_version": server.Version, "pg_dump_version": dumpVer,
		"database_size_bytes": server.DatabaseSize, "part_size_bytes": r.partSize,
		"concurrency": cfg.Concurrency, "format": cfg.Format, "compression": cfg.Compression.String(), "kms_key": keyARN,
		"destination": fmt.Sprintf("s3://%s/%s/", cfg.Bucket, r.prefix),
	}).Info("preflight passed")
	return nil
}

func (r *run) export(ctx context.Context) (*manifest.Manifest, error) {
	var objects []manifest.Object
	var verification *manifest.Verification
	var restore string
	var err error
	switch r.cfg.Format {
	case config.FormatDirectory:
		objects, verification, restore, err = r.dumpDirectory(ctx)
	case config.FormatParquet:
		objects, restore, err = r.exportParquet(ctx)
	default:
		objects, verification, restore, err = r.streamCustom(ctx)
	}
	if err != nil {
		return nil, err
	}
	if err := r.waitReplicated(ctx, objects); err != nil {
		return nil, err
	}
	m := r.manifest(objects, verification, restore)
	body, err := m.Marshal()
	if err != nil {
		return nil, &Error{Kind: KindStorage, Err: err}
	}
	key := path.Join(r.prefix, manifest.FileName)
	if err := r.commit(ctx, key, body); err != nil {
		return nil, err
	}
	elapsed := m.FinishedAt.Sub(r.started).Seconds()
	r.log.WithFields(logrus.Fields{
		"event": "export_succeeded", "bytes": m.TotalBytes, "objects": len(m.Objects),
		"duration_seconds": round2(elapsed), "mb_per_s": round2(mbps(r.server.DatabaseSize, elapsed)),
		"database_size_bytes": r.server.DatabaseSize, "manifest_key": key,
		"archive_keys": objectKeys(m.Objects),
	}).Info("export complete")
	return m, nil
}

func (r *run) manifest(objects []manifest.Object, v *manifest.Verification, restore string) *manifest.Manifest {
	var total int64
	for _, o := range objects {
		total += o.Size
	}
	return &manifest.Manifest{
		SchemaVersion: manifest.SchemaVersion, RunID: r.id, Database: r.cfg.DB.DBName,
		ServerVersion: r.server.Version, PgDumpVersion: r.dumpVer, Format: r.cfg.Format,
		Compression: r.cfg.Compression.String(), StartedAt: r.started, FinishedAt: r.d.Now().UTC(),
		DatabaseSize: r.server.DatabaseSize, Objects: objects, TotalBytes: total, Verification: v,
		RestoreCommand: restore,
		Filters: manifest.Filters{Schemas: r.cfg.Schemas, ExcludeTables: r.cfg.ExcludeTables,
			ExcludeTableData: r.cfg.ExcludeTableData},
		Tool:     manifest.ToolVersion{Name: "advana-export", Version: r.d.Version},
		Snapshot: r.snapshot, SchemaFile: r.schemaFile, Tables: r.tables,
	}
}

// classify turns any failure into an *Error; a cancelled context wins,
// whatever the stage reported, because the stage failed on its account.
func (r *run) classify(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return &Error{Kind: KindInterrupted, Err: fmt.Errorf("interrupted: %w", err)}
	}
	if e, ok := err.(*Error); ok {
		if e.Kind == KindDump {
			return &Error{Kind: e.Kind, Err: lockTableHint(e.Err)}
		}
		return err
	}
	return &Error{Kind: KindStorage, Err: err}
}

// undo removes everything the failed run put under its folder, on its own
// context (the run's may be cancelled): open multipart uploads are aborted,
// and every completed object version — an archive completed before a later
// step failed, a manifest whose PUT was cut short — is deleted by its
// version id. The log says what was removed and what, if anything, is left.
func (r *run) undo(ctx context.Context) {
	if r.up == nil {
		return
	}
	prefix := r.prefix + "/"
	var releaseErr error
	if r.held {
		// The commit held the archive and then failed: lift the holds the
		// task itself put, so the versions can be deleted like any other.
		_, releaseErr = r.up.ReleaseHolds(ctx, prefix)
	}
	aborted, abortErr := r.up.AbortAll(ctx, prefix)
	removed, removeErr := r.up.RemoveVersions(ctx, prefix)
	entry := r.log.WithFields(logrus.Fields{"event": "run_undone", "prefix": prefix,
		"uploads_aborted": aborted, "versions_deleted": removed.Versions})
	if removeErr == nil {
		// Every version is gone: a hold that could not be lifted was on
		// none of them (the hold itself had been refused).
		releaseErr = nil
	}
	if err := errors.Join(releaseErr, abortErr, removeErr); err != nil {
		entry.WithError(err).Error("could not remove everything of the failed run: what is left has no manifest, so consumers ignore it; the bucket's lifecycle rules expire it")
		return
	}
	entry.Info("nothing of the failed run is left: open uploads aborted, completed objects deleted by version id; no manifest written")
}

// waitReplicated holds the manifest back until S3 reports every object of
// the run replicated: replication copies objects one by one in no order,
// and a manifest that reached the partner before its data would send them
// to a missing or partial archive.
func (r *run) waitReplicated(ctx context.Context, objects []manifest.Object) error {
	if r.cfg.ReplicationWait <= 0 {
		return nil
	}
	keys := objectKeys(objects)
	start := time.Now()
	r.log.WithFields(logrus.Fields{"event": "replication_wait", "objects": len(keys),
		"timeout_seconds": r.cfg.ReplicationWait.Seconds()}).Info("waiting for every object to report replication COMPLETED before writing the manifest")
	err := r.up.WaitReplicated(ctx, keys, r.cfg.ReplicationWait, r.cfg.ReplicationPoll, func(pending []string) {
		r.log.WithFields(logrus.Fields{"event": "replication_pending", "pending": len(pending),
			"waited_seconds": round2(time.Since(start).Seconds())}).Info("replication still pending")
	})
	if err != nil {
		return &Error{Kind: KindStorage, Err: fmt.Errorf("wait for replication: %w", err)}
	}
	r.log.WithFields(logrus.Fields{"event": "replication_completed", "objects": len(keys),
		"waited_seconds": round2(time.Since(start).Seconds())}).Info("every object replicated")
	return nil
}

var unsafeKeyChars = regexp.MustCompile(`[^A-Za-z0-9._-]`)

// keySafe makes a database name usable as one S3 key segment.
func keySafe(s string) string {
	if s = unsafeKeyChars.ReplaceAllString(s, "_"); s == "" || s == "." || s == ".." {
		return "_"
	}
	return s
}

func objectKeys(objs []manifest.Object) []string {
	keys := make([]string, len(objs))
	for i, o := range objs {
		keys[i] = o.Key
	}
	return keys
}

func mbps(bytes int64, seconds float64) float64 {
	if seconds <= 0 {
		return 0
	}
	return float64(bytes) / 1e6 / seconds
}

func round2(f float64) float64 { return float64(int64(f*100+0.5)) / 100 }
