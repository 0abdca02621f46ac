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
	// A Parquet file ends after the row group that takes it past
	// --parquet-file-mib, so its parts are sized for that, not for the
	// database: 5 MiB, where a 500 GiB database's archive needs 114 MiB
	// and Jobs uploads would hold (concurrency+1) of them each.
	partSize := r.cfg.PartSize
	if partSize == 0 {
		partSize = s3upload.ObjectPartSize(2 * (r.cfg.ParquetFileSize + r.cfg.ParquetRowGroup))
	}
	p := &parquetRun{run: r, snap: snap, dirs: tableDirs(tables),
		up: s3upload.New(r.d.S3, r.cfg.Bucket, r.cfg.KMSKeyID, partSize, uploadConcurrency)}
	limit, restoreLimit := parquetMemoryLimit(p.writerOptions(), r.cfg.Jobs, uploadConcurrency, partSize)
	defer restoreLimit()
	r.log.WithFields(logrus.Fields{"event": "memory_limit", "bytes": limit, "part_size_bytes": partSize}).Info("garbage collector's soft memory limit (GOMEMLIMIT overrides it)")
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
// stops them all. A table that would keep one worker busy while the others
// run out of work (see split) is cut into block ranges that every worker
// reads at once, each into its own files.
func (p *parquetRun) readAll(ctx context.Context, tables []snapshot.Table) ([]manifest.Table, error) {
	g, gctx := errgroup.WithContext(ctx)
	type item struct {
		tr   *tableRead
		part int
	}
	queue := make(chan item)
	var mu sync.Mutex
	results := make([]manifest.Table, 0, len(tables))
	reads := p.split(tables)
	items := 0
	for _, tr := range reads {
		items += len(tr.ranges)
	}
	stop := p.everyInterval(func(elapsed time.Duration) {
		p.log.WithFields(logrus.Fields{"event": "progress", "rows": p.rows.Load(), "jobs": p.cfg.Jobs}).Info("reading tables")
	})
	defer stop()
	for i := 0; i < min(p.cfg.Jobs, max(items, 1)); i++ {
		g.Go(func() error {
			w, err := p.snap.Worker(gctx)
			if err != nil {
				return &Error{Kind: KindDump, Err: err}
			}
			// readPart replaces the worker when a part is re-read.
			defer func() { w.Close(gctx) }()
			for it := range queue {
				res, last, err := p.readPart(gctx, &w, it.tr, it.part)
				if err != nil {
					return err
				}
				if last {
					mu.Lock()
					results = append(results, res)
					mu.Unlock()
				}
			}
			return nil
		})
	}
	g.Go(func() error {
		defer close(queue)
		for _, tr := range reads {
			for i := range tr.ranges {
				select {
				case queue <- item{tr, i}:
				case <-gctx.Done():
					return nil
				}
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

// tableRead is one table being read, in one part or in several block
// ranges read at once. Every file of a table must have the same column
// types, so a column that falls back to text in one part (a value its type
// cannot hold) is re-read as text in the parts that were written before.
type tableRead struct {
	t      snapshot.Table
	ranges []snapshot.Blocks
	start  time.Time

	mu    sync.Mutex
	cols  []parquet.Column // the types every part must be written with
	gen   int              // bumped each time a column falls back to text
	parts []tablePart      // by range
	left  int              // parts not yet read
}

// tablePart is what one range wrote, and with which generation of cols.
type tablePart struct {
	gen   int
	files []manifest.TableFile
	rows  int64
}

// split plans the reads. With several jobs, on PostgreSQL 14 or later (a
// TID Range Scan reads only its blocks), a table at least ParquetSplit on
// disk and larger than its share of the database (total ÷ jobs) is cut
// into Jobs ranges of its heap: a database that is mostly one table
// otherwise reads at one backend's speed whatever --jobs says. Ranges are
// read inside the same exported snapshot, so their rows add up to the
// table's exactly.
func (p *parquetRun) split(tables []snapshot.Table) []*tableRead {
	var total int64
	for _, t := range tables {
		total += t.Bytes
	}
	share := total / int64(max(p.cfg.Jobs, 1))
	reads := make([]*tableRead, len(tables))
	for i, t := range tables {
		cols := make([]parquet.Column, len(t.Columns))
		for j, c := range t.Columns {
			cols[j] = parquet.ColumnFor(c.Name, parquet.PGType{Name: c.Type.Name, Builtin: c.Type.Builtin, Typmod: c.Type.Typmod,
				Array: c.Type.Array, Delim: c.Type.Delim, NotNull: c.NotNull})
		}
		ranges := []snapshot.Blocks{{}}
		if p.cfg.Jobs > 1 && p.cfg.ParquetSplit > 0 && p.snap.ServerVersion >= snapshot.TIDRangeVersion &&
			!t.Partitioned && !t.DataExcluded && len(t.Columns) > 0 && t.Bytes >= p.cfg.ParquetSplit && t.Bytes > share {
			ranges = snapshot.SplitBlocks(t.Blocks, p.cfg.Jobs)
		}
		reads[i] = &tableRead{t: t, ranges: ranges, cols: cols, parts: make([]tablePart, len(ranges)), left: len(ranges)}
	}
	return reads
}

// readPart reads range i of tr. The worker that reads a table's last
// part re-reads, one by one, any part written before a column fell back,
// and returns the table's manifest entry with last = true.
func (p *parquetRun) readPart(ctx context.Context, w **snapshot.Worker, tr *tableRead, i int) (manifest.Table, bool, error) {
	tr.mu.Lock()
	if tr.start.IsZero() {
		tr.start = time.Now()
	}
	tr.mu.Unlock()
	if err := p.writePartAgreed(ctx, w, tr, i); err != nil {
		return manifest.Table{}, false, err
	}
	tr.mu.Lock()
	tr.left--
	last := tr.left == 0
	tr.mu.Unlock()
	if !last {
		return manifest.Table{}, false, nil
	}
	for {
		tr.mu.Lock()
		stale := -1
		for j, part := range tr.parts {
			if part.gen != tr.gen {
				stale = j
				break
			}
		}
		tr.mu.Unlock()
		if stale < 0 {
			break
		}
		if err := p.removePart(ctx, tr, stale); err != nil {
			return manifest.Table{}, false, err
		}
		if err := p.writePartAgreed(ctx, w, tr, stale); err != nil {
			return manifest.Table{}, false, err
		}
	}
	res, err := p.tableEntry(tr)
	return res, err == nil, err
}

// writePartAgreed writes range i with the table's current column types. A
// value a column's Parquet type cannot hold (NaN in numeric(p,s), a
// timestamp past 294247 AD, a multi-dimensional array) fails neither the
// run nor the value: the column falls back to its text form for the whole
// table, what this attempt wrote is deleted, and the range is read again
// from the same snapshot on a new connection (the failed COPY closed the
// old one). The manifest records the column's actual type and why.
func (p *parquetRun) writePartAgreed(ctx context.Context, w **snapshot.Worker, tr *tableRead, i int) error {
	for {
		tr.mu.Lock()
		cols, gen := append([]parquet.Column(nil), tr.cols...), tr.gen
		tr.mu.Unlock()
		files, rows, err := p.writePart(ctx, *w, tr, i, cols)
		var u *parquet.UnrepresentableError
		if err == nil {
			tr.mu.Lock()
			tr.parts[i] = tablePart{gen: gen, files: files, rows: rows}
			tr.mu.Unlock()
			return nil
		}
		if !errors.As(err, &u) {
			return err
		}
		if _, ok := cols[u.Column].Fallback(u); !ok {
			return err
		}
		tr.mu.Lock()
		// Another range may have changed the column already.
		if next, ok := tr.cols[u.Column].Fallback(u); ok {
			event, msg := "column_as_text", "a value the column's Parquet type cannot hold: the column is written as its PostgreSQL text form this run; the table is read again from the same snapshot"
			if u.NotUTF8 {
				event, msg = "column_as_binary", "text that is not UTF-8: the column is written as BYTE_ARRAY (each value's bytes as stored) this run; the table is read again from the same snapshot"
			}
			p.log.WithFields(logrus.Fields{"event": event, "table": tr.t.String(), "column": u.Name, "reason": u.Reason}).Warn(msg)
			tr.cols[u.Column] = next
			tr.gen++
		}
		tr.mu.Unlock()
		if err := p.removePart(ctx, tr, i); err != nil {
			return err
		}
		(*w).Close(ctx)
		nw, err := p.snap.Worker(ctx)
		if err != nil {
			return &Error{Kind: KindDump, Err: err}
		}
		*w = nw
	}
}

// partPrefix is the key prefix (relative to the run) of range i's files:
// the table's folder when it is read whole, part-RANGE- in it otherwise.
func (p *parquetRun) partPrefix(tr *tableRead, i int) string {
	dir := path.Join("tables", p.dirs[tr.t.OID]) + "/"
	if len(tr.ranges) == 1 {
		return dir
	}
	return dir + fmt.Sprintf("part-%05d-", i)
}

// removePart deletes what an attempt at range i wrote.
func (p *parquetRun) removePart(ctx context.Context, tr *tableRead, i int) error {
	if _, err := p.up.RemoveVersions(ctx, p.prefix+"/"+p.partPrefix(tr, i)); err != nil {
		return &Error{Kind: KindStorage, Err: fmt.Errorf("table %s: remove the files written before a column fell back to text: %w", tr.t, err)}
	}
	return nil
}

// writePart is one attempt at writing range i of tr with the given column
// types; it returns the files and the rows they hold.
func (p *parquetRun) writePart(ctx context.Context, w *snapshot.Worker, tr *tableRead, i int, cols []parquet.Column) ([]manifest.TableFile, int64, error) {
	t := tr.t
	if t.DataExcluded {
		return nil, 0, nil
	}
	prefix := p.partPrefix(tr, i)
	var sinks []*uploadSink
	pw, err := parquet.NewWriter(cols, p.writerOptions(), func(index int) (parquet.Sink, error) {
		name := fmt.Sprintf("part-%05d.parquet", index)
		if len(tr.ranges) > 1 {
			name = fmt.Sprintf("%05d.parquet", index) // after part-RANGE-
		}
		s := p.openSink(ctx, prefix+name)
		sinks = append(sinks, s)
		return s, nil
	})
	if err != nil {
		return nil, 0, fmt.Errorf("table %s: %w", t, err)
	}
	rows, err := w.CopyRange(ctx, t, tr.ranges[i], func(fields [][]byte) error {
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
			return nil, 0, err
		case errors.As(err, &rls):
			return nil, 0, &Error{Kind: KindDump, Err: err}
		}
		return nil, 0, &Error{Kind: KindDump, Err: fmt.Errorf("table %s: %w", t, err)}
	}
	var written int64
	out := make([]manifest.TableFile, 0, len(files))
	for j, f := range files {
		obj := sinks[j].obj
		out = append(out, manifest.TableFile{Path: sinks[j].path, Rows: f.Rows, Size: obj.Size, SHA256: obj.SHA256})
		written += f.Rows
	}
	if written != rows {
		return nil, 0, fail(KindDump, "table %s: read %d rows, wrote %d", t, rows, written)
	}
	return out, rows, nil
}

// tableEntry is the manifest's entry for a table whose parts are all read
// with the same column types.
func (p *parquetRun) tableEntry(tr *tableRead) (manifest.Table, error) {
	t := tr.t
	res := manifest.Table{Schema: t.Schema, Name: t.Name, Partitioned: t.Partitioned, DataExcluded: t.DataExcluded,
		PrimaryKey: t.PrimaryKey, Columns: make([]manifest.Column, len(t.Columns)), Files: []manifest.TableFile{}}
	if len(tr.cols) == 0 {
		res.PlaceholderColumn = parquet.PlaceholderColumn
	}
	types, err := parquet.Describe(tr.cols)
	if err != nil {
		return res, fmt.Errorf("table %s: %w", t, err)
	}
	for i, c := range t.Columns {
		res.Columns[i] = manifest.Column{Name: c.Name, PGType: c.PGType, ParquetType: types[i], Nullable: !c.NotNull,
			TextFallback: tr.cols[i].TextFallback}
	}
	for _, part := range tr.parts {
		res.Files = append(res.Files, part.files...)
		res.Rows += part.rows
	}
	if t.DataExcluded {
		return res, nil
	}
	p.log.WithFields(logrus.Fields{"event": "table_exported", "table": t.String(), "rows": res.Rows, "files": len(res.Files),
		"ranges": len(tr.ranges), "seconds": round2(time.Since(tr.start).Seconds())}).Info("table exported")
	return res, nil
}

func (p *parquetRun) writerOptions() parquet.Options {
	o := parquet.Options{RowGroupBytes: p.cfg.ParquetRowGroup, FileBytes: p.cfg.ParquetFileSize,
		Codec: compress.Codecs.Uncompressed, CreatedBy: "advana-export " + p.d.Version,
		CheckUTF8: p.snap.ServerEncoding == "SQL_ASCII"}
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
