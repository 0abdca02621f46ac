package parquet

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/apache/arrow-go/v18/parquet/schema"
)

// Sink receives one Parquet file. Close completes it (the upload finishes);
// Abort discards it.
type Sink interface {
	io.Writer
	Close() error
	Abort(err error)
}

// Options bound memory and file size.
type Options struct {
	// RowGroupBytes: a row group ends once the text form of its rows
	// reaches this size. The row group is held encoded and compressed
	// until it ends, so memory per table being written is about this size
	// at most, however large the table.
	RowGroupBytes int64
	// FileBytes: after a row group takes a file past this size, the file is
	// closed and the next row group starts a new one.
	FileBytes int64
	// Codec and Level compress the pages (zstd, gzip, snappy or none).
	Codec compress.Compression
	Level int
	// CreatedBy is recorded in each file's footer.
	CreatedBy string
	// CheckUTF8: the text may not be UTF-8, so each STRING value is checked
	// (a SQL_ASCII database: PostgreSQL converts to the session's UTF8 from
	// every other encoding, so there the check would only cost time).
	CheckUTF8 bool
}

// File is one finished file of a table.
type File struct {
	Rows  int64
	Bytes int64
}

// maxBatchBytes bounds a batch: rows are parsed into Arrow columns a batch
// at a time and handed to the encoder while the next batch is parsed, so
// reading and encoding overlap and only a few batches are ever in Arrow
// form, whatever the row-group size. 1 MiB is a few thousand rows, enough
// that the per-batch cost does not show; 4 MiB batches held 28 MiB with
// --jobs 2 (docs/profile.md).
const maxBatchBytes = 1 << 20

// dataPageBytes is the Parquet data page size. arrow-go keeps, for every
// column of the row group being written, the page being encoded, its
// uncompressed copy and its compressed copy, so memory grows with the
// table's width times this size: at arrow-go's default (1 MiB) a 13-column
// table held about 40 MiB per job in page buffers alone. The dictionary of
// a text column is capped at the same size (arrow-go's default ties the
// two): its hash table held 12 MiB at the 1 MiB default, and a column with
// more distinct values than that falls back to plain pages either way.
// Readers need no larger pages (Spark and DuckDB read a column chunk page
// by page); the files came out within 1% of the size (docs/profile.md).
const dataPageBytes = 256 << 10

// pageBufferBytes is what the column writers of one row group hold besides
// its finished pages: three page buffers of dataPageBytes per column; 12 MiB
// covers 16 columns (the bench's widest table has 13).
const pageBufferBytes = 12 << 20

// HeldBytes is about the most one Writer holds: a row group, encoded and
// compressed (with compression, at most half its text: a quarter measured
// on text, numbers and JSON, and the buffer it grows in doubles; without,
// its text size), the batches in Arrow form (the one being parsed, one
// queued, one being encoded), and the column writers' page buffers.
func HeldBytes(opts Options) int64 {
	group := opts.RowGroupBytes
	if opts.Codec != compress.Codecs.Uncompressed {
		group /= 2
	}
	return group + 3*min(opts.RowGroupBytes, maxBatchBytes) + pageBufferBytes
}

// Writer writes one table's rows as one or more Parquet files. Append
// parses rows into Arrow columns on the caller's goroutine; a second
// goroutine encodes, compresses and writes each batch into the current
// row group (buffered, already compressed) and starts a new row group,
// or a new file, when one is full. Append, Close and Abort are called from
// one goroutine.
type Writer struct {
	cols    []Column
	opts    Options
	newSink func(index int) (Sink, error)
	schema  *arrow.Schema
	props   *parquet.WriterProperties
	rb      *array.RecordBuilder
	appends []appendFunc
	// placeholder: the table has no columns; each row is one true.
	placeholder bool

	// The batch being parsed (caller's goroutine).
	batchRows  int64
	batchBytes int64
	batchLimit int64

	batches chan batch
	done    chan struct{} // closed when the encoder has stopped
	stopped bool          // batches is closed
	failed  atomic.Pointer[error]

	mu      sync.Mutex // sink and aborted, shared with Abort
	sink    Sink
	aborted bool

	// The encoder's state (its goroutine; the caller's once done is closed).
	counter   *countingWriter
	fw        *pqarrow.FileWriter
	fileRows  int64
	groupText int64 // text bytes in the open row group
	groupFull bool  // the next batch starts a new row group
	files     []File
	released  bool
}

