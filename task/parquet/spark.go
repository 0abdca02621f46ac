package parquet

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/metadata"
	"github.com/apache/arrow-go/v18/parquet/schema"
)

// What Apache Spark's Parquet reader accepts with default settings, taken
// from its source (Spark cannot run here, so its rules are encoded):
//
//   - the type mapping: ParquetToSparkSchemaConverter.convertPrimitiveField
//     in sql/core/src/main/scala/org/apache/spark/sql/execution/datasources/
//     parquet/ParquetSchemaConverter.scala (apache/spark master, commit
//     0173cf7b, read for this table). Every pair below maps there to a Spark
//     type; FIXED_LEN_BYTE_ARRAY with UUID falls through to illegalType() in
//     every release (apache/spark issue 55684 reports it on 4.0.2; PR 57003,
//     which would have mapped it, was closed unmerged). INT64 with TIME maps
//     to TimeType only from Spark 4.1, where that case and TimeType were
//     added; 3.5 and 4.0 reject it, so it is not in the table.
//   - the calendar: DataSourceUtils.getRebaseSpec in sql/core/src/main/
//     scala/org/apache/spark/sql/execution/datasources/DataSourceUtils.scala
//     (master, commit 00b9bd23). A file whose footer has no
//     "org.apache.spark.version" key is read with
//     spark.sql.parquet.datetimeRebaseModeInRead, EXCEPTION by default in
//     Spark 3.x (SQLConf.PARQUET_REBASE_MODE_IN_READ): a DATE before
//     1582-10-15 (RebaseDateTime.lastSwitchJulianDay) or a TIMESTAMP before
//     1900-01-01 (lastSwitchJulianTs), which includes -infinity, then raises
//     SparkUpgradeException. With the key at "3.0.0" or later (a string
//     comparison) and no "org.apache.spark.legacyDateTime" key, the file is
//     CORRECTED: values are read as written, proleptic Gregorian, which is
//     what PostgreSQL and this writer use. The key decides before the
//     setting does, so the same holds for any Spark 4.x default.
//   - INT96 is never written: its rebase follows int96RebaseModeInRead, and
//     it has no logical type to say what it holds.
var sparkPairs = map[string]string{
	"BOOLEAN":                       "BooleanType",
	"INT32":                         "IntegerType",
	"INT32 Int(8,signed)":           "ByteType",
	"INT32 Int(16,signed)":          "ShortType",
	"INT32 Int(32,signed)":          "IntegerType",
	"INT32 Date":                    "DateType",
	"INT32 Decimal":                 "DecimalType (precision <= 9)",
	"INT64":                         "LongType",
	"INT64 Int(64,signed)":          "LongType",
	"INT64 Decimal":                 "DecimalType (precision <= 18)",
	"INT64 Timestamp(MICROS,utc)":   "TimestampType",
	"INT64 Timestamp(MICROS,local)": "TimestampNTZType (spark.sql.parquet.inferTimestampNTZ.enabled, default true)",
	"FLOAT":                         "FloatType",
	"DOUBLE":                        "DoubleType",
	"BYTE_ARRAY":                    "BinaryType",
	"BYTE_ARRAY String":             "StringType",
	"BYTE_ARRAY JSON":               "StringType",
	"BYTE_ARRAY Enum":               "StringType",
	"BYTE_ARRAY Decimal":            "DecimalType",
	"FIXED_LEN_BYTE_ARRAY":          "BinaryType",
	"FIXED_LEN_BYTE_ARRAY Decimal":  "DecimalType (precision <= Decimal.maxPrecisionForBytes(length))",
	"LIST":                          "ArrayType (3-level: repeated group list > element)",
}

// Spark's rebase metadata keys (org.apache.spark.sql package object).
const sparkLegacyDateTimeKey = "org.apache.spark.legacyDateTime"

// SparkPair names a primitive column's (physical, logical) pair as the
// sparkPairs table does.
func SparkPair(n *schema.PrimitiveNode) string {
	phys := n.PhysicalType().String()
	switch lt := n.LogicalType().(type) {
	case nil, schema.NoLogicalType:
		return phys
	case schema.IntLogicalType:
		return fmt.Sprintf("%s Int(%d,%s)", phys, lt.BitWidth(), signedness(lt.IsSigned()))
	case schema.TimestampLogicalType:
		return fmt.Sprintf("%s Timestamp(%s,%s)", phys, unitName(lt.TimeUnit()), utcName(lt.IsAdjustedToUTC()))
	case schema.TimeLogicalType:
		return fmt.Sprintf("%s Time(%s,%s)", phys, unitName(lt.TimeUnit()), utcName(lt.IsAdjustedToUTC()))
	default:
		name := strings.TrimSuffix(strings.TrimPrefix(fmt.Sprintf("%T", lt), "*schema."), "LogicalType")
		name = strings.TrimPrefix(name, "schema.")
		return phys + " " + name
	}
}

