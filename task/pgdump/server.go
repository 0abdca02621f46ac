package pgdump

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Server is what the preflight learns about the database.
type Server struct {
	VersionNum   int    // server_version_num, e.g. 150018
	Version      string // server_version, e.g. "15.18 (Debian 15.18-0+deb12u1)"
	DatabaseSize int64  // pg_database_size(current_database()) in bytes
}

// Major is the server's major version (15 for 150018).
func (s Server) Major() int { return s.VersionNum / 10000 }

// inspectArgs is psql's argv for Inspect. -w: never prompt for a password;
// with a terminal and no password psql would otherwise wait for ever.
var inspectArgs = []string{"-X", "-w", "-q", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1", "--dbname=" + Keepalives,
	"-c", "select current_setting('server_version_num'), current_setting('server_version'), pg_database_size(current_database())"}

// Inspect connects with psql and reads the server's version and the
// database's size. A failure here means the database cannot be reached.
func (t Tools) Inspect(ctx context.Context, env []string) (Server, error) {
	cmd, err := t.command(ctx, "psql", env, inspectArgs...)
	if err != nil {
		return Server{}, err
	}
	stderr := &tailBuffer{max: 4096}
	cmd.Stderr = stderr
	out, err := cmd.Output()
	if err != nil {
		return Server{}, exitError("connect to PostgreSQL", err, stderr.String())
	}
	f := strings.Split(strings.TrimSpace(string(out)), "\t")
	if len(f) != 3 {
		return Server{}, fmt.Errorf("connect to PostgreSQL: unexpected answer %q", out)
	}
	var s Server
	if s.VersionNum, err = strconv.Atoi(f[0]); err != nil {
		return Server{}, fmt.Errorf("parse server_version_num %q: %w", f[0], err)
	}
	s.Version = f[1]
	if s.DatabaseSize, err = strconv.ParseInt(f[2], 10, 64); err != nil {
		return Server{}, fmt.Errorf("parse database size %q: %w", f[2], err)
	}
	return s, nil
}

var versionRe = regexp.MustCompile(`\(PostgreSQL\) (\d+)(?:\.(\d+))?`)

// DumpVersion runs pg_dump --version and returns its major version and the
// version string.
func (t Tools) DumpVersion(ctx context.Context) (major int, version string, err error) {
	cmd, err := t.command(ctx, "pg_dump", nil, "--version")
	if err != nil {
		return 0, "", err
	}
	out, err := cmd.Output()
	if err != nil {
		return 0, "", fmt.Errorf("pg_dump --version: %w", err)
	}
	return parseDumpVersion(string(out))
}

func parseDumpVersion(out string) (int, string, error) {
	m := versionRe.FindStringSubmatch(out)
	if m == nil {
		return 0, "", fmt.Errorf("cannot read pg_dump version from %q", strings.TrimSpace(out))
	}
	major, _ := strconv.Atoi(m[1])
	return major, strings.TrimSpace(out), nil
}

// CheckCompatible fails when pg_dump is older than the server: pg_dump
// refuses such servers, and we would rather say so before the run starts.
func CheckCompatible(dumpMajor int, s Server) error {
	if dumpMajor < s.Major() {
		return fmt.Errorf("pg_dump %d is older than the server (PostgreSQL %d): use an image whose PostgreSQL client is %d or newer (build arg PG_MAJOR)", dumpMajor, s.Major(), s.Major())
	}
	return nil
}
