// Package scratch prepares and checks the scratch volume that directory-format
// dumps are written to. On Fargate the volume starts out owned by root:root
// with mode 0755; the permissions-init container (root) runs Prepare to hand
// it to the export user, and the export container (non-root, read-only root
// filesystem) runs CheckWritable and CheckSpace before it dumps, then works in
// a per-run folder from NewRunDir. docs/image.md's permissions-init section tells the whole story.
//
// The errors a caller should report as configuration problems (exit code 2)
// match ErrNotRoot, ErrNotPrepared, ErrNotWritable or ErrNoSpace with
// errors.Is; anything else is an unexpected system error.
package scratch

import (
	"errors"
	"fmt"
)

// Sentinels for errors.Is; the concrete errors carry the details.
var (
	// ErrNotRoot: Prepare must change ownership but does not run as root.
	ErrNotRoot = errors.New("scratch: not running as root")
	// ErrNotWritable: the current user cannot create files in the directory.
	ErrNotWritable = errors.New("scratch: directory not writable")
	// ErrNoSpace: the volume has less free space than the dump needs.
	ErrNoSpace = errors.New("scratch: not enough free space")
	// ErrNotPrepared: after Prepare the directory still has the wrong owner
	// or mode, or the path is not a directory.
	ErrNotPrepared = errors.New("scratch: directory not prepared")
)

// NotRootError is returned by Prepare when the directory needs changing and
// the process is not root.
type NotRootError struct {
	Path string
	UID  int // the effective uid the process runs as
}

func (e *NotRootError) Error() string {
	return fmt.Sprintf("prepare-scratch must run as root (uid 0) to hand %s over, it runs as uid %d: set user = \"0\" on the permissions-init container", e.Path, e.UID)
}

// Is makes errors.Is(err, ErrNotRoot) true.
func (e *NotRootError) Is(target error) bool { return target == ErrNotRoot }

// NotWritableError is returned when the current user cannot create a file in
// the scratch directory. Err is the underlying cause (EACCES, EROFS, ...).
type NotWritableError struct {
	Path string
	UID  int
	Err  error
}

func (e *NotWritableError) Error() string {
	return fmt.Sprintf("scratch directory %s is not writable by uid %d: did permissions-init run?", e.Path, e.UID)
}

// Is makes errors.Is(err, ErrNotWritable) true.
func (e *NotWritableError) Is(target error) bool { return target == ErrNotWritable }

// Unwrap returns the cause, for logs.
func (e *NotWritableError) Unwrap() error { return e.Err }

// NoSpaceError is returned by CheckSpace when the volume is too small.
type NoSpaceError struct {
	Path string
	Free uint64 // bytes available to the current user
	Need uint64 // bytes the caller asked for
}

func (e *NoSpaceError) Error() string {
	return fmt.Sprintf("scratch directory %s has %d bytes (%s) free, the dump needs %d bytes (%s): raise the task's ephemeral storage (ephemeral_storage_gib in the module) or use the streaming format",
		e.Path, e.Free, humanBytes(e.Free), e.Need, humanBytes(e.Need))
}

// Is makes errors.Is(err, ErrNoSpace) true.
func (e *NoSpaceError) Is(target error) bool { return target == ErrNoSpace }

func humanBytes(n uint64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := uint64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
