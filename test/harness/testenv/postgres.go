package testenv

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/advana-export/terraform-aws-advana-export/planreview/emulator"
)

// DefaultPGBinDir is where Debian's postgresql-15 package puts the server.
const DefaultPGBinDir = "/usr/lib/postgresql/15/bin"

// Postgres is a running throwaway PostgreSQL server. The superuser is
// "postgres" with a random password; TCP connections need the password
// (scram-sha-256), so tests exercise real authentication.
type Postgres struct {
	BinDir   string
	Host     string
	Port     int
	User     string
	Password string
	// CACert is the PEM file of the CA that signed the server's certificate
	// (for sslmode=verify-full); empty unless started with StartPostgresTLS.
	CACert string

	dir      string
	caDir    string
	settings []string
	tls      *serverTLS
	cmd      *exec.Cmd
	done     chan error
}

// PGBinDir returns the PostgreSQL binary directory: $PG_BIN_DIR if set,
// else DefaultPGBinDir.
func PGBinDir() string {
	if d := os.Getenv("PG_BIN_DIR"); d != "" {
		return d
	}
	return DefaultPGBinDir
}

// StartPostgres initialises a cluster in a new temporary directory and starts
// it on a free loopback port. The server refuses to run as root, so when the
// caller is root the cluster belongs to the "postgres" user (or "nobody").
func StartPostgres(ctx context.Context) (*Postgres, error) {
	return startPostgres(ctx, false)
}

// StartPostgresWith is StartPostgres with server settings of the test's
// own ("max_locks_per_transaction=10"), each passed as -c after the
// defaults, so a setting here wins.
func StartPostgresWith(ctx context.Context, settings ...string) (*Postgres, error) {
	return startPostgres(ctx, false, settings...)
}

// StartPostgresTLS is StartPostgres with TLS on: the server presents a
// certificate for its loopback address, signed by a CA of its own whose
// certificate is at CACert, so clients can use sslmode=verify-full.
// Connections without TLS are still accepted.
func StartPostgresTLS(ctx context.Context) (*Postgres, error) {
	return startPostgres(ctx, true)
}

func startPostgres(ctx context.Context, withTLS bool, settings ...string) (*Postgres, error) {
	bin := PGBinDir()
	if _, err := os.Stat(filepath.Join(bin, "postgres")); err != nil {
		return nil, fmt.Errorf("PostgreSQL server not found in %s (set PG_BIN_DIR or install postgresql-15; .ci/run does): %w", bin, err)
	}
	cred, err := serverCredential()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "advana-pg-")
	if err != nil {
		return nil, fmt.Errorf("create postgres dir: %w", err)
	}
	p := &Postgres{BinDir: bin, Host: "127.0.0.1", User: "postgres", Password: randomHex(12), dir: dir, settings: settings}
	if withTLS {
		if p.tls, err = newServerTLS(p.Host); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
		if p.caDir, p.CACert, err = p.tls.writeCA(); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
	}
	if err := p.init(ctx, cred); err != nil {
		p.removeDirs()
		return nil, err
	}
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		if lastErr = p.start(ctx, cred); lastErr == nil {
			return p, nil
		}
	}
	p.removeDirs()
	return nil, lastErr
}

func (p *Postgres) removeDirs() {
	os.RemoveAll(p.dir)
	if p.caDir != "" {
		os.RemoveAll(p.caDir)
	}
}

func (p *Postgres) init(ctx context.Context, cred *syscall.Credential) error {
	pwfile := filepath.Join(p.dir, "pwfile")
	if err := os.WriteFile(pwfile, []byte(p.Password+"\n"), 0o600); err != nil {
		return fmt.Errorf("write pwfile: %w", err)
	}
	if p.tls != nil {
		if _, _, err := p.tls.writeServerFiles(p.dir); err != nil {
			return err
		}
	}
	if cred != nil {
		if err := chownTree(p.dir, int(cred.Uid), int(cred.Gid)); err != nil {
			return err
		}
	}
	cmd := exec.CommandContext(ctx, filepath.Join(p.BinDir, "initdb"),
		"-D", filepath.Join(p.dir, "data"), "-U", p.User, "--pwfile", pwfile,
		"--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--no-locale", "--no-sync")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGKILL}
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("initdb: %w: %s", err, out)
	}
	return nil
}

