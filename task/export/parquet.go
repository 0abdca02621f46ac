package export

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/sirupsen/logrus"
	"golang.org/x/sync/errgroup"

	"github.com/advana-export/terraform-aws-advana-export/task/manifest"
	"github.com/advana-export/terraform-aws-advana-export/task/parquet"
	"github.com/advana-export/terraform-aws-advana-export/task/s3upload"
	"github.com/advana-export/terraform-aws-advana-export/task/snapshot"
)

// schemaFile is the relational schema's name in the run folder.
const schemaFile = "schema.sql"

// exportParquet reads every selected table from one exported snapshot,
// Jobs tables at a time, largest first, and streams each as Parquet files
// into S3; schema.sql comes from pg_dump --schema-only on the same snapshot.
func (r *run) exportParquet(ctx context.Context) ([]manifest.Object, string, error) {
	db := r.cfg.DB
	cc, err := snapshot.ConnConfig(db.Host, db.Port, db.User, db.Password, db.DBName, db.SSLMode)
	if err != nil {
		return nil, "", &Error{Kind: KindConfig, Err: err}
	}
	snap, err := snapshot.Open(ctx, cc)
	if err != nil {
		return nil, "", &Error{Kind: KindDump, Err: err}
	}
	// The exporting transaction stays open until every worker has read
	// its tables: the snapshot lives only as long as it does.
	defer snap.Close(ctx)
	tables, err := snap.Tables(ctx, snapshot.Filter{Schemas: r.cfg.Schemas, ExcludeTables: r.cfg.ExcludeTables, ExcludeTableData: r.cfg.ExcludeTableData})
	if err != nil {
		return nil, "", &Error{Kind: KindDump, Err: err}
	}
	if err := snap.Lock(ctx, tables); err != nil {
		return nil, "", &Error{Kind: KindDump, Err: err}
	}
	r.snapshot = &manifest.Snapshot{TakenAt: snap.Time, WALLSN: snap.WALLSN}
	r.log.WithFields(logrus.Fields{"event": "snapshot_taken", "snapshot_at": snap.Time, "wal_lsn": snap.WALLSN,
		"tables": len(tables), "jobs": r.cfg.Jobs}).Info("snapshot exported; reading tables")

	schemaObj, err := r.dumpSchema(ctx, snap.ID)
	if err != nil {
		return nil, "", err
	}
	uploadConcurrency := max(1, r.cfg.Concurrency/r.cfg.Jobs)
	p := &parquetRun{run: r, snap: snap, dirs: tableDirs(tables),
		up: s3upload.New(r.d.S3, r.cfg.Bucket, r.cfg.KMSKeyID, r.partSize, uploadConcurrency)}
	limit := parquetMemoryLimit(p.writerOptions(), r.cfg.Jobs, uploadConcurrency, r.partSize)
	r.log.WithFields(logrus.Fields{"event": "memory_limit", "bytes": limit}).Info("garbage collector's soft memory limit (GOMEMLIMIT overrides it)")
	results, err := p.readAll(ctx, tables)
	if err != nil {
		return nil, "", err
	}
	objects := []manifest.Object{schemaObj}
	for _, t := range results {
		for _, f := range t.Files {
			objects = append(objects, manifest.Object{Key: path.Join(r.prefix, f.Path), Path: f.Path, Size: f.Size, SHA256: f.SHA256})
		}
	}
	sort.Slice(results, func(i, j int) bool {
		if results[i].Schema != results[j].Schema {
			return results[i].Schema < results[j].Schema
		}
		return results[i].Name < results[j].Name
	})
	r.tables, r.schemaFile = results, schemaFile
	restore := `psql --dbname="$TARGET_DATABASE_URL" --file=schema.sql  # the schema; load tables/*/part-*.parquet with your warehouse (docs/warehouse.md)`
	return objects, restore, nil
}

// dumpSchema streams pg_dump --schema-only, as of the snapshot, into
// schema.sql.
func (r *run) dumpSchema(ctx context.Context, snapshotID string) (manifest.Object, error) {
	dctx, stop := context.WithCancel(ctx)
	defer stop()
	opts := r.dumpOptions("")
	opts.Format, opts.Compress, opts.SchemaOnly, opts.Snapshot = "plain", 0, true, snapshotID
	dump, err := r.tools.Start(dctx, r.cfg.DB.Env(), opts, nil)
	if err != nil {
		return manifest.Object{}, fail(KindConfig, "%w", err)
	}
	var dumpErr error
	gate := &eofGate{r: dump.Stdout, atEOF: func() error { dumpErr = dump.Wait(); return dumpErr }}
	obj, upErr := r.up.Stream(ctx, path.Join(r.prefix, schemaFile), gate, nil)
	if !gate.finished() {
		stop()
		_, _ = io.Copy(io.Discard, gate)
	}
	switch {
	case upErr == nil:
	case ctx.Err() != nil:
		return manifest.Object{}, &Error{Kind: KindInterrupted, Err: fmt.Errorf("interrupted during the schema dump: %w", upErr)}
	case dumpErr != nil:
		return manifest.Object{}, &Error{Kind: KindDump, Err: fmt.Errorf("schema dump: %w", dumpErr)}
	default:
		return manifest.Object{}, &Error{Kind: KindStorage, Err: upErr}
	}
	return manifest.Object{Key: obj.Key, Path: schemaFile, Size: obj.Size, SHA256: obj.SHA256}, nil
}

