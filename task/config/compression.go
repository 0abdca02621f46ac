package config

import (
	"fmt"
	"strconv"
	"strings"
)

// Compression is how the archive is compressed: by pg_dump itself (gzip
// levels 0-9; 0 means none).
type Compression struct {
	Method string // "gzip" or "none"
	Level  int
}

// DefaultCompression is gzip level 1: measured here, pg_dump's default level
// (6) takes twice the time for about 5% less.
var DefaultCompression = Compression{Method: "gzip", Level: 1}

func (c Compression) String() string {
	if c.Method == "none" {
		return "none"
	}
	return fmt.Sprintf("%s:%d", c.Method, c.Level)
}

// PgDumpLevel is the -Z value for pg_dump.
func (c Compression) PgDumpLevel() int {
	if c.Method == "none" {
		return 0
	}
	return c.Level
}

// ParseCompression accepts "none", "gzip" (level 1) and "gzip:N" with N 0-9.
func ParseCompression(s string) (Compression, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	switch {
	case s == "none":
		return Compression{Method: "none"}, nil
	case s == "gzip":
		return DefaultCompression, nil
	case strings.HasPrefix(s, "gzip:"):
		n, err := strconv.Atoi(strings.TrimPrefix(s, "gzip:"))
		if err != nil || n < 0 || n > 9 {
			return Compression{}, fmt.Errorf("gzip level must be 0-9")
		}
		if n == 0 {
			return Compression{Method: "none"}, nil
		}
		return Compression{Method: "gzip", Level: n}, nil
	}
	return Compression{}, fmt.Errorf("unknown compression %q", s)
}
