package pgdump

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
)

// RestoreOptions say how pg_restore loads an archive.
type RestoreOptions struct {
	Archive   string // file (custom format) or folder (directory format)
	Directory bool
	Jobs      int
	// KeepOwners restores ownership and GRANT/REVOKE; it needs every role
	// of the source in the target. Off, the target user owns everything and
	// the source's privileges are dropped (docs/partner.md says what is lost).
	KeepOwners bool
	// Clean drops each object before creating it (IF EXISTS), so a restore
	// into the same database can run again.
	Clean bool
}

// Args is pg_restore's argv, without the connection.
func (o RestoreOptions) Args() []string {
	// --dbname names only keepalives: pg_restore needs the option, and the
	// connection itself comes from the environment (TargetEnv).
	args := []string{"--no-password", "--exit-on-error", "--jobs=" + strconv.Itoa(max(o.Jobs, 1)), "--dbname=" + Keepalives}
	if o.Directory {
		args = append(args, "--format=directory")
	} else {
		args = append(args, "--format=custom")
	}
	if !o.KeepOwners {
		args = append(args, "--no-owner", "--no-privileges")
	}
	if o.Clean {
		args = append(args, "--clean", "--if-exists")
	}
	return append(args, o.Archive)
}

// TargetEnv turns a postgres:// URL into libpq environment variables, so the
// password never appears in pg_restore's argv (visible in ps).
func TargetEnv(target string) ([]string, error) {
	u, err := url.Parse(target)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") || u.Host == "" {
		return nil, fmt.Errorf("the target must be a postgres://USER:PASSWORD@HOST:PORT/DATABASE URL")
	}
	env := []string{"PGHOST=" + u.Hostname(), "PGDATABASE=" + u.Path[min(1, len(u.Path)):], "PGAPPNAME=advana-export-restore"}
	if p := u.Port(); p != "" {
		env = append(env, "PGPORT="+p)
	}
	if u.User != nil {
		env = append(env, "PGUSER="+u.User.Username())
		if pw, ok := u.User.Password(); ok {
			env = append(env, "PGPASSWORD="+pw)
		}
	}
	if m := u.Query().Get("sslmode"); m != "" {
		env = append(env, "PGSSLMODE="+m)
	}
	return env, nil
}

// Restore runs pg_restore into the database env points at; a failure carries
// the end of pg_restore's stderr.
func (t Tools) Restore(ctx context.Context, env []string, o RestoreOptions) error {
	cmd, err := t.command(ctx, "pg_restore", env, o.Args()...)
	if err != nil {
		return err
	}
	stderr := &tailBuffer{max: 8192}
	cmd.Stderr = stderr
	if err := cmd.Run(); err != nil {
		return exitError("pg_restore", err, stderr.String())
	}
	return nil
}
