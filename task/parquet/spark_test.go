package parquet_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/extensions"
	"github.com/apache/arrow-go/v18/arrow/memory"
	pq "github.com/apache/arrow-go/v18/parquet"
	pqfile "github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/advana-export/terraform-aws-advana-export/task/parquet"
)

// TestCheckSparkRefuses: the conformance check can fail. Files written
// directly with arrow-go, outside this package's writer, with the pairs
// issue 20 found Spark refusing (UUID, TIME) and dates without the
// calendar key, are refused, naming the column; the same date column with
// the key passes.
func TestCheckSparkRefuses(t *testing.T) {
	for _, tt := range []struct {
		name    string
		typ     arrow.DataType
		withKey bool
		want    string // "" when Spark reads it
	}{
		{"u", extensions.NewUUIDType(), true, "FIXED_LEN_BYTE_ARRAY UUID"},
		{"tm", arrow.FixedWidthTypes.Time64us, true, "INT64 Time(MICROS,local)"},
		{"ns", &arrow.TimestampType{Unit: arrow.Nanosecond, TimeZone: "UTC"}, true, "INT64 Timestamp(NANOS,utc)"},
		{"d", arrow.FixedWidthTypes.Date32, false, "org.apache.spark.version"},
		{"ts", &arrow.TimestampType{Unit: arrow.Microsecond}, false, "org.apache.spark.version"},
		{"d", arrow.FixedWidthTypes.Date32, true, ""},
		{"l", arrow.ListOf(arrow.PrimitiveTypes.Int32), true, ""},
	} {
		t.Run(tt.name+"/"+tt.typ.String(), func(t *testing.T) {
			sc := arrow.NewSchema([]arrow.Field{{Name: tt.name, Type: tt.typ, Nullable: true}}, nil)
			b := array.NewRecordBuilder(memory.DefaultAllocator, sc)
			defer b.Release()
			b.Field(0).AppendNull()
			rec := b.NewRecordBatch()
			defer rec.Release()
			var buf bytes.Buffer
			fw, err := pqarrow.NewFileWriter(sc, &buf, pq.NewWriterProperties(pq.WithVersion(pq.V2_6)), pqarrow.DefaultWriterProps())
			if err != nil {
				t.Fatal(err)
			}
			if tt.withKey {
				if err := fw.AppendKeyValueMetadata(parquet.SparkVersionKey, parquet.SparkVersionValue); err != nil {
					t.Fatal(err)
				}
			}
			if err := fw.Write(rec); err != nil {
				t.Fatal(err)
			}
			if err := fw.Close(); err != nil {
				t.Fatal(err)
			}
			r, err := pqfile.NewParquetReader(bytes.NewReader(buf.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			err = parquet.CheckSpark(r.MetaData())
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("refused: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("error %v, want one naming %q", err, tt.want)
			}
		})
	}
}
