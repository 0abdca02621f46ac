package snapshot

import (
	"bytes"
	"fmt"
)

// rowParser splits COPY text output into rows and fields. PostgreSQL sends
// one row per CopyData message, but the parser does not rely on it.
type rowParser struct {
	ncols   int
	row     func([][]byte) error
	rows    int64
	partial []byte
	fields  [][]byte
	buf     []byte
}

func (p *rowParser) Write(b []byte) (int, error) {
	n := len(b)
	if len(p.partial) > 0 {
		p.partial = append(p.partial, b...)
		b, p.partial = p.partial, nil
	}
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			p.partial = append(p.partial[:0], b...)
			break
		}
		if err := p.line(b[:i]); err != nil {
			return 0, err
		}
		b = b[i+1:]
	}
	return n, nil
}

// line decodes one row: fields split on tabs, \N is NULL, backslash escapes
// undone. Escaped tabs and newlines never split, as COPY escapes them.
func (p *rowParser) line(l []byte) error {
	if p.ncols == 0 {
		// A table without columns: COPY sends an empty line per row.
		if len(l) != 0 {
			return fmt.Errorf("row %d has data, the table has no columns", p.rows+1)
		}
		p.rows++
		return p.row(nil)
	}
	p.fields = p.fields[:0]
	p.buf = p.buf[:0]
	// Field values point into buf; reserve room so appends never move it.
	if cap(p.buf) < len(l) {
		p.buf = make([]byte, 0, len(l)*2)
	}
	for start := 0; ; {
		end := bytes.IndexByte(l[start:], '\t')
		last := end < 0
		if last {
			end = len(l)
		} else {
			end += start
		}
		f := l[start:end]
		switch {
		case len(f) == 2 && f[0] == '\\' && f[1] == 'N':
			p.fields = append(p.fields, nil)
		case bytes.IndexByte(f, '\\') < 0:
			p.fields = append(p.fields, f[:len(f):len(f)])
		default:
			s := len(p.buf)
			p.buf = unescape(p.buf, f)
			p.fields = append(p.fields, p.buf[s:len(p.buf):len(p.buf)])
		}
		if last {
			break
		}
		start = end + 1
	}
	if len(p.fields) != p.ncols {
		return fmt.Errorf("row %d has %d fields, the table has %d columns", p.rows+1, len(p.fields), p.ncols)
	}
	p.rows++
	return p.row(p.fields)
}

// unescape appends f with COPY's backslash escapes undone.
func unescape(dst, f []byte) []byte {
	for i := 0; i < len(f); i++ {
		c := f[i]
		if c != '\\' || i+1 == len(f) {
			dst = append(dst, c)
			continue
		}
		i++
		switch c = f[i]; c {
		case 'b':
			dst = append(dst, '\b')
		case 'f':
			dst = append(dst, '\f')
		case 'n':
			dst = append(dst, '\n')
		case 'r':
			dst = append(dst, '\r')
		case 't':
			dst = append(dst, '\t')
		case 'v':
			dst = append(dst, '\v')
		case 'x':
			v, n := 0, 0
			for n < 2 && i+1 < len(f) && isHex(f[i+1]) {
				i++
				v = v*16 + hexVal(f[i])
				n++
			}
			if n == 0 {
				dst = append(dst, 'x')
			} else {
				dst = append(dst, byte(v))
			}
		case '0', '1', '2', '3', '4', '5', '6', '7':
			v := int(c - '0')
			for n := 1; n < 3 && i+1 < len(f) && f[i+1] >= '0' && f[i+1] <= '7'; n++ {
				i++
				v = v*8 + int(f[i]-'0')
			}
			dst = append(dst, byte(v))
		default:
			dst = append(dst, c)
		}
	}
	return dst
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func hexVal(c byte) int {
	switch {
	case c >= 'a':
		return int(c-'a') + 10
	case c >= 'A':
		return int(c-'A') + 10
	}
	return int(c - '0')
}