// batch is a slice of rows in Arrow form and their text size.
type batch struct {
	rec  arrow.RecordBatch
	text int64
}

// UnrepresentableError: a value the column's Parquet type cannot hold (NaN
// in a DECIMAL, a timestamp past int64 microseconds, a multi-dimensional
// array). Nothing is written wrong or left out: the caller re-reads the
// table with the column as text (Column.AsText).
type UnrepresentableError struct {
	Column int // index in the writer's columns
	Name   string
	Reason string
	// NotUTF8: text that is not UTF-8, which no STRING column may hold
	// (Column.Fallback writes the column's raw bytes instead).
	NotUTF8 bool
}

func (e *UnrepresentableError) Error() string {
	return fmt.Sprintf("column %q: %s", e.Name, e.Reason)
}

// PlaceholderColumn is the one column of a table that has none: a Parquet
// file needs a leaf column to carry a row count that Spark and DuckDB read
// (docs/warehouse.md). Its value is true in every row.
const PlaceholderColumn = "_zero_column_table_row"

// SparkVersionKey and SparkVersionValue go into every file's footer
// key-value metadata. Spark decides whether to rebase a file's dates and
// timestamps from the hybrid Julian calendar by this key alone
// (DataSourceUtils.getRebaseSpec, spark.go): absent, Spark 3.x raises on
// a date before 1582-10-15 or a timestamp before 1900; "3.0.0" or later
// reads them as proleptic Gregorian, which is what these files hold.
const (
	SparkVersionKey   = "org.apache.spark.version"
	SparkVersionValue = "3.0.0"
)

// NewWriter prepares a writer; newSink opens file number index (0, 1, ...)
// when its first row group is ready. A table with no columns gets
// PlaceholderColumn.
func NewWriter(cols []Column, opts Options, newSink func(index int) (Sink, error)) (*Writer, error) {
	placeholder := len(cols) == 0
	if placeholder {
		cols = []Column{{Name: PlaceholderColumn, Kind: KindBool, NotNull: true}}
	}
	fields := make([]arrow.Field, len(cols))
	for i, c := range cols {
		fields[i] = c.field()
	}
	w := &Writer{cols: cols, opts: opts, newSink: newSink, schema: arrow.NewSchema(fields, nil), placeholder: placeholder,
		batchLimit: min(opts.RowGroupBytes, maxBatchBytes), batches: make(chan batch, 1), done: make(chan struct{})}
	props := []parquet.WriterProperty{
		parquet.WithVersion(parquet.V2_6), // logical types (UUID, JSON, nanosecond-free TIMESTAMP)
		parquet.WithDataPageVersion(parquet.DataPageV1),
		parquet.WithCompression(opts.Codec), parquet.WithCompressionLevel(opts.Level),
		parquet.WithMaxRowGroupLength(1 << 40), // row groups are cut by size, here
		parquet.WithCreatedBy(opts.CreatedBy),
		parquet.WithStats(true),
		parquet.WithDictionaryDefault(false),
		parquet.WithDataPageSize(dataPageBytes),
		parquet.WithDictionaryPageSizeLimit(dataPageBytes),
	}
	// Dictionary encoding pays for text (statuses, names, repeated JSON);
	// numbers, times, UUIDs and DECIMALs are mostly distinct, and hashing
	// each into a dictionary that overflows and falls back costs more CPU
	// than zstd gains over plain pages.
	for _, c := range cols {
		if c.Kind == KindText || c.Kind == KindJSON {
			path := parquet.ColumnPath{c.Name}
			if c.List {
				path = append(path, "list", "element")
			}
			props = append(props, parquet.WithDictionaryPath(path, true))
		}
	}
	w.props = parquet.NewWriterProperties(props...)
	if _, err := pqarrow.ToParquet(w.schema, w.props, pqarrow.DefaultWriterProps()); err != nil {
		return nil, fmt.Errorf("parquet schema: %w", err)
	}
	w.rb = array.NewRecordBuilder(memory.DefaultAllocator, w.schema)
	w.appends = make([]appendFunc, len(cols))
	for i, c := range cols {
		if c.List {
			w.appends[i] = listAppender(c, w.rb.Field(i).(*array.ListBuilder))
		} else {
			w.appends[i] = appender(c, w.rb.Field(i))
		}
		if opts.CheckUTF8 && (c.Kind == KindText || c.Kind == KindUUID || c.Kind == KindJSON) {
			w.appends[i] = utf8Only(w.appends[i])
		}
	}
	go w.encode()
	return w, nil
}

