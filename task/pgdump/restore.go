package pgdump

import (
	"context"
	"fmt"
	"net/url"
	"os"
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
	// Clean drops each object of the archive (IF EXISTS) before creating
	// it, so a restore into the same database can run again. Restore
	// reorders the drops (CleanOrder) so that partitioned tables' keys and
	// indexes drop, which pg_restore's own order does not.
	Clean bool
	// SingleTransaction restores in one transaction: a restore that fails,
	// or is killed, leaves the target exactly as it was. pg_restore allows
	// it on one connection only, so it excludes Jobs > 1.
	SingleTransaction bool
	// UseList is a pg_restore --list file that orders the restore (and, in
	// reverse, the drops of Clean); Restore writes one when Clean is set.
	UseList string
}

// Args is pg_restore's argv, without the connection.
func (o RestoreOptions) Args() []string {
	// --dbname names only keepalives: pg_restore needs the option, and the
	// connection itself comes from the environment (TargetEnv).
	args := []string{"--no-password", "--exit-on-error", "--dbname=" + Keepalives}
	if o.SingleTransaction {
		args = append(args, "--single-transaction")
	} else {
		args = append(args, "--jobs="+strconv.Itoa(max(o.Jobs, 1)))
	}
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
	if o.UseList != "" {
		args = append(args, "--use-list="+o.UseList)
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
// the end of pg_restore's stderr. With Clean and no UseList, it first writes
// the archive's table of contents in CleanOrder next to the archive.
func (t Tools) Restore(ctx context.Context, env []string, o RestoreOptions) error {
	if o.Clean && o.UseList == "" {
		list, err := t.list(ctx, o.Archive, o.Directory)
		if err != nil {
			return err
		}
		o.UseList = o.Archive + ".restore-list"
		if err := os.WriteFile(o.UseList, []byte(CleanOrder(list)), 0o600); err != nil {
			return fmt.Errorf("write the restore order: %w", err)
		}
		defer os.Remove(o.UseList)
	}
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
