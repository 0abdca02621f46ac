package parquet

import (
	"errors"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow/array"
)

const (
	errMultiDim   = unrepresentable("a multi-dimensional array: LIST holds one dimension")
	errLowerBound = unrepresentable("an array whose lower bound is not 1 ([0:2]={...}): LIST has no bounds, they would be lost")
)

// listAppender parses an array's text form ({a,"b c",NULL}) into a LIST.
// Bounds other than the default ([0:2]={...}) and multi-dimensional arrays
// are unrepresentable: the column falls back to its text form.
func listAppender(c Column, lb *array.ListBuilder) appendFunc {
	vb := lb.ValueBuilder()
	elem := appender(c, vb)
	var buf []byte
	return func(v []byte) error {
		if len(v) > 0 && v[0] == '[' {
			// PostgreSQL prints bounds only when they are not the default.
			return errLowerBound
		}
		if len(v) < 2 || v[0] != '{' || v[len(v)-1] != '}' {
			return fmt.Errorf("%.40q is not an array", v)
		}
		lb.Append(true)
		body := v[1 : len(v)-1]
		if len(body) == 0 {
			return nil
		}
		if body[0] == '{' {
			return errMultiDim
		}
		for len(body) >= 0 {
			var quoted bool
			var err error
			buf, body, quoted, err = nextElement(buf[:0], body, c.Delim)
			if err != nil {
				return fmt.Errorf("%.40q: %w", v, err)
			}
			if !quoted && string(buf) == "NULL" {
				vb.AppendNull()
			} else if err := elem(buf); err != nil {
				return err
			}
			if len(body) == 0 {
				return nil
			}
			body = body[1:] // the delimiter
		}
		return nil
	}
}

// nextElement reads one element up to the next delimiter outside quotes,
// undoing quotes and backslashes.
func nextElement(dst, s []byte, delim byte) (out, rest []byte, quoted bool, err error) {
	inQuotes := false
	i := 0
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s):
			i++
			dst = append(dst, s[i])
		case c == '"':
			inQuotes = !inQuotes
			quoted = true
		case !inQuotes && c == delim:
			return dst, s[i:], quoted, nil
		case !inQuotes && c == '{':
			return nil, nil, false, errMultiDim
		default:
			dst = append(dst, c)
		}
	}
	if inQuotes {
		return nil, nil, false, errors.New("unterminated quote")
	}
	return dst, s[i:], quoted, nil
}