var placeholderRow = [][]byte{[]byte("t")}

// Append adds one row; fields are text forms, nil for NULL. A value the
// column's type cannot hold is an *UnrepresentableError.
func (w *Writer) Append(fields [][]byte) error {
	if w.placeholder && len(fields) == 0 {
		fields = placeholderRow
	}
	if len(fields) != len(w.cols) {
		return fmt.Errorf("row has %d fields, want %d", len(fields), len(w.cols))
	}
	for i, f := range fields {
		if f == nil {
			if w.cols[i].NotNull {
				return fmt.Errorf("column %q: NULL in a NOT NULL column", w.cols[i].Name)
			}
			w.rb.Field(i).AppendNull()
		} else if err := w.appends[i](f); err != nil {
			var u unrepresentable
			if errors.As(err, &u) {
				return &UnrepresentableError{Column: i, Name: w.cols[i].Name, Reason: string(u), NotUTF8: errors.Is(err, errNotUTF8)}
			}
			return fmt.Errorf("column %q: %w", w.cols[i].Name, err)
		}
		// The text form, plus a fixed cost per value, approximates what
		// the builders hold.
		w.batchBytes += int64(len(f)) + 8
	}
	w.batchRows++
	if w.batchBytes >= w.batchLimit {
		return w.handOver()
	}
	return nil
}

// handOver passes the parsed batch to the encoder (waiting while it is
// still busy with the one before) and sizes the builders for the next.
func (w *Writer) handOver() error {
	if err := w.err(); err != nil {
		return err
	}
	if w.batchRows == 0 {
		return nil
	}
	dataLens := make([]int, len(w.cols))
	for i := range w.cols {
		if b, ok := w.rb.Field(i).(dataBuilder); ok {
			dataLens[i] = b.DataLen()
		}
	}
	w.batches <- batch{rec: w.rb.NewRecordBatch(), text: w.batchBytes}
	w.rb.Reserve(int(w.batchRows))
	for i, n := range dataLens {
		if n > 0 {
			w.rb.Field(i).(dataBuilder).ReserveData(n)
		}
	}
	w.batchRows, w.batchBytes = 0, 0
	return w.err()
}

// dataBuilder is a builder of variable-length values (text, bytea).
type dataBuilder interface {
	DataLen() int
	ReserveData(int)
}

func (w *Writer) err() error {
	if p := w.failed.Load(); p != nil {
		return *p
	}
	return nil
}

func (w *Writer) fail(err error) {
	w.failed.CompareAndSwap(nil, &err)
}

// encode is the encoder goroutine. After a failure it keeps receiving, so
// Append never blocks, and drops what it receives.
func (w *Writer) encode() {
	defer close(w.done)
	for b := range w.batches {
		if w.err() == nil {
			if err := w.write(b); err != nil {
				w.fail(err)
			}
		}
		b.rec.Release()
	}
}

// write adds a batch to the open row group, first starting a new row
// group (or file) if the last one is full; a row group that reaches
// RowGroupBytes of text is full, and the file ends with it once the file
// would pass FileBytes.
func (w *Writer) write(b batch) error {
	if w.fw == nil {
		if err := w.open(); err != nil {
			return err
		}
	} else if w.groupFull {
		if err := w.fw.NewBufferedRowGroupChecked(); err != nil {
			return fmt.Errorf("write row group: %w", err)
		}
	}
	w.groupFull = false
	if err := w.fw.WriteBuffered(b.rec); err != nil {
		return fmt.Errorf("write row group: %w", err)
	}
	w.fileRows += b.rec.NumRows()
	if w.groupText += b.text; w.groupText < w.opts.RowGroupBytes {
		return nil
	}
	w.groupText = 0
	if w.counter.n+w.fw.RowGroupTotalCompressedBytes() >= w.opts.FileBytes {
		return w.closeFile()
	}
	w.groupFull = true
	return nil
}

