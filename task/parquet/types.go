// Package parquet turns rows in PostgreSQL's text form into Parquet files:
// a documented type mapping (docs/warehouse.md), row groups of bounded size,
// and a new file whenever one passes a size, each written to a Sink (an S3
// upload). It knows nothing of pgx or S3.
//
// Written with apache/arrow-go: its Arrow builders give typed columns,
// LIST, DECIMAL and the JSON logical type. Every (physical, logical) pair
// it writes is one Spark 3.5 and 4.x read with default settings (spark.go
// holds the pairs, derived from Spark's source, and the check).
package parquet

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/extensions"
)

// Kind is how a column's values are stored.
type Kind int

// Kinds, one per Parquet mapping in docs/warehouse.md.
const (
	KindText Kind = iota // STRING: the value's PostgreSQL text form
	KindInt16
	KindInt32
	KindInt64
	KindFloat32
	KindFloat64
	KindBool
	KindBytes
	KindUUID // STRING like KindText, written without a dictionary (the values are distinct)
	KindDate
	KindTimestamp
	KindTimestampTZ
	KindDecimal
	KindJSON
	// KindRaw is BYTE_ARRAY without a logical type: the value's bytes as the
	// database sent them, for a text column holding bytes that are not
	// UTF-8 (a SQL_ASCII database), which a STRING column must not hold.
	KindRaw
)

// Column is one Parquet column.
type Column struct {
	Name      string
	Kind      Kind
	Precision int32 // KindDecimal
	Scale     int32 // KindDecimal
	List      bool  // a PostgreSQL array: LIST of Kind, elements nullable
	Delim     byte  // the array's element delimiter
	NotNull   bool
	// TextFallback, when set, says why the column is written as its
	// PostgreSQL text form this run instead of its mapped type: a value
	// the mapped type cannot hold (UnrepresentableError).
	TextFallback string
}

// AsText is c written as its text form (STRING), for the reason given.
func (c Column) AsText(reason string) Column {
	return Column{Name: c.Name, Kind: KindText, NotNull: c.NotNull, Delim: c.Delim, TextFallback: reason}
}

// AsRaw is c written as the bytes of its text form (BYTE_ARRAY, no logical
// type), for the reason given; an array column too, whole.
func (c Column) AsRaw(reason string) Column {
	return Column{Name: c.Name, Kind: KindRaw, NotNull: c.NotNull, Delim: c.Delim, TextFallback: reason}
}

// Fallback is the column that holds the value u could not be written as:
// its text form for a value its type cannot hold, the raw bytes for text
// that is not UTF-8. ok is false when c already is that column, so the
// value cannot be written at all.
func (c Column) Fallback(u *UnrepresentableError) (next Column, ok bool) {
	if u.NotUTF8 {
		if c.Kind == KindRaw {
			return c, false
		}
		return c.AsRaw(u.Reason), true
	}
	if c.TextFallback != "" {
		return c, false
	}
	return c.AsText(u.Reason), true
}

// PGType describes a PostgreSQL column's base type (domains resolved).
type PGType struct {
	Name    string // pg_type.typname, e.g. int4, numeric, timestamptz
	Builtin bool   // from pg_catalog; user types (enums, composites, ranges) are text
	Typmod  int32
	Array   bool
	Delim   byte
	NotNull bool
}

// builtins maps pg_catalog base types to their kind; every other type
// (interval, inet, ranges, enums, composites, geometric...) is its text form.
// uuid is its 36-character text, as RDS snapshot export writes it: Spark
// 3.5 and 4.0 reject FIXED_LEN_BYTE_ARRAY(16) with the UUID logical type
// (apache/spark issue 55684). time is its text (HH:MM:SS[.ffffff]): Spark
// before 4.1 rejects INT64 with the TIME logical type (spark.go).
var builtins = map[string]Kind{
	"int2": KindInt16, "int4": KindInt32, "int8": KindInt64,
	"float4": KindFloat32, "float8": KindFloat64, "bool": KindBool,
	"text": KindText, "varchar": KindText, "bpchar": KindText, "name": KindText, "char": KindText,
	"bytea": KindBytes, "uuid": KindUUID, "time": KindText, "date": KindDate,
	"timestamp": KindTimestamp, "timestamptz": KindTimestampTZ,
	"json": KindJSON, "jsonb": KindJSON, "numeric": KindDecimal,
}

// MaxDecimalPrecision is the largest precision stored as DECIMAL (a
// 16-byte value); wider or unconstrained numerics are kept as text, never
// as a lossy float.
const MaxDecimalPrecision = 38

// ColumnFor maps a PostgreSQL column to its Parquet column.
func ColumnFor(name string, t PGType) Column {
	c := Column{Name: name, List: t.Array, Delim: t.Delim, NotNull: t.NotNull, Kind: KindText}
	if c.Delim == 0 {
		c.Delim = ','
	}
	k, ok := builtins[t.Name]
	if !ok || !t.Builtin {
		return c
	}
	if k == KindDecimal {
		p, s, ok := numericTypmod(t.Typmod)
		if !ok || p > MaxDecimalPrecision || s < 0 || s > p {
			return c
		}
		c.Precision, c.Scale = p, s
	}
	c.Kind = k
	return c
}

// numericTypmod decodes numeric(p,s) from its typmod (PostgreSQL 15 allows
// negative scales).
func numericTypmod(typmod int32) (precision, scale int32, ok bool) {
	if typmod < 4 {
		return 0, 0, false
	}
	v := typmod - 4
	return (v >> 16) & 0xffff, ((v & 0x7ff) ^ 1024) - 1024, true
}

func (c Column) elemType() arrow.DataType {
	switch c.Kind {
	case KindInt16:
		return arrow.PrimitiveTypes.Int16
	case KindInt32:
		return arrow.PrimitiveTypes.Int32
	case KindInt64:
		return arrow.PrimitiveTypes.Int64
	case KindFloat32:
		return arrow.PrimitiveTypes.Float32
	case KindFloat64:
		return arrow.PrimitiveTypes.Float64
	case KindBool:
		return arrow.FixedWidthTypes.Boolean
	case KindBytes, KindRaw:
		return arrow.BinaryTypes.Binary
	case KindDate:
		return arrow.FixedWidthTypes.Date32
	case KindTimestamp:
		return &arrow.TimestampType{Unit: arrow.Microsecond}
	case KindTimestampTZ:
		// A time zone makes the Parquet type isAdjustedToUTC=true.
		return &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}
	case KindDecimal:
		return &arrow.Decimal128Type{Precision: c.Precision, Scale: c.Scale}
	case KindJSON:
		t, _ := extensions.NewJSONType(arrow.BinaryTypes.String)
		return t
	}
	return arrow.BinaryTypes.String
}

func (c Column) field() arrow.Field {
	t := c.elemType()
	if c.List {
		t = arrow.ListOfField(arrow.Field{Name: "element", Type: t, Nullable: true})
	}
	return arrow.Field{Name: c.Name, Type: t, Nullable: !c.NotNull}
}
