package parquet_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/parquet/compress"

	"github.com/advana-export/terraform-aws-advana-export/task/parquet"
)

// TestWriterSplitsFiles: past FileBytes the next row group starts a new
// file; every file is complete Parquet and the rows add up.
func TestWriterSplitsFiles(t *testing.T) {
	cols := []parquet.Column{{Name: "id", Kind: parquet.KindInt64}, {Name: "note", Kind: parquet.KindText}}
	var sinks []*bufferSink
	w, err := parquet.NewWriter(cols, parquet.Options{RowGroupBytes: 64 << 10, FileBytes: 200 << 10, Codec: compress.Codecs.Uncompressed},
		func(i int) (parquet.Sink, error) {
			if i != len(sinks) {
				t.Fatalf("file %d opened after %d", i, len(sinks))
			}
			sinks = append(sinks, &bufferSink{})
			return sinks[i], nil
		})
	if err != nil {
		t.Fatal(err)
	}
	const n = 20000
	for i := 0; i < n; i++ {
		if err := w.Append([][]byte{[]byte(fmt.Sprint(i)), []byte(fmt.Sprintf("row %d of the table", i))}); err != nil {
			t.Fatal(err)
		}
	}
	files, err := w.Close()
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 2 || len(files) != len(sinks) {
		t.Fatalf("%d files, %d sinks; want several", len(files), len(sinks))
	}
	var total int64
	for i, f := range files {
		got := readBack(t, sinks[i].Bytes(), false)
		if int64(len(got)) != f.Rows || f.Bytes != int64(sinks[i].Len()) {
			t.Errorf("file %d: %d rows read, %d reported; %d bytes, %d reported", i, len(got), f.Rows, sinks[i].Len(), f.Bytes)
		}
		total += f.Rows
	}
	if total != n {
		t.Errorf("%d rows in files, want %d", total, n)
	}
}

// TestWriterEmptyTable: a table with no rows still gets one file, so its
// schema reaches the warehouse.
func TestWriterEmptyTable(t *testing.T) {
	var sink bufferSink
	w, err := parquet.NewWriter([]parquet.Column{{Name: "x", Kind: parquet.KindDate}}, parquet.Options{RowGroupBytes: 1 << 20, FileBytes: 1 << 20},
		func(int) (parquet.Sink, error) { return &sink, nil })
	if err != nil {
		t.Fatal(err)
	}
	files, err := w.Close()
	if err != nil || len(files) != 1 || files[0].Rows != 0 {
		t.Fatalf("files %+v, err %v", files, err)
	}
	if got := readBack(t, sink.Bytes(), false); len(got) != 0 {
		t.Fatalf("rows %q", got)
	}
}

// TestWriterRejectsBadValues: a value that does not parse, a NaN in a
// DECIMAL and a NULL in a NOT NULL column fail the table, naming the column.
func TestWriterRejectsBadValues(t *testing.T) {
	for _, tt := range []struct {
		col parquet.Column
		val []byte
	}{
		{parquet.Column{Name: "n", Kind: parquet.KindInt32}, []byte("12x")},
		{parquet.Column{Name: "r", Kind: parquet.KindText, NotNull: true}, nil},
	} {
		w, err := parquet.NewWriter([]parquet.Column{tt.col}, parquet.Options{RowGroupBytes: 1 << 20, FileBytes: 1 << 20},
			func(int) (parquet.Sink, error) { return nil, errors.New("not reached") })
		if err != nil {
			t.Fatal(err)
		}
		err = w.Append([][]byte{tt.val})
		if err == nil {
			t.Errorf("%s: %q accepted", tt.col.Name, tt.val)
		} else if !strings.Contains(err.Error(), `"`+tt.col.Name+`"`) {
			t.Errorf("%s: error does not name the column: %v", tt.col.Name, err)
		}
		w.Abort(err)
	}
}

