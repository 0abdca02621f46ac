package testenv

import (
	"context"
	"testing"
)

// PostgresT starts a PostgreSQL server for a test and stops it at cleanup.
// A missing server binary fails the test: it never skips.
func PostgresT(tb testing.TB) *Postgres {
	tb.Helper()
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
	m, err := StartMoto(context.Background())
	if err != nil {
		tb.Fatalf("start moto: %v", err)
	}
	tb.Cleanup(m.Stop)
	return m
}
