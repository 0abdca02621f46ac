package config

import (
	"fmt"
	"strconv"
	"strings"
)

// Compression is how the archive is compressed: by pg_dump itself (gzip,
// levels 1-9) or by the task with zstd over an uncompressed pg_dump stream
// (levels 1-19; custom format only).
type Compression struct {
	Method string // "zstd", "gzip" or "none"
	Level  int
}

// DefaultCompression is zstd level 1. Measured here against pg_dump's own
// gzip: faster than -Z1 and about a quarter smaller; gzip -Z6, pg_dump's
// default, takes twice -Z1's time for 5% less.
var DefaultCompression = Compression{Method: "zstd", Level: 1}

// DirectoryDefaultCompression is the directory format's default: there
// pg_dump compresses each file itself.
var DirectoryDefaultCompression = Compression{Method: "gzip", Level: 1}

func (c Compression) String() string {
	if c.Method == "none" {
		return "none"
	}
	return fmt.Sprintf("%s:%d", c.Method, c.Level)
}

// PgDumpLevel is the -Z value for pg_dump: 0 unless pg_dump compresses.
func (c Compression) PgDumpLevel() int {
	if c.Method == "gzip" {
		return c.Level
	}
	return 0
}

// Zstd reports whether the task compresses the stream with zstd.
func (c Compression) Zstd() bool { return c.Method == "zstd" }

// ParseCompression accepts "none", "gzip", "gzip:N" (0-9), "zstd" and
// "zstd:N" (1-19).
func ParseCompression(s string) (Compression, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	method, levelText, hasLevel := strings.Cut(s, ":")
	switch method {
	case "none":
		if hasLevel {
			return Compression{}, fmt.Errorf("none takes no level")
		}
		return Compression{Method: "none"}, nil
	case "gzip", "zstd":
	default:
		return Compression{}, fmt.Errorf("unknown compression %q", s)
	}
	level, maxLevel := 1, 9
	if method == "zstd" {
		maxLevel = 19
	}
	if hasLevel {
		n, err := strconv.Atoi(levelText)
		if err != nil || n < 0 || n > maxLevel || (n == 0 && method == "zstd") {
			return Compression{}, fmt.Errorf("%s level must be %d-%d", method, map[string]int{"gzip": 0, "zstd": 1}[method], maxLevel)
		}
		level = n
	}
	if method == "gzip" && level == 0 {
		return Compression{Method: "none"}, nil
	}
	return Compression{Method: method, Level: level}, nil
}
