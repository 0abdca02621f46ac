package testenv

import (
	"context"
	"net/http"
	"strings"
	"testing"
)

func TestPostgresStartsWithPasswordAuth(t *testing.T) {
	pg := PostgresT(t)
	ctx := context.Background()
	got, err := pg.Query(ctx, "postgres", "show server_version_num")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(got, "15") {
		t.Fatalf("server_version_num = %q, want PostgreSQL 15", got)
	}
	wrong := *pg
	wrong.Password = "not-the-password"
	if _, err := wrong.Query(ctx, "postgres", "select 1"); err == nil {
		t.Fatal("a wrong password was accepted: TCP auth is not enforced")
	}
}

func TestMotoAnswers(t *testing.T) {
	m := MotoT(t)
	resp, err := http.Get(m.Endpoint + "/moto-api/data.json")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("moto status %d", resp.StatusCode)
	}
}
