package scratch

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// NewRunDir creates base/runID with mode 0700 for one run's dump and returns
// it with a cleanup that removes it and everything in it. Call cleanup on
// success and on failure; it is safe to call more than once. The folder must
// not exist yet: a run ID names one run.
func NewRunDir(base, runID string) (dir string, cleanup func() error, err error) {
	if runID == "" || runID == "." || runID == ".." || strings.ContainsRune(runID, filepath.Separator) {
		return "", nil, fmt.Errorf("create run folder: run ID %q must be a single path element", runID)
	}
	dir = filepath.Join(base, runID)
	if err := os.Mkdir(dir, Mode); err != nil {
		if errIsNotWritable(err) {
			return "", nil, &NotWritableError{Path: base, UID: os.Geteuid(), Err: err}
		}
		return "", nil, fmt.Errorf("create run folder: %w", err)
	}
	if err := os.Chmod(dir, Mode); err != nil { // the umask may have narrowed it
		os.Remove(dir)
		return "", nil, fmt.Errorf("create run folder: %w", err)
	}
	cleanup = func() error {
		if err := os.RemoveAll(dir); err != nil {
			return fmt.Errorf("remove run folder: %w", err)
		}
		return nil
	}
	return dir, cleanup, nil
}

// errIsNotWritable reports whether err from creating something in a
// directory means the user may not write there (as opposed to, say, a
// missing parent the caller should hear about as such).
func errIsNotWritable(err error) bool {
	return errors.Is(err, os.ErrPermission) || errors.Is(err, syscall.EROFS)
}
