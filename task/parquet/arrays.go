package parquet

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow/array"
)

var errMultiDim = errors.New("a multi-dimensional array: LIST holds one dimension; exclude the table's data or store it as a one-dimensional array")

// listAppender parses an array's text form ({a,"b c",NULL}) into a LIST.
// A non-default lower bound ([0:2]={...}) is dropped: LIST indexes from 0.
func listAppender(c Column, lb *array.ListBuilder) appendFunc {
	vb := lb.ValueBuilder()
	elem := appender(c, vb)
	var buf []byte
	return func(v []byte) error {
		if len(v) > 0 && v[0] == '[' {
			i := bytes.Index(v, []byte("]={"))
			if i < 0 {
				return fmt.Errorf("%.40q is not an array", v)
			}
			v = v[i+2:]
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
