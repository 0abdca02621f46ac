package parquet

import (
	"encoding/hex"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
)

// appendFunc appends one non-NULL value, given in PostgreSQL's text form.
type appendFunc func(v []byte) error

// Infinite dates and timestamps are stored as the type's largest and
// smallest values, the convention DuckDB reads back as ±infinity.
const (
	dateInfinity = math.MaxInt32
	tsInfinity   = math.MaxInt64
)

// appender returns the function that parses c's text values into b.
func appender(c Column, b array.Builder) appendFunc {
	switch c.Kind {
	case KindInt16:
		bb := b.(*array.Int16Builder)
		return func(v []byte) error {
			n, err := strconv.ParseInt(string(v), 10, 16)
			bb.Append(int16(n))
			return err
		}
	case KindInt32:
		bb := b.(*array.Int32Builder)
		return func(v []byte) error {
			n, err := strconv.ParseInt(string(v), 10, 32)
			bb.Append(int32(n))
			return err
		}
	case KindInt64:
		bb := b.(*array.Int64Builder)
		return func(v []byte) error {
			n, err := strconv.ParseInt(string(v), 10, 64)
			bb.Append(n)
			return err
		}
	case KindFloat32:
		bb := b.(*array.Float32Builder)
		return func(v []byte) error {
			f, err := strconv.ParseFloat(string(v), 32)
			bb.Append(float32(f))
			return err
		}
	case KindFloat64:
		bb := b.(*array.Float64Builder)
		return func(v []byte) error {
			f, err := strconv.ParseFloat(string(v), 64)
			bb.Append(f)
			return err
		}
	case KindBool:
		bb := b.(*array.BooleanBuilder)
		return func(v []byte) error {
			if len(v) != 1 || (v[0] != 't' && v[0] != 'f') {
				bb.Append(false)
				return fmt.Errorf("%q is not a boolean", v)
			}
			bb.Append(v[0] == 't')
			return nil
		}
	case KindBytes:
		bb := b.(*array.BinaryBuilder)
		var buf []byte
		return func(v []byte) error {
			if len(v) < 2 || v[0] != '\\' || v[1] != 'x' {
				bb.Append(nil)
				return fmt.Errorf("bytea %.20q is not in hex form", v)
			}
			buf = append(buf[:0], make([]byte, hex.DecodedLen(len(v)-2))...)
			_, err := hex.Decode(buf, v[2:])
			bb.Append(buf)
			return err
		}
	case KindDate:
		bb := b.(*array.Date32Builder)
		return func(v []byte) error {
			d, err := parseDate(v)
			bb.Append(arrow.Date32(d))
			return err
		}
	case KindTimestamp, KindTimestampTZ:
		bb := b.(*array.TimestampBuilder)
		return func(v []byte) error {
			ts, err := parseTimestamp(v)
			bb.Append(arrow.Timestamp(ts))
			return err
		}
	case KindDecimal:
		bb := b.(*array.Decimal128Builder)
		return func(v []byte) error {
			n, err := parseDecimal(v, c.Scale)
			bb.Append(n)
			return err
		}
	case KindJSON:
		bb := b.(*array.ExtensionBuilder).StorageBuilder().(*array.StringBuilder)
		return func(v []byte) error {
			bb.BinaryBuilder.Append(v)
			return nil
		}
	case KindRaw:
		bb := b.(*array.BinaryBuilder)
		return func(v []byte) error {
			bb.Append(v)
			return nil
		}
	}
	bb := b.(*array.StringBuilder)
	return func(v []byte) error {
		bb.BinaryBuilder.Append(v)
		return nil
	}
}

// utf8Only wraps a STRING column's appender to refuse text that is not
// UTF-8: a STRING must hold UTF-8 (DuckDB rejects the file, Spark reads
// garbage). An array is checked whole, before it is parsed.
func utf8Only(next appendFunc) appendFunc {
	return func(v []byte) error {
		if !utf8.Valid(v) {
			return errNotUTF8
		}
		return next(v)
	}
}

// unrepresentable is a value the column's Parquet type cannot hold without
// changing it; the writer reports it as an UnrepresentableError.
type unrepresentable string

func (u unrepresentable) Error() string { return string(u) }

const (
	errNotUTF8       = unrepresentable("text that is not UTF-8 (the database's encoding is SQL_ASCII, which stores bytes unchecked): a Parquet STRING must be UTF-8, so the column is written as BYTE_ARRAY, each value's bytes as stored")
	errDecimalNaN    = unrepresentable("NaN in a numeric(p,s) column: Parquet DECIMAL has no NaN")
	errTimestampSpan = unrepresentable("a timestamp past 294247 AD: int64 microseconds end there (PostgreSQL goes to 294276 AD)")
)

// parseDecimal reads numeric(p,s)'s text form, which always has exactly
// scale digits after the point.
func parseDecimal(v []byte, scale int32) (decimal128.Num, error) {
	if string(v) == "NaN" {
		return decimal128.Num{}, errDecimalNaN
	}
	digits := make([]byte, 0, len(v))
	frac := int32(-1)
	for i, c := range v {
		switch {
		case c == '-' && i == 0:
			digits = append(digits, c)
		case c == '.' && frac < 0:
			frac = 0
		case c >= '0' && c <= '9':
			digits = append(digits, c)
			if frac >= 0 {
				frac++
			}
		default:
			return decimal128.Num{}, fmt.Errorf("%q is not a decimal", v)
		}
	}
	frac = max(frac, 0)
	for ; frac < scale; frac++ {
		digits = append(digits, '0')
	}
	if frac != scale {
		return decimal128.Num{}, fmt.Errorf("%q has more than %d decimal places", v, scale)
	}
	if len(digits) <= 18 {
		n, err := strconv.ParseInt(string(digits), 10, 64)
		return decimal128.FromI64(n), err
	}
	var b big.Int
	if _, ok := b.SetString(string(digits), 10); !ok {
		return decimal128.Num{}, fmt.Errorf("%q is not a decimal", v)
	}
	return decimal128.FromBigInt(&b), nil
}

