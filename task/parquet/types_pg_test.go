package parquet_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	pq "github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	pqfile "github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/advana-export/terraform-aws-advana-export/task/parquet"
	"github.com/advana-export/terraform-aws-advana-export/task/snapshot"
	"github.com/advana-export/terraform-aws-advana-export/test/harness/testenv"
)

func micros(y int, m time.Month, d, h, min, s, us int) string {
	return fmt.Sprint(time.Date(y, m, d, h, min, s, us*1000, time.UTC).UnixMicro())
}

func days(y int, m time.Month, d int) string {
	return fmt.Sprint(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// typeCases: one PostgreSQL type each, its values (SQL literals), the
// Parquet type the files must declare, and the values read back (NULL for
// null; timestamps, dates, times and decimals as their stored integers,
// bytes as hex).
var typeCases = []struct {
	pgType  string
	values  []string
	parquet string
	want    []string
}{
	{"smallint", []string{"-32768", "32767"}, "INT32 Int(bitWidth=16, isSigned=true)", []string{"-32768", "32767"}},
	{"integer", []string{"-2147483648", "0"}, "INT32 Int(bitWidth=32, isSigned=true)", []string{"-2147483648", "0"}},
	{"bigint", []string{"-9223372036854775808", "9223372036854775807"}, "INT64 Int(bitWidth=64, isSigned=true)", []string{"-9223372036854775808", "9223372036854775807"}},
	{"numeric(12,3)", []string{"-1.5", "999999999.999", "0"}, "FIXED_LEN_BYTE_ARRAY(6) Decimal(precision=12, scale=3)", []string{"-1500", "999999999999", "0"}},
	{"numeric(38,2)", []string{"-9999999999999999999999999999999999.99"}, "FIXED_LEN_BYTE_ARRAY(16) Decimal(precision=38, scale=2)", []string{"-999999999999999999999999999999999999"}},
	{"numeric(39,2)", []string{"1.25"}, "BYTE_ARRAY String", []string{"1.25"}},
	{"numeric", []string{"3.141592653589793238462643383279502884197", "'NaN'", "'Infinity'"}, "BYTE_ARRAY String", []string{"3.141592653589793238462643383279502884197", "NaN", "Infinity"}},
	{"real", []string{"1.5", "'NaN'", "'-Infinity'"}, "FLOAT", []string{"1.5", "NaN", "-Inf"}},
	{"double precision", []string{"0.1", "'Infinity'", "4.9e-324"}, "DOUBLE", []string{"0.1", "+Inf", "5e-324"}},
	{"boolean", []string{"true", "false"}, "BOOLEAN", []string{"true", "false"}},
	{"text", []string{`E'tab\there\nline\\ é 🙂'`, "''"}, "BYTE_ARRAY String", []string{"tab\there\nline\\ é 🙂", ""}},
	{"varchar(5)", []string{"'abc'"}, "BYTE_ARRAY String", []string{"abc"}},
	{"char(4)", []string{"'ab'"}, "BYTE_ARRAY String", []string{"ab  "}},
	{"bytea", []string{`'\xdeadbeef'`, `'\x'`}, "BYTE_ARRAY", []string{"deadbeef", ""}},
	{"uuid", []string{"'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'"}, "BYTE_ARRAY String", []string{"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"}},
	{"date", []string{"'2024-02-29'", "'0044-03-15 BC'", "'infinity'", "'-infinity'"}, "INT32 Date",
		[]string{days(2024, 2, 29), days(-43, 3, 15), fmt.Sprint(math.MaxInt32), fmt.Sprint(-math.MaxInt32)}},
	{"time", []string{"'13:45:56.789'", "'00:00:00'", "'24:00:00'"}, "BYTE_ARRAY String", []string{"13:45:56.789", "00:00:00", "24:00:00"}},
	{"timestamp", []string{"'2024-02-29 13:45:56.123456'", "'0044-03-15 12:00:00 BC'", "'infinity'"}, "INT64 Timestamp(isAdjustedToUTC=false, timeUnit=microseconds)",
		[]string{micros(2024, 2, 29, 13, 45, 56, 123456), micros(-43, 3, 15, 12, 0, 0, 0), fmt.Sprint(int64(math.MaxInt64))}},
	{"timestamptz", []string{"'2024-02-29 13:45:56.123456+02'", "'-infinity'"}, "INT64 Timestamp(isAdjustedToUTC=true, timeUnit=microseconds)",
		[]string{micros(2024, 2, 29, 11, 45, 56, 123456), fmt.Sprint(-int64(math.MaxInt64))}},
	{"interval", []string{"'1 year 2 mons 3 days 04:05:06.789'"}, "BYTE_ARRAY String", []string{"P1Y2M3DT4H5M6.789S"}},
	{"json", []string{`'{"b": [1, null]}'`}, "BYTE_ARRAY JSON", []string{`{"b": [1, null]}`}},
	{"jsonb", []string{`'{"b": 2, "a": 1}'`}, "BYTE_ARRAY JSON", []string{`{"a": 1, "b": 2}`}},
	{"integer[]", []string{"'{1,NULL,3}'", "'{}'"}, "LIST<INT32 Int(bitWidth=32, isSigned=true)>", []string{"[1,null,3]", "[]"}},
	{"text[]", []string{`'{a,"b c",NULL,"NULL","q\"uote"}'`}, "LIST<BYTE_ARRAY String>", []string{`["a","b c",null,"NULL","q\"uote"]`}},
	{"numeric(5,2)[]", []string{"'{1.5,-2}'"}, "LIST<FIXED_LEN_BYTE_ARRAY(3) Decimal(precision=5, scale=2)>", []string{`["1.5","-2"]`}},
	{"mood", []string{"'happy'"}, "BYTE_ARRAY String", []string{"happy"}},
	{"posint", []string{"7"}, "INT32 Int(bitWidth=32, isSigned=true)", []string{"7"}},
	{"price", []string{"12.5"}, "FIXED_LEN_BYTE_ARRAY(5) Decimal(precision=10, scale=2)", []string{"1250"}},
	{"inet", []string{"'192.168.1.5/24'"}, "BYTE_ARRAY String", []string{"192.168.1.5/24"}},
	{"cidr", []string{"'10.0.0.0/8'"}, "BYTE_ARRAY String", []string{"10.0.0.0/8"}},
	{"macaddr", []string{"'08:00:2b:01:02:03'"}, "BYTE_ARRAY String", []string{"08:00:2b:01:02:03"}},
	{"int4range", []string{"'[1,5)'", "'empty'"}, "BYTE_ARRAY String", []string{"[1,5)", "empty"}},
	{"pair", []string{`'(1,"x y")'`}, "BYTE_ARRAY String", []string{`(1,"x y")`}},
	{"money", []string{"12.34", "-92233720368547758.08", "92233720368547758.07"}, "FIXED_LEN_BYTE_ARRAY(9) Decimal(precision=19, scale=2)",
		[]string{"1234", "-9223372036854775808", "9223372036854775807"}},
	{"point", []string{"'(1.5,2)'"}, "BYTE_ARRAY String", []string{"(1.5,2)"}},
	{"int2vector", []string{"'1 2 3'"}, "BYTE_ARRAY String", []string{"1 2 3"}},
	{"box[]", []string{"'{(1,1),(0,0);(3,3),(2,2)}'"}, "LIST<BYTE_ARRAY String>", []string{`["(1,1),(0,0)","(3,3),(2,2)"]`}},
}

// TestTypesOneByOne exports a one-column table per type from a real
// PostgreSQL, through the snapshot reader and the Parquet writer, and reads
// the file back with arrow-go's Parquet reader. Each table also holds a NULL.
func TestTypesOneByOne(t *testing.T) {
	pg := testenv.PostgresT(t)
	ctx := context.Background()
	if err := pg.CreateDatabase(ctx, "types"); err != nil {
		t.Fatal(err)
	}
	setup := `CREATE TYPE mood AS ENUM ('sad', 'happy'); CREATE DOMAIN posint AS integer CHECK (VALUE > 0);
CREATE DOMAIN price AS numeric(10,2); CREATE TYPE pair AS (a int, b text);`
	for i, c := range typeCases {
		setup += fmt.Sprintf("CREATE TABLE t%02d (v %s);\nINSERT INTO t%02d VALUES (%s), (NULL);\n", i, c.pgType, i, strings.Join(c.values, "), ("))
	}
	if err := pg.Exec(ctx, "types", setup); err != nil {
		t.Fatal(err)
	}
	cc, err := snapshot.ConnConfig(pg.Host, pg.Port, pg.User, pg.Password, "types", "disable")
	if err != nil {
		t.Fatal(err)
	}
	snap, err := snapshot.Open(ctx, cc)
	if err != nil {
		t.Fatal(err)
	}
	defer snap.Close(ctx)
	tables, err := snap.Tables(ctx, snapshot.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]snapshot.Table{}
	for _, tb := range tables {
		byName[tb.Name] = tb
	}
	w, err := snap.Worker(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close(ctx)
	for i, c := range typeCases {
		t.Run(c.pgType, func(t *testing.T) {
			tb := byName[fmt.Sprintf("t%02d", i)]
			col := tb.Columns[0]
			pc := parquet.ColumnFor(col.Name, parquet.PGType{Name: col.Type.Name, Builtin: col.Type.Builtin,
				Typmod: col.Type.Typmod, Array: col.Type.Array, Delim: col.Type.Delim})
			desc, err := parquet.Describe([]parquet.Column{pc})
			if err != nil {
				t.Fatal(err)
			}
			if desc[0] != c.parquet {
				t.Errorf("Parquet type %q, want %q", desc[0], c.parquet)
			}
			var buf bufferSink
			pw, err := parquet.NewWriter([]parquet.Column{pc}, parquet.Options{RowGroupBytes: 1 << 20, FileBytes: 1 << 30, Codec: compress.Codecs.Zstd},
				func(int) (parquet.Sink, error) { return &buf, nil })
			if err != nil {
				t.Fatal(err)
			}
			if _, err := w.Copy(ctx, tb, pw.Append); err != nil {
				t.Fatal(err)
			}
			if _, err := pw.Close(); err != nil {
				t.Fatal(err)
			}
			got := readBack(t, buf.Bytes(), strings.Contains(c.parquet, "JSON"))
			want := append(append([]string{}, c.want...), "NULL")
			if strings.Join(got, "|") != strings.Join(want, "|") {
				t.Errorf("read back %q\nwant      %q", got, want)
			}
		})
	}
}

// checkSpark fails the test if Spark 3.5 or 4.x would refuse the file's
// footer with default settings: every file a test here reads back passes
// through it.
func checkSpark(t *testing.T, file []byte) {
	t.Helper()
	r, err := pqfile.NewParquetReader(bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if err := parquet.CheckSpark(r.MetaData()); err != nil {
		t.Errorf("Spark would not read this file as written: %v", err)
	}
}

type bufferSink struct{ bytes.Buffer }

func (b *bufferSink) Close() error  { return nil }
func (b *bufferSink) Abort(_ error) {}

func readBack(t *testing.T, file []byte, json bool) []string {
	t.Helper()
	tbl, err := pqarrow.ReadTable(context.Background(), bytes.NewReader(file), pq.NewReaderProperties(memory.DefaultAllocator),
		pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
	if err != nil {
		t.Fatal(err)
	}
	defer tbl.Release()
	checkSpark(t, file)
	var out []string
	for _, chunk := range tbl.Column(0).Data().Chunks() {
		for i := 0; i < chunk.Len(); i++ {
			out = append(out, cell(chunk, i, json))
		}
	}
	return out
}

func cell(a arrow.Array, i int, json bool) string {
	if a.IsNull(i) {
		return "NULL"
	}
	switch v := a.(type) {
	case *array.Timestamp:
		return fmt.Sprint(int64(v.Value(i)))
	case *array.Date32:
		return fmt.Sprint(int32(v.Value(i)))
	case *array.Time64:
		return fmt.Sprint(int64(v.Value(i)))
	case *array.Decimal128:
		return v.Value(i).BigInt().String()
	case *array.Binary:
		if json {
			return string(v.Value(i))
		}
		return hex.EncodeToString(v.Value(i))
	}
	return a.ValueStr(i)
}
