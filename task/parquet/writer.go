package parquet

import (
	"fmt"
	"io"
	"strings"

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
	// RowGroupBytes: rows are buffered until their text form reaches this
	// size, then written as one row group. Memory per table being written is
	// a small multiple of it.
	RowGroupBytes int64
	// FileBytes: after a row group takes a file past this size, the file is
	// closed and the next row group starts a new one.
	FileBytes int64
	// Codec and Level compress the pages (zstd, gzip, snappy or none).
	Codec compress.Compression
	Level int
	// CreatedBy is recorded in each file's footer.
	CreatedBy string
}

// File is one finished file of a table.
type File struct {
	Rows  int64
	Bytes int64
}

// Writer writes one table's rows as one or more Parquet files.
type Writer struct {
	cols    []Column
	opts    Options
	newSink func(index int) (Sink, error)
	schema  *arrow.Schema
	props   *parquet.WriterProperties
	rb      *array.RecordBuilder
	appends []appendFunc

	groupRows  int64
	groupBytes int64

	sink    Sink
	counter *countingWriter
	fw      *pqarrow.FileWriter
	rows    int64 // rows in the open file
	files   []File
	done    bool // Close or Abort ran: the builders are released
}

// NewWriter prepares a writer; newSink opens file number index (0, 1, ...)
// when its first row group is ready.
func NewWriter(cols []Column, opts Options, newSink func(index int) (Sink, error)) (*Writer, error) {
	fields := make([]arrow.Field, len(cols))
	for i, c := range cols {
		fields[i] = c.field()
	}
	w := &Writer{cols: cols, opts: opts, newSink: newSink, schema: arrow.NewSchema(fields, nil)}
	w.props = parquet.NewWriterProperties(
		parquet.WithVersion(parquet.V2_6), // logical types (UUID, JSON, nanosecond-free TIMESTAMP)
		parquet.WithDataPageVersion(parquet.DataPageV1),
		parquet.WithCompression(opts.Codec), parquet.WithCompressionLevel(opts.Level),
		parquet.WithMaxRowGroupLength(1<<40), // row groups are cut by size, here
		parquet.WithCreatedBy(opts.CreatedBy),
		parquet.WithStats(true),
	)
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
	}
	return w, nil
}

// Append adds one row; fields are text forms, nil for NULL.
func (w *Writer) Append(fields [][]byte) error {
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
			return fmt.Errorf("column %q: %w", w.cols[i].Name, err)
		}
		// The text form, plus a fixed cost per value, approximates what
		// the builders hold.
		w.groupBytes += int64(len(f)) + 8
	}
	w.groupRows++
	if w.groupBytes >= w.opts.RowGroupBytes {
		return w.flush()
	}
	return nil
}

// flush writes the buffered rows as one row group, opening a file first if
// none is open, and closes the file once it has passed FileBytes.
func (w *Writer) flush() error {
	if w.fw == nil {
		if err := w.open(); err != nil {
			return err
		}
	}
	if w.groupRows > 0 {
		rec := w.rb.NewRecordBatch()
		err := w.fw.Write(rec)
		rec.Release()
		if err != nil {
			return fmt.Errorf("write row group: %w", err)
		}
		w.rows += w.groupRows
	}
	w.groupRows, w.groupBytes = 0, 0
	if w.counter.n >= w.opts.FileBytes {
		return w.closeFile()
	}
	return nil
}

func (w *Writer) open() error {
	sink, err := w.newSink(len(w.files))
	if err != nil {
		return err
	}
	w.sink, w.counter = sink, &countingWriter{w: sink}
	w.fw, err = pqarrow.NewFileWriter(w.schema, w.counter, w.props, pqarrow.DefaultWriterProps())
	if err != nil {
		return fmt.Errorf("start parquet file: %w", err)
	}
	w.rows = 0
	return nil
}

func (w *Writer) closeFile() error {
	if err := w.fw.Close(); err != nil {
		return fmt.Errorf("finish parquet file: %w", err)
	}
	w.fw = nil
	sink := w.sink
	w.sink = nil
	if err := sink.Close(); err != nil {
		return err
	}
	w.files = append(w.files, File{Rows: w.rows, Bytes: w.counter.n})
	return nil
}

// Close writes what is buffered and finishes the last file. A table with
// no rows still gets one file, so its schema reaches the warehouse.
func (w *Writer) Close() ([]File, error) {
	defer w.release()
	if w.groupRows > 0 || len(w.files) == 0 || w.fw != nil {
		if err := w.flush(); err != nil {
			return nil, err
		}
		if w.fw != nil {
			if err := w.closeFile(); err != nil {
				return nil, err
			}
		}
	}
	return w.files, nil
}

// Abort discards the open file, if any.
func (w *Writer) Abort(err error) {
	if w.sink != nil {
		w.sink.Abort(err)
		w.sink = nil
	}
	w.release()
}

func (w *Writer) release() {
	if !w.done {
		w.done = true
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