// parseDate reads YYYY-MM-DD[ BC], infinity and -infinity (DateStyle ISO)
// as days since 1970-01-01, proleptic Gregorian.
func parseDate(v []byte) (int32, error) {
	switch string(v) {
	case "infinity":
		return dateInfinity, nil
	case "-infinity":
		return -dateInfinity, nil
	}
	days, rest, err := parseYMD(v)
	if err != nil {
		return 0, err
	}
	if len(rest) > 0 {
		return 0, fmt.Errorf("%q is not a date", v)
	}
	return int32(days), nil
}

// parseTimestamp reads YYYY-MM-DD HH:MM:SS[.ffffff][±HH[:MM[:SS]]][ BC] as
// microseconds since 1970-01-01 00:00 (UTC when an offset is given).
func parseTimestamp(v []byte) (int64, error) {
	switch string(v) {
	case "infinity":
		return tsInfinity, nil
	case "-infinity":
		return -tsInfinity, nil
	}
	days, rest, err := parseYMD(v)
	if err != nil || len(rest) == 0 || rest[0] != ' ' {
		return 0, fmt.Errorf("%q is not a timestamp", v)
	}
	us, rest, err := parseClock(rest[1:])
	if err != nil {
		return 0, fmt.Errorf("%q is not a timestamp", v)
	}
	if len(rest) > 0 && (rest[0] == '+' || rest[0] == '-') {
		sign := int64(1)
		if rest[0] == '-' {
			sign = -1
		}
		rest = rest[1:]
		var off int64
		for unit := int64(3600); unit >= 1 && len(rest) >= 2 && isDigit(rest[0]) && isDigit(rest[1]); unit /= 60 {
			off += int64(rest[0]-'0')*10*unit + int64(rest[1]-'0')*unit
			rest = rest[2:]
			if len(rest) > 0 && rest[0] == ':' {
				rest = rest[1:]
			}
		}
		us -= sign * off * 1e6
	}
	if len(rest) > 0 {
		return 0, fmt.Errorf("%q is not a timestamp", v)
	}
	// int64 microseconds hold ±106,751,991 days (294247 AD); PostgreSQL
	// goes further. A value that would wrap, or land on the infinity
	// sentinels, cannot be written as a TIMESTAMP.
	if days > maxTimestampDays || days < -maxTimestampDays {
		return 0, errTimestampSpan
	}
	base := days * 86400e6
	ts := base + us
	if (us > 0 && ts < base) || (us < 0 && ts > base) || ts == tsInfinity || ts <= -tsInfinity {
		return 0, errTimestampSpan
	}
	return ts, nil
}

// maxTimestampDays is the most days whose midnight fits int64 microseconds.
const maxTimestampDays = math.MaxInt64 / 86_400_000_000

// parseYMD reads YYYY-MM-DD (four or more year digits); a " BC" suffix
// (which ends the value) makes the year N astronomical year 1-N, and is
// removed from rest.
func parseYMD(v []byte) (days int64, rest []byte, err error) {
	bc := len(v) > 3 && string(v[len(v)-3:]) == " BC"
	if bc {
		v = v[:len(v)-3]
	}
	i := 0
	var y int64
	for i < len(v) && isDigit(v[i]) {
		y = y*10 + int64(v[i]-'0')
		i++
	}
	if i < 4 || len(v) < i+6 || v[i] != '-' || v[i+3] != '-' || !isDigit(v[i+1]) || !isDigit(v[i+2]) || !isDigit(v[i+4]) || !isDigit(v[i+5]) {
		return 0, nil, fmt.Errorf("%q is not a date", v)
	}
	m := int64(v[i+1]-'0')*10 + int64(v[i+2]-'0')
	d := int64(v[i+4]-'0')*10 + int64(v[i+5]-'0')
	if bc {
		y = 1 - y
	}
	return daysFromCivil(y, m, d), v[i+6:], nil
}

// parseClock reads HH:MM:SS[.ffffff] as microseconds.
func parseClock(v []byte) (int64, []byte, error) {
	if len(v) < 8 || v[2] != ':' || v[5] != ':' {
		return 0, nil, fmt.Errorf("%q is not a time", v)
	}
	var n [3]int64
	for k := 0; k < 3; k++ {
		a, b := v[k*3], v[k*3+1]
		if !isDigit(a) || !isDigit(b) {
			return 0, nil, fmt.Errorf("%q is not a time", v)
		}
		n[k] = int64(a-'0')*10 + int64(b-'0')
	}
	us := (n[0]*3600 + n[1]*60 + n[2]) * 1e6
	rest := v[8:]
	if len(rest) > 0 && rest[0] == '.' {
		rest = rest[1:]
		scale := int64(100000)
		for len(rest) > 0 && isDigit(rest[0]) {
			us += int64(rest[0]-'0') * scale
			scale /= 10
			rest = rest[1:]
		}
	}
	return us, rest, nil
}

// daysFromCivil is days since 1970-01-01 of a proleptic Gregorian date
// (Howard Hinnant's algorithm).
func daysFromCivil(y, m, d int64) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era = (y - 399) / 400
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