// CheckSpark returns an error naming every column of a file's footer that
// Spark 3.5 or 4.x would refuse, or read differently from what was
// written, with default settings.
func CheckSpark(md *metadata.FileMetaData) error {
	var errs []error
	root := md.Schema.Root()
	if root.NumFields() == 0 {
		errs = append(errs, errors.New("the schema has no columns: Spark and Delta need at least one"))
	}
	for i := 0; i < root.NumFields(); i++ {
		errs = append(errs, checkSparkNode(root.Field(i), root.Field(i).Name()))
	}
	if needsCalendar(root) {
		kv := md.KeyValueMetadata()
		v := kv.FindValue(SparkVersionKey)
		switch {
		case v == nil:
			errs = append(errs, fmt.Errorf("dates or timestamps without the %q footer key: Spark 3.x raises on a date before 1582-10-15 or a timestamp before 1900", SparkVersionKey))
		case *v < "3.0.0":
			errs = append(errs, fmt.Errorf("footer key %s=%q: Spark rebases the values as Julian-calendar ones", SparkVersionKey, *v))
		}
		if kv.FindValue(sparkLegacyDateTimeKey) != nil {
			errs = append(errs, fmt.Errorf("footer key %s: Spark rebases the values as Julian-calendar ones", sparkLegacyDateTimeKey))
		}
	}
	return errors.Join(errs...)
}

func checkSparkNode(n schema.Node, path string) error {
	if g, ok := n.(*schema.GroupNode); ok {
		// Only the standard 3-level LIST: group (LIST) { repeated group list { element } }.
		if _, isList := g.LogicalType().(schema.ListLogicalType); !isList || g.NumFields() != 1 {
			return fmt.Errorf("column %q: a group other than a 3-level LIST", path)
		}
		rep, ok := g.Field(0).(*schema.GroupNode)
		if !ok || rep.RepetitionType() != parquet.Repetitions.Repeated || rep.NumFields() != 1 {
			return fmt.Errorf("column %q: a LIST that is not 3-level", path)
		}
		return checkSparkNode(rep.Field(0), path+".element")
	}
	p := n.(*schema.PrimitiveNode)
	pair := SparkPair(p)
	if _, ok := sparkPairs[pair]; !ok {
		return fmt.Errorf("column %q: %s is not a pair Spark 3.5 and 4.x read with default settings", path, pair)
	}
	if dec, ok := p.LogicalType().(schema.DecimalLogicalType); ok {
		limit := int32(-1)
		switch p.PhysicalType() {
		case parquet.Types.Int32:
			limit = 9
		case parquet.Types.Int64:
			limit = 18
		case parquet.Types.FixedLenByteArray:
			limit = maxPrecisionForBytes(p.TypeLength())
		}
		if limit >= 0 && (dec.Precision() < 1 || dec.Precision() > limit) {
			return fmt.Errorf("column %q: %s with precision %d (Spark allows at most %d)", path, pair, dec.Precision(), limit)
		}
	}
	return nil
}

// maxPrecisionForBytes is Spark's Decimal.maxPrecisionForBytes:
// floor(log10(2^(8n-1) - 1)), the most decimal digits a signed n-byte
// integer always holds.
func maxPrecisionForBytes(n int) int32 {
	return int32(math.Floor(math.Log10(math.Pow(2, float64(8*n-1)) - 1)))
}

// needsCalendar: the file holds a DATE or TIMESTAMP somewhere.
func needsCalendar(n schema.Node) bool {
	if g, ok := n.(*schema.GroupNode); ok {
		for i := 0; i < g.NumFields(); i++ {
			if needsCalendar(g.Field(i)) {
				return true
			}
		}
		return false
	}
	switch n.LogicalType().(type) {
	case schema.DateLogicalType, schema.TimestampLogicalType:
		return true
	}
	return false
}

func signedness(s bool) string {
	if s {
		return "signed"
	}
	return "unsigned"
}

func utcName(utc bool) string {
	if utc {
		return "utc"
	}
	return "local"
}

func unitName(u schema.TimeUnitType) string {
	switch u {
	case schema.TimeUnitMillis:
		return "MILLIS"
	case schema.TimeUnitMicros:
		return "MICROS"
	case schema.TimeUnitNanos:
		return "NANOS"
	}
	return "UNKNOWN"
}