// parquetRun is the table-reading part of one parquet export.
type parquetRun struct {
	*run
	snap *snapshot.Snapshot
	dirs map[uint32]string
	up   *s3upload.Uploader
	rows atomic.Int64
}

// readAll hands tables, largest first, to Jobs workers; the first failure
// stops them all.
func (p *parquetRun) readAll(ctx context.Context, tables []snapshot.Table) ([]manifest.Table, error) {
	g, gctx := errgroup.WithContext(ctx)
	queue := make(chan snapshot.Table)
	var mu sync.Mutex
	results := make([]manifest.Table, 0, len(tables))
	stop := p.everyInterval(func(elapsed time.Duration) {
		p.log.WithFields(logrus.Fields{"event": "progress", "rows": p.rows.Load(), "jobs": p.cfg.Jobs}).Info("reading tables")
	})
	defer stop()
	for i := 0; i < min(p.cfg.Jobs, max(len(tables), 1)); i++ {
		g.Go(func() error {
			w, err := p.snap.Worker(gctx)
			if err != nil {
				return &Error{Kind: KindDump, Err: err}
			}
			// exportTable replaces the worker when a table is re-read.
			defer func() { w.Close(gctx) }()
			for t := range queue {
				res, err := p.exportTable(gctx, &w, t)
				if err != nil {
					return err
				}
				mu.Lock()
				results = append(results, res)
				mu.Unlock()
			}
			return nil
		})
	}
	g.Go(func() error {
		defer close(queue)
		for _, t := range tables {
			select {
			case queue <- t:
			case <-gctx.Done():
				return nil
			}
		}
		return nil
	})
	if err := g.Wait(); err != nil {
		if ctx.Err() != nil {
			return nil, &Error{Kind: KindInterrupted, Err: fmt.Errorf("interrupted while reading tables: %w", err)}
		}
		var e *Error
		if errors.As(err, &e) {
			return nil, err
		}
		return nil, &Error{Kind: KindDump, Err: err}
	}
	return results, nil
}

// exportTable writes one table's rows as Parquet files under
// tables/SCHEMA.TABLE/. A value a column's Parquet type cannot hold (NaN
// in numeric(p,s), a timestamp past 294247 AD, a multi-dimensional array)
// fails neither the run nor the value: the column falls back to its text
// form, what the attempt wrote is deleted, and the table is read again
// from the same snapshot on a new connection (the failed COPY closed the
// old one). The manifest records the column's actual type and why.
func (p *parquetRun) exportTable(ctx context.Context, w **snapshot.Worker, t snapshot.Table) (manifest.Table, error) {
	cols := make([]parquet.Column, len(t.Columns))
	for i, c := range t.Columns {
		cols[i] = parquet.ColumnFor(c.Name, parquet.PGType{Name: c.Type.Name, Builtin: c.Type.Builtin, Typmod: c.Type.Typmod,
			Array: c.Type.Array, Delim: c.Type.Delim, NotNull: c.NotNull})
	}
	for {
		res, err := p.writeTable(ctx, *w, t, cols)
		var u *parquet.UnrepresentableError
		if !errors.As(err, &u) || cols[u.Column].TextFallback != "" {
			return res, err
		}
		p.log.WithFields(logrus.Fields{"event": "column_as_text", "table": t.String(), "column": u.Name, "reason": u.Reason}).
			Warn("a value the column's Parquet type cannot hold: the column is written as its PostgreSQL text form this run; the table is read again from the same snapshot")
		cols[u.Column] = cols[u.Column].AsText(u.Reason)
		dir := path.Join(p.prefix, "tables", p.dirs[t.OID]) + "/"
		if _, err := p.up.RemoveVersions(ctx, dir); err != nil {
			return res, &Error{Kind: KindStorage, Err: fmt.Errorf("table %s: remove the files written before column %q fell back to text: %w", t, u.Name, err)}
		}
		(*w).Close(ctx)
		nw, err := p.snap.Worker(ctx)
		if err != nil {
			return res, &Error{Kind: KindDump, Err: err}
		}
		*w = nw
	}
}

