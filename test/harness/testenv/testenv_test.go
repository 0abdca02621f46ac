package testenv

import (
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
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

// The TLS server is what sslmode=verify-full needs: a certificate for the
// address the client dials, signed by the CA the client is given, and a
// client given another CA is refused.
func TestPostgresTLSVerifiesFull(t *testing.T) {
	SkipShort(t, "PostgreSQL")
	ctx := context.Background()
	pg, err := StartPostgresTLS(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Stop()
	psql := func(rootCert string) (string, error) {
		cmd := exec.CommandContext(ctx, filepath.Join(pg.BinDir, "psql"), "-X", "-A", "-t", "-w", "-c", "select ssl from pg_stat_ssl where pid = pg_backend_pid()")
		cmd.Env = append(os.Environ(), pg.Env("postgres")...)
		cmd.Env = append(cmd.Env, "PGSSLMODE=verify-full", "PGSSLROOTCERT="+rootCert)
		out, err := cmd.CombinedOutput()
		return strings.TrimSpace(string(out)), err
	}
	if out, err := psql(pg.CACert); err != nil || out != "t" {
		t.Fatalf("verify-full with the server's CA: %q %v", out, err)
	}
	other, err := newServerTLS("127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	dir, otherCA, err := other.writeCA()
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	if out, err := psql(otherCA); err == nil {
		t.Fatalf("verify-full accepted a certificate from another CA: %q", out)
	}
}
