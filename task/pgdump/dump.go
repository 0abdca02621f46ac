package pgdump

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
)

// Keepalives is a libpq connection string with only TCP keepalives in it
// (libpq has no environment variables for them); every other setting still
// comes from the PG* environment. A server that vanished (failover, a
// dropped NAT entry) is then noticed in about a minute and a half instead of
// the kernel's two hours. A connection that stays up but stops sending data
// is the stall watchdog's job (ADVANA_EXPORT_STALL_TIMEOUT).
const Keepalives = "keepalives=1 keepalives_idle=60 keepalives_interval=10 keepalives_count=3"

// Options select what pg_dump writes. Connection settings are not here:
// they travel in the environment.
type Options struct {
	Format           string // "custom", "directory" or "plain"
	Compress         int    // -Z level, 0-9
	Jobs             int    // -j, directory format only
	OutDir           string // directory format: the folder to create
	Schemas          []string
	ExcludeTables    []string
	ExcludeTableData []string
	SchemaOnly       bool   // --schema-only: definitions, no rows
	Snapshot         string // --snapshot: read as of an exported snapshot
}

// Args is pg_dump's argv (without the program name). Patterns are passed
// as separate arguments in the --opt=value form, so no value can be read as
// another option and no shell ever sees them.
func (o Options) Args() []string {
	args := []string{"--no-password", "--verbose", "-Z", strconv.Itoa(o.Compress), "--dbname=" + Keepalives}
	switch o.Format {
	case "directory":
		args = append(args, "--format=directory", "--jobs="+strconv.Itoa(max(o.Jobs, 1)), "--file="+o.OutDir)
	case "plain":
		args = append(args, "--format=plain")
	default:
		args = append(args, "--format=custom")
	}
	if o.SchemaOnly {
		args = append(args, "--schema-only")
	}
	if o.Snapshot != "" {
		args = append(args, "--snapshot="+o.Snapshot)
	}
	for _, s := range o.Schemas {
		args = append(args, "--schema="+s)
	}
	for _, s := range o.ExcludeTables {
		args = append(args, "--exclude-table="+s)
	}
	for _, s := range o.ExcludeTableData {
		args = append(args, "--exclude-table-data="+s)
	}
	return args
}

// Dump is a running pg_dump.
type Dump struct {
	// Stdout is the archive for the custom format (a pipe's read end, which
	// a relay can splice(2) from); nil for directory. Wait closes it.
	Stdout *os.File
	cmd    *exec.Cmd
	stderr *tailBuffer
	onLine func(string)
}

// Start runs pg_dump. For the custom format the archive streams from
// Dump.Stdout; Wait must be called after Stdout reaches EOF. progress, if
// not nil, receives each --verbose line of pg_dump (its progress).
func (t Tools) Start(ctx context.Context, env []string, o Options, progress func(string)) (*Dump, error) {
	cmd, err := t.command(ctx, "pg_dump", env, o.Args()...)
	if err != nil {
		return nil, err
	}
	d := &Dump{cmd: cmd, stderr: &tailBuffer{max: 8192}, onLine: progress}
	cmd.Stderr = &lineWriter{tail: d.stderr, onLine: progress}
	var w *os.File
	if o.Format != "directory" {
		if d.Stdout, w, err = os.Pipe(); err != nil {
			return nil, fmt.Errorf("pg_dump stdout: %w", err)
		}
		cmd.Stdout = w
	}
	err = cmd.Start()
	if w != nil {
		w.Close() // pg_dump has its own; ours would hide its end
	}
	if err != nil {
		if d.Stdout != nil {
			d.Stdout.Close()
		}
		return nil, fmt.Errorf("start pg_dump: %w", err)
	}
	return d, nil
}

// Wait waits for pg_dump to exit; a non-zero exit becomes an error carrying
// the end of pg_dump's stderr.
func (d *Dump) Wait() error {
	err := d.cmd.Wait()
	if d.Stdout != nil {
		d.Stdout.Close()
	}
	if err != nil {
		return exitError("pg_dump", err, d.stderr.errorLines())
	}
	return nil
}

// lineWriter splits stderr into lines for the progress callback and keeps a
// bounded tail for errors.
type lineWriter struct {
	tail    *tailBuffer
	onLine  func(string)
	partial []byte
}

func (w *lineWriter) Write(p []byte) (int, error) {
	w.tail.Write(p)
	if w.onLine == nil {
		return len(p), nil
	}
	w.partial = append(w.partial, p...)
	for {
		i := bytes.IndexByte(w.partial, '\n')
		if i < 0 {
			break
		}
		w.onLine(string(w.partial[:i]))
		w.partial = w.partial[i+1:]
	}
	if len(w.partial) > 4096 {
		w.partial = w.partial[:0]
	}
	return len(p), nil
}