func (p *Postgres) start(ctx context.Context, cred *syscall.Credential) error {
	port, err := emulator.FreePort()
	if err != nil {
		return err
	}
	p.Port = port
	var logs bytes.Buffer
	// Durability settings are off: the cluster is thrown away after the run.
	p.cmd = exec.Command(filepath.Join(p.BinDir, "postgres"),
		"-D", filepath.Join(p.dir, "data"), "-p", strconv.Itoa(port),
		"-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="+p.dir,
		"-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
		"-c", "max_connections=50", "-c", "shared_buffers=128MB")
	if p.tls != nil {
		p.cmd.Args = append(p.cmd.Args, "-c", "ssl=on",
			"-c", "ssl_cert_file="+filepath.Join(p.dir, "server.crt"), "-c", "ssl_key_file="+filepath.Join(p.dir, "server.key"))
	}
	for _, kv := range p.settings {
		p.cmd.Args = append(p.cmd.Args, "-c", kv)
	}
	p.cmd.Stdout, p.cmd.Stderr = &logs, &logs
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGKILL}
	if err := p.cmd.Start(); err != nil {
		return fmt.Errorf("start postgres: %w", err)
	}
	p.done = make(chan error, 1)
	go func() { p.done <- p.cmd.Wait() }()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-p.done:
			return fmt.Errorf("postgres exited during start-up: %v: %s", err, logs.String())
		case <-ctx.Done():
			p.Stop()
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if _, err := p.Query(ctx, "postgres", "select 1"); err == nil {
			return nil
		}
	}
	p.Stop()
	return fmt.Errorf("postgres did not accept connections within 30s: %s", logs.String())
}

// PID is the postmaster's process id: the benchmark reads the CPU time of
// the backends it reaped from /proc.
func (p *Postgres) PID() int {
	if p.cmd == nil || p.cmd.Process == nil {
		return 0
	}
	return p.cmd.Process.Pid
}

// Env returns the libpq variables that connect to this server as the superuser.
func (p *Postgres) Env(database string) []string {
	return []string{
		"PGHOST=" + p.Host, "PGPORT=" + strconv.Itoa(p.Port), "PGUSER=" + p.User,
		"PGPASSWORD=" + p.Password, "PGDATABASE=" + database, "PGSSLMODE=disable",
	}
}

// Query runs sql with psql in database and returns its unaligned, tuples-only
// output with the trailing newline removed.
func (p *Postgres) Query(ctx context.Context, database, sql string) (string, error) {
	cmd := exec.CommandContext(ctx, filepath.Join(p.BinDir, "psql"), "-X", "-q", "-A", "-t",
		"-v", "ON_ERROR_STOP=1", "-c", sql)
	cmd.Env = append(os.Environ(), p.Env(database)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("psql %q: %w: %s", truncate(sql, 80), err, strings.TrimSpace(stderr.String()))
	}
	return strings.TrimRight(string(out), "\n"), nil
}

// Exec runs a SQL script (several statements) in database.
func (p *Postgres) Exec(ctx context.Context, database, script string) error {
	cmd := exec.CommandContext(ctx, filepath.Join(p.BinDir, "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", "-")
	cmd.Env = append(os.Environ(), p.Env(database)...)
	cmd.Stdin = strings.NewReader(script)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("psql script in %s: %w: %s", database, err, out)
	}
	return nil
}

// CreateDatabase creates an empty database.
func (p *Postgres) CreateDatabase(ctx context.Context, name string) error {
	_, err := p.Query(ctx, "postgres", fmt.Sprintf("create database %q", name))
	return err
}

// Stop shuts the server down (fast shutdown) and removes its directory.
func (p *Postgres) Stop() {
	if p.cmd != nil && p.cmd.Process != nil {
		_ = p.cmd.Process.Signal(syscall.SIGINT)
		select {
		case <-p.done:
		case <-time.After(15 * time.Second):
			_ = p.cmd.Process.Kill()
			<-p.done
		}
	}
	p.removeDirs()
}

// serverCredential picks the user the server runs as: nil (the caller) unless
// the caller is root, which PostgreSQL refuses.
func serverCredential() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	var errs []error
	for _, name := range []string{"postgres", "nobody"} {
		u, err := user.Lookup(name)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), NoSetGroups: false}, nil
	}
	return nil, fmt.Errorf("running as root and no unprivileged user (postgres, nobody) to run PostgreSQL as: %w", errors.Join(errs...))
}

func chownTree(dir string, uid, gid int) error {
	return filepath.Walk(dir, func(path string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		if err := os.Chown(path, uid, gid); err != nil {
			return fmt.Errorf("chown %s: %w", path, err)
		}
		return nil
	})
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