// TestWriterUnrepresentable: values PostgreSQL holds that the column's
// Parquet type cannot (without a wrong or lost value) are reported as an
// UnrepresentableError naming the column, never written: NaN in a
// DECIMAL, timestamps past int64 microseconds or on the infinity
// sentinels, multi-dimensional arrays, arrays with bounds. The last
// finite value before the limit is still written.
func TestWriterUnrepresentable(t *testing.T) {
	ts := parquet.Column{Name: "ts", Kind: parquet.KindTimestamp}
	tstz := parquet.Column{Name: "tstz", Kind: parquet.KindTimestampTZ}
	for _, tt := range []struct {
		col  parquet.Column
		val  string
		fits bool
	}{
		{parquet.Column{Name: "d", Kind: parquet.KindDecimal, Precision: 10, Scale: 2}, "NaN", false},
		{parquet.Column{Name: "a", Kind: parquet.KindInt32, List: true, Delim: ','}, "{{1,2},{3,4}}", false},
		{parquet.Column{Name: "a", Kind: parquet.KindInt32, List: true, Delim: ','}, "[0:1]={7,8}", false},
		{parquet.Column{Name: "a", Kind: parquet.KindDecimal, Precision: 4, Scale: 1, List: true, Delim: ','}, "{1.5,NaN}", false},
		{ts, "294247-01-10 04:00:54.775806", true},
		{ts, "294247-01-10 04:00:54.775807", false}, // INT64 max: the +infinity sentinel
		{ts, "294247-01-10 04:00:54.775808", false},
		{ts, "294276-12-31 23:59:59.999999", false},
		{tstz, "294247-01-10 04:00:54.775806+00", true},
		{tstz, "294247-01-10 06:00:54.775807+02", false},
		{tstz, "294276-12-31 23:59:59.999999+00", false},
		{ts, "4714-11-24 00:00:00 BC", true},
	} {
		w, err := parquet.NewWriter([]parquet.Column{tt.col}, parquet.Options{RowGroupBytes: 1 << 20, FileBytes: 1 << 20},
			func(int) (parquet.Sink, error) { return &bufferSink{}, nil })
		if err != nil {
			t.Fatal(err)
		}
		err = w.Append([][]byte{[]byte(tt.val)})
		var u *parquet.UnrepresentableError
		switch {
		case tt.fits && err != nil:
			t.Errorf("%s %q: %v", tt.col.Name, tt.val, err)
		case !tt.fits && (!errors.As(err, &u) || u.Column != 0 || u.Name != tt.col.Name || u.Reason == ""):
			t.Errorf("%s %q: error %v, want an UnrepresentableError naming the column", tt.col.Name, tt.val, err)
		}
		w.Abort(errors.New("done"))
	}
}

// TestWriterZeroColumns: a table without columns is written with the
// placeholder column, one true per row, so its row count reaches a
// reader that needs at least one column (Spark, Delta).
func TestWriterZeroColumns(t *testing.T) {
	var sink bufferSink
	w, err := parquet.NewWriter(nil, parquet.Options{RowGroupBytes: 1 << 20, FileBytes: 1 << 20},
		func(int) (parquet.Sink, error) { return &sink, nil })
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		if err := w.Append(nil); err != nil {
			t.Fatal(err)
		}
	}
	files, err := w.Close()
	if err != nil || len(files) != 1 || files[0].Rows != 3 {
		t.Fatalf("files %+v, err %v", files, err)
	}
	if got := readBack(t, sink.Bytes(), false); strings.Join(got, ",") != "true,true,true" {
		t.Fatalf("rows %q", got)
	}
}

// failingSink refuses writes once it holds limit bytes, as an upload S3
// refuses; with stalled set it first waits until stalled is closed, as an
// upload stalls until the run's context is cancelled.
type failingSink struct {
	limit   int
	n       int
	stalled chan struct{}
}

func (s *failingSink) Write(b []byte) (int, error) {
	if s.n+len(b) <= s.limit {
		s.n += len(b)
		return len(b), nil
	}
	if s.stalled != nil {
		<-s.stalled
	}
	return 0, errors.New("upload refused")
}
func (s *failingSink) Close() error { return nil }
func (s *failingSink) Abort(error)  {}

// TestWriterSinkFailure: the encoder writes on its own goroutine; a sink
// that fails, at once or after a stall, stops Append or Close with the
// sink's error, and nothing hangs.
func TestWriterSinkFailure(t *testing.T) {
	for _, blocking := range []bool{false, true} {
		t.Run(fmt.Sprintf("stalled=%v", blocking), func(t *testing.T) {
			sink := &failingSink{limit: 100 << 10}
			if blocking {
				sink.stalled = make(chan struct{})
				time.AfterFunc(200*time.Millisecond, func() { close(sink.stalled) })
			}
			cols := []parquet.Column{{Name: "id", Kind: parquet.KindInt64}, {Name: "note", Kind: parquet.KindText}}
			w, err := parquet.NewWriter(cols, parquet.Options{RowGroupBytes: 64 << 10, FileBytes: 1 << 30, Codec: compress.Codecs.Uncompressed},
				func(int) (parquet.Sink, error) { return sink, nil })
			if err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() {
				for i := 0; i < 200000; i++ {
					if err := w.Append([][]byte{[]byte(fmt.Sprint(i)), []byte(fmt.Sprintf("row %d, not compressible %x", i, i*7919))}); err != nil {
						done <- err
						return
					}
				}
				_, err := w.Close()
				done <- err
			}()
			select {
			case err := <-done:
				if err == nil {
					t.Fatal("the table was written although its sink failed")
				}
				w.Abort(err)
			case <-time.After(20 * time.Second):
				t.Fatal("the writer hangs after its sink failed")
			}
		})
	}
}
