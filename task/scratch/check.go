package scratch

import (
	"fmt"
	"os"
	"syscall"
)

// CheckWritable is the export container's preflight: it creates and removes
// a probe file in path. When the current user cannot, the error is a
// NotWritableError ("scratch directory X is not writable by uid N: did
// permissions-init run?") whose cause is the system error.
func CheckWritable(path string) error {
	f, err := os.CreateTemp(path, ".advana-export-probe-*")
	if err != nil {
		return &NotWritableError{Path: path, UID: os.Geteuid(), Err: err}
	}
	name := f.Name()
	err = f.Close()
	if rmErr := os.Remove(name); err == nil {
		err = rmErr
	}
	if err != nil {
		return &NotWritableError{Path: path, UID: os.Geteuid(), Err: err}
	}
	return nil
}

// FreeBytes returns the bytes available to the current user on the file
// system that holds path (statfs f_bavail: blocks reserved for root do not
// count, since the export user cannot use them).
func FreeBytes(path string) (uint64, error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(path, &st); err != nil {
		return 0, fmt.Errorf("statfs %s: %w", path, err)
	}
	return uint64(st.Bavail) * uint64(st.Bsize), nil
}

// CheckSpace returns a NoSpaceError when path has fewer than need bytes free.
// The caller chooses need, e.g. pg_database_size() times a safety factor.
func CheckSpace(path string, need uint64) error {
	free, err := FreeBytes(path)
	if err != nil {
		return fmt.Errorf("check scratch space: %w", err)
	}
	if free < need {
		return &NoSpaceError{Path: path, Free: free, Need: need}
	}
	return nil
}