func (w *Writer) open() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.aborted {
		return errors.New("aborted")
	}
	sink, err := w.newSink(len(w.files))
	if err != nil {
		return err
	}
	w.sink, w.counter = sink, &countingWriter{w: sink}
	w.fw, err = pqarrow.NewFileWriter(w.schema, w.counter, w.props, pqarrow.DefaultWriterProps())
	if err != nil {
		return fmt.Errorf("start parquet file: %w", err)
	}
	if err := w.fw.AppendKeyValueMetadata(SparkVersionKey, SparkVersionValue); err != nil {
		return fmt.Errorf("start parquet file: %w", err)
	}
	w.fileRows, w.groupText, w.groupFull = 0, 0, false
	return nil
}

// closeFile writes the open row group and the footer and completes the
// file's upload.
func (w *Writer) closeFile() error {
	if err := w.fw.Close(); err != nil {
		return fmt.Errorf("finish parquet file: %w", err)
	}
	w.fw = nil
	w.mu.Lock()
	sink := w.sink
	w.sink = nil
	w.mu.Unlock()
	if err := sink.Close(); err != nil {
		return err
	}
	w.files = append(w.files, File{Rows: w.fileRows, Bytes: w.counter.n})
	return nil
}

// stop hands over what is parsed (unless failing) and waits for the
// encoder to finish.
func (w *Writer) stop(flush bool) error {
	var err error
	if flush {
		err = w.handOver()
	}
	if !w.stopped {
		w.stopped = true
		close(w.batches)
	}
	<-w.done
	if err == nil {
		err = w.err()
	}
	return err
}

// Close writes what is buffered and finishes the last file. A table with
// no rows still gets one file, so its schema reaches the warehouse.
func (w *Writer) Close() ([]File, error) {
	if err := w.stop(true); err != nil {
		w.Abort(err)
		return nil, err
	}
	defer w.release()
	if w.fw == nil && len(w.files) == 0 {
		if err := w.open(); err != nil {
			w.Abort(err)
			return nil, err
		}
	}
	if w.fw != nil {
		if err := w.closeFile(); err != nil {
			w.Abort(err)
			return nil, err
		}
	}
	return w.files, nil
}

// Abort discards the open file, if any: its upload is aborted, which also
// ends a write the encoder is blocked in.
func (w *Writer) Abort(err error) {
	w.fail(err)
	w.mu.Lock()
	w.aborted = true
	sink := w.sink
	w.sink = nil
	w.mu.Unlock()
	if sink != nil {
		sink.Abort(err)
	}
	_ = w.stop(false)
	w.release()
}

func (w *Writer) release() {
	if !w.released {
		w.released = true
		w.rb.Release()
	}
}

// Describe names each column's Parquet type as the files declare it, e.g.
// "INT32 Int(bitWidth=16, isSigned=true)" or "LIST<FIXED_LEN_BYTE_ARRAY UUID>".
func Describe(cols []Column) ([]string, error) {
	fields := make([]arrow.Field, len(cols))
	for i, c := range cols {
		fields[i] = c.field()
	}
	props := parquet.NewWriterProperties(parquet.WithVersion(parquet.V2_6))
	sc, err := pqarrow.ToParquet(arrow.NewSchema(fields, nil), props, pqarrow.DefaultWriterProps())
	if err != nil {
		return nil, err
	}
	out := make([]string, len(cols))
	root := sc.Root()
	for i := range cols {
		out[i] = describeNode(root.Field(i))
	}
	return out, nil
}

func describeNode(n schema.Node) string {
	if g, ok := n.(*schema.GroupNode); ok {
		// LIST: group (LIST) > repeated group list > element.
		inner := g.Field(0)
		if ig, ok := inner.(*schema.GroupNode); ok && ig.NumFields() == 1 {
			inner = ig.Field(0)
		}
		return "LIST<" + describeNode(inner) + ">"
	}
	p := n.(*schema.PrimitiveNode)
	phys := p.PhysicalType().String()
	if p.PhysicalType() == parquet.Types.FixedLenByteArray {
		phys = fmt.Sprintf("%s(%d)", phys, p.TypeLength())
	}
	lt := p.LogicalType()
	if lt == nil || lt.Equals(schema.NoLogicalType{}) {
		return phys
	}
	desc := lt.String()
	// Timestamps append writer internals; a reader needs unit and UTC only.
	if i := strings.Index(desc, ", is_from_converted_type"); i >= 0 {
		desc = desc[:i] + ")"
	}
	return phys + " " + desc
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