// writeTable is one attempt at writing t with the given column types.
func (p *parquetRun) writeTable(ctx context.Context, w *snapshot.Worker, t snapshot.Table, cols []parquet.Column) (manifest.Table, error) {
	start := time.Now()
	res := manifest.Table{Schema: t.Schema, Name: t.Name, Partitioned: t.Partitioned, DataExcluded: t.DataExcluded,
		PrimaryKey: t.PrimaryKey, Columns: make([]manifest.Column, len(t.Columns)), Files: []manifest.TableFile{}}
	if len(cols) == 0 {
		res.PlaceholderColumn = parquet.PlaceholderColumn
	}
	types, err := parquet.Describe(cols)
	if err != nil {
		return res, fmt.Errorf("table %s: %w", t, err)
	}
	for i, c := range t.Columns {
		res.Columns[i] = manifest.Column{Name: c.Name, PGType: c.PGType, ParquetType: types[i], Nullable: !c.NotNull,
			TextFallback: cols[i].TextFallback}
	}
	if t.DataExcluded {
		return res, nil
	}
	dir := path.Join("tables", p.dirs[t.OID])
	var sinks []*uploadSink
	pw, err := parquet.NewWriter(cols, p.writerOptions(), func(index int) (parquet.Sink, error) {
		s := p.openSink(ctx, path.Join(dir, fmt.Sprintf("part-%05d.parquet", index)))
		sinks = append(sinks, s)
		return s, nil
	})
	if err != nil {
		return res, fmt.Errorf("table %s: %w", t, err)
	}
	rows, err := w.Copy(ctx, t, func(fields [][]byte) error {
		p.rows.Add(1)
		return pw.Append(fields)
	})
	var files []parquet.File
	if err == nil {
		files, err = pw.Close()
	}
	if err != nil {
		pw.Abort(err)
		var e *Error
		var u *parquet.UnrepresentableError
		var rls *snapshot.RowSecurityError
		switch {
		case errors.As(err, &e), errors.As(err, &u):
			return res, err
		case errors.As(err, &rls):
			return res, &Error{Kind: KindDump, Err: err}
		}
		return res, &Error{Kind: KindDump, Err: fmt.Errorf("table %s: %w", t, err)}
	}
	var written int64
	for i, f := range files {
		obj := sinks[i].obj
		res.Files = append(res.Files, manifest.TableFile{Path: sinks[i].path, Rows: f.Rows, Size: obj.Size, SHA256: obj.SHA256})
		written += f.Rows
	}
	if written != rows {
		return res, fail(KindDump, "table %s: read %d rows, wrote %d", t, rows, written)
	}
	res.Rows = rows
	p.log.WithFields(logrus.Fields{"event": "table_exported", "table": t.String(), "rows": rows, "files": len(res.Files),
		"seconds": round2(time.Since(start).Seconds())}).Info("table exported")
	return res, nil
}

func (p *parquetRun) writerOptions() parquet.Options {
	o := parquet.Options{RowGroupBytes: p.cfg.ParquetRowGroup, FileBytes: p.cfg.ParquetFileSize,
		Codec: compress.Codecs.Uncompressed, CreatedBy: "advana-export " + p.d.Version}
	switch p.cfg.Compression.Method {
	case "zstd":
		o.Codec, o.Level = compress.Codecs.Zstd, p.cfg.Compression.Level
	case "gzip":
		o.Codec, o.Level = compress.Codecs.Gzip, p.cfg.Compression.Level
	}
	return o
}

// tableDirs names each table's folder SCHEMA.TABLE with characters unsafe
// in keys replaced; names that collide after that get -2, -3... in
// schema/name order, so the layout is the same every run.
func tableDirs(tables []snapshot.Table) map[uint32]string {
	sorted := append([]snapshot.Table(nil), tables...)
	sort.Slice(sorted, func(i, j int) bool {
		if sorted[i].Schema != sorted[j].Schema {
			return sorted[i].Schema < sorted[j].Schema
		}
		return sorted[i].Name < sorted[j].Name
	})
	dirs := make(map[uint32]string, len(tables))
	used := map[string]bool{}
	for _, t := range sorted {
		base := keySafe(t.Schema) + "." + keySafe(t.Name)
		d := base
		for n := 2; used[d]; n++ {
			d = fmt.Sprintf("%s-%d", base, n)
		}
		used[d] = true
		dirs[t.OID] = d
	}
	return dirs
}
