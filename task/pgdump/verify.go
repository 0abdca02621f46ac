package pgdump

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
)

// TOC summarises an archive's table of contents as pg_restore --list saw it.
type TOC struct {
	Entries          int `json:"entries"`
	TableDataEntries int `json:"table_data_entries"`
}

// Verifier checks a custom-format archive while it streams past: it feeds
// the bytes to pg_restore --list, which reads the header and the table of
// contents (at the start of the archive) and exits. Bytes after that are
// dropped, so a slow or finished verifier never holds the upload back.
type Verifier struct {
	stdin  *os.File
	out    bytes.Buffer
	stderr *tailBuffer
	wait   func() error

	mu     sync.Mutex
	closed bool
}

// StartVerifier starts pg_restore --list reading from the returned writer.
func (t Tools) StartVerifier(ctx context.Context) (*Verifier, error) {
	cmd, err := t.command(ctx, "pg_restore", nil, "--list")
	if err != nil {
		return nil, err
	}
	v := &Verifier{stderr: &tailBuffer{max: 4096}}
	cmd.Stdout, cmd.Stderr = &v.out, v.stderr
	// A pipe of our own, not StdinPipe: its write end is a file, which a
	// relay can tee(2) into (Pipe).
	pr, pw, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("pg_restore stdin: %w", err)
	}
	cmd.Stdin = pr
	err = cmd.Start()
	pr.Close()
	if err != nil {
		pw.Close()
		return nil, fmt.Errorf("start pg_restore --list: %w", err)
	}
	v.stdin, v.wait = pw, cmd.Wait
	return v, nil
}

// Pipe is the write end of pg_restore's stdin, for a writer that bypasses
// Write (a relay that tees into it). Write a byte stream either through
// Write or through Pipe, not both; Finish closes it.
func (v *Verifier) Pipe() *os.File { return v.stdin }

// Write passes p to pg_restore until it has stopped reading.
func (v *Verifier) Write(p []byte) (int, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.closed {
		return len(p), nil
	}
	if _, err := v.stdin.Write(p); err != nil {
		// Usually EPIPE: pg_restore read the table of contents and exited.
		// Its exit status, read by Finish, says whether the archive was good.
		v.closed = true
	}
	return len(p), nil
}

// Finish ends the input and returns the table of contents, or an error if
// pg_restore could not read the archive.
func (v *Verifier) Finish() (TOC, error) {
	v.mu.Lock()
	v.closed = true
	v.stdin.Close()
	v.mu.Unlock()
	if err := v.wait(); err != nil {
		return TOC{}, exitError("verify archive with pg_restore --list", err, v.stderr.String())
	}
	toc := parseTOC(v.out.String())
	if toc.Entries == 0 {
		return toc, fmt.Errorf("verify archive with pg_restore --list: the table of contents is empty")
	}
	return toc, nil
}

func parseTOC(list string) TOC {
	var toc TOC
	for _, l := range strings.Split(list, "\n") {
		if l == "" || strings.HasPrefix(l, ";") {
			continue
		}
		toc.Entries++
		if strings.Contains(l, " TABLE DATA ") {
			toc.TableDataEntries++
		}
	}
	return toc
}

// ListDirectory checks a directory-format archive with pg_restore --list.
func (t Tools) ListDirectory(ctx context.Context, dir string) (TOC, error) {
	out, err := t.list(ctx, dir, true)
	if err != nil {
		return TOC{}, err
	}
	toc := parseTOC(out)
	if toc.Entries == 0 {
		return toc, fmt.Errorf("verify archive with pg_restore --list: the table of contents is empty")
	}
	return toc, nil
}

// list is pg_restore --list of an archive on disk.
func (t Tools) list(ctx context.Context, archive string, directory bool) (string, error) {
	format := "--format=custom"
	if directory {
		format = "--format=directory"
	}
	cmd, err := t.command(ctx, "pg_restore", nil, "--list", format, archive)
	if err != nil {
		return "", err
	}
	stderr := &tailBuffer{max: 4096}
	cmd.Stderr = stderr
	out, err := cmd.Output()
	if err != nil {
		return "", exitError("read the archive's table of contents with pg_restore --list", err, stderr.String())
	}
	return string(out), nil
}
