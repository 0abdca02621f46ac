// Package pgdump runs the PostgreSQL client programs the export needs —
// psql for the preflight queries, pg_dump, pg_restore --list — as child
// processes with argv built without a shell, the connection (and password)
// only in the environment, and context cancellation that stops them.
package pgdump

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// Tools locates the client programs: in BinDir if set, else on PATH.
type Tools struct {
	BinDir string
}

// Path returns the program to run for name ("pg_dump", "pg_restore", "psql").
func (t Tools) Path(name string) (string, error) {
	if t.BinDir != "" {
		p := filepath.Join(t.BinDir, name)
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("%s not found in %s: %w", name, t.BinDir, err)
		}
		return p, nil
	}
	p, err := exec.LookPath(name)
	if err != nil {
		return "", fmt.Errorf("%s not found on PATH (install the PostgreSQL client or set ADVANA_EXPORT_PG_BIN_DIR): %w", name, err)
	}
	return p, nil
}

// stopGrace is how long a child gets after SIGTERM before it is killed.
const stopGrace = 3 * time.Second

// command builds a child process that gets SIGTERM when ctx ends and
// SIGKILL stopGrace later; env is added to this process's environment.
func (t Tools) command(ctx context.Context, name string, env []string, args ...string) (*exec.Cmd, error) {
	path, err := t.Path(name)
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = stopGrace
	return cmd, nil
}

// tailBuffer keeps the last max bytes written to it: enough of a child's
// stderr for an error message, bounded whatever the child prints.
type tailBuffer struct {
	buf bytes.Buffer
	max int
}

func (b *tailBuffer) Write(p []byte) (int, error) {
	b.buf.Write(p)
	if over := b.buf.Len() - b.max; over > 0 {
		b.buf.Next(over)
	}
	return len(p), nil
}

func (b *tailBuffer) String() string { return strings.TrimSpace(b.buf.String()) }

// exitError describes how a child ended, with the tail of its stderr.
func exitError(name string, err error, stderr string) error {
	var ee *exec.ExitError
	if errors.As(err, &ee) && stderr != "" {
		return fmt.Errorf("%s: %s: %s", name, ee.ProcessState, stderr)
	}
	if stderr != "" {
		return fmt.Errorf("%s: %w: %s", name, err, stderr)
	}
	return fmt.Errorf("%s: %w", name, err)
}
