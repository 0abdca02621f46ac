package testenv

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// RepoRoot is the repository: the folder with go.mod at or above the
// working directory (a test runs in its package's folder).
func RepoRoot(tb testing.TB) string {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Fatal("no go.mod above the working directory")
		}
		dir = parent
	}
}

// PostgresT starts a PostgreSQL server for a test and stops it at cleanup.
// A missing server binary fails the test: it never skips.
func PostgresT(tb testing.TB) *Postgres {
	tb.Helper()
	SkipShort(tb, "PostgreSQL")
	p, err := StartPostgres(context.Background())
	if err != nil {
		tb.Fatalf("start PostgreSQL: %v", err)
	}
	tb.Cleanup(p.Stop)
	return p
}

// MotoT starts a moto server for a test and stops it at cleanup.
func MotoT(tb testing.TB) *Moto {
	tb.Helper()
	SkipShort(tb, "moto")
	m, err := StartMoto(context.Background())
	if err != nil {
		tb.Fatalf("start moto: %v", err)
	}
	tb.Cleanup(m.Stop)
	return m
}

// SkipShort skips a test that needs a tool beyond Go (PostgreSQL, moto,
// Terraform, podman) in the fast lane, `go test -short ./...` (make
// test-unit). Only there: without -short a missing tool is an error, never
// a skip, and `make test` runs everything.
func SkipShort(tb testing.TB, needs string) {
	tb.Helper()
	if testing.Short() {
		tb.Skipf("-short (make test-unit): needs %s; make test runs it", needs)
	}
}

// DefaultParallel sets how many parallel tests of a package run at once,
// unless the command line gave -parallel. Call it in TestMain after
// flag.Parse. For packages whose tests wait far more than they compute (on
// Terraform and its provider, moto, the provider's propagation waits,
// PostgreSQL): go test's default, GOMAXPROCS, would leave the cores idle
// while every slot waits.
func DefaultParallel(n int) {
	given := false
	flag.Visit(func(f *flag.Flag) { given = given || f.Name == "test.parallel" })
	if !given {
		_ = flag.Set("test.parallel", strconv.Itoa(n))
	}
}
