package export

import (
	"errors"
	"fmt"
	"strings"
)

// Kind says which stage failed; main turns it into the exit code.
type Kind int

// Failure kinds, numbered as the exit codes the README documents.
const (
	KindConfig      Kind = 2 // configuration or environment: fix the settings or the image
	KindDump        Kind = 3 // database unreachable, pg_dump failed, archive did not verify
	KindStorage     Kind = 4 // S3 or KMS refused or failed
	KindInterrupted Kind = 5 // SIGTERM/SIGINT (ECS stop) or the context ended
)

func (k Kind) String() string {
	switch k {
	case KindConfig:
		return "configuration"
	case KindDump:
		return "database"
	case KindStorage:
		return "storage"
	case KindInterrupted:
		return "interrupted"
	}
	return fmt.Sprintf("kind(%d)", int(k))
}

// Error is a failed run: what kind of failure and why.
type Error struct {
	Kind Kind
	Err  error
}

func (e *Error) Error() string { return e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

func fail(k Kind, format string, args ...any) error {
	return &Error{Kind: k, Err: fmt.Errorf(format, args...)}
}

// KindOf returns the kind of err, KindStorage when it has none (the last
// stage, and the one whose errors come from outside).
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindStorage
}

// lockTableHint names the fix when the server's lock table ran out: every
// format holds a lock on each table and partition it exports until the run
// ends (pg_dump in its transaction, the Parquet reader in the snapshot's),
// so a database of many tables or partitions can need more locks than
// max_locks_per_transaction × max_connections. PostgreSQL says "out of
// shared memory" and, through pg_dump only, hints at the setting.
func lockTableHint(err error) error {
	if !strings.Contains(err.Error(), "out of shared memory") {
		return err
	}
	return fmt.Errorf("%w; the export holds a lock on every table and partition it exports at once, and the server's lock table "+
		"(max_locks_per_transaction × max_connections) is smaller: raise max_locks_per_transaction "+
		"(on RDS in the DB parameter group, then reboot)", err)
}
