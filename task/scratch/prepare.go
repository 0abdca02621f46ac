package scratch

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"github.com/sirupsen/logrus"
)

// Mode is the permission a prepared scratch directory has: only its owner,
// the export user, can enter it.
const Mode fs.FileMode = 0o700

// Prepare makes path a directory owned by uid:gid with mode 0700, creating it
// if missing, then checks the result with stat. It is what the
// permissions-init container runs, as root, before the export container
// starts. A directory that is already right is left alone, so Prepare is
// idempotent and also succeeds for a non-root caller then; otherwise a
// non-root caller gets a NotRootError that names the fix.
//
// Prepare changes the mode before the owner, so root needs only CAP_CHOWN
// (not CAP_FOWNER) to prepare a root-owned directory.
func Prepare(ctx context.Context, path string, uid, gid int, log *logrus.Entry) error {
	if log == nil {
		log = logrus.NewEntry(logrus.StandardLogger())
	}
	if !filepath.IsAbs(path) {
		return fmt.Errorf("prepare scratch: path %q must be absolute", path)
	}
	if uid < 0 || gid < 0 {
		return fmt.Errorf("prepare scratch: uid and gid must be >= 0, got %d:%d", uid, gid)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("prepare scratch: %w", err)
	}
	path = filepath.Clean(path)

	st, err := lstat(path)
	missing := errors.Is(err, fs.ErrNotExist)
	switch {
	case missing:
		// Fargate always mounts the volume; a missing one is a local run.
	case err != nil:
		return fmt.Errorf("prepare scratch: %w", err)
	case !st.isDir:
		return fmt.Errorf("prepare scratch: %s is not a directory: %w", path, ErrNotPrepared)
	case st.ok(uid, gid):
		log.WithFields(logrus.Fields{
			"event": "scratch_prepared", "path": path, "uid": uid, "gid": gid,
			"mode": fmt.Sprintf("%04o", Mode), "changed": false,
		}).Info("scratch directory already prepared")
		return nil
	}
	if euid := os.Geteuid(); euid != 0 {
		return &NotRootError{Path: path, UID: euid}
	}
	if missing {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return fmt.Errorf("prepare scratch: create parent: %w", err)
		}
		if err := os.Mkdir(path, Mode); err != nil && !errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("prepare scratch: create: %w", err)
		}
	}
	if err := os.Chmod(path, Mode); err != nil {
		return fmt.Errorf("prepare scratch: %w", err)
	}
	if err := os.Chown(path, uid, gid); err != nil {
		if errors.Is(err, fs.ErrPermission) {
			return fmt.Errorf("prepare scratch: %w: the permissions-init container needs the CHOWN capability", err)
		}
		return fmt.Errorf("prepare scratch: %w", err)
	}

	st, err = lstat(path)
	if err != nil {
		return fmt.Errorf("prepare scratch: verify: %w", err)
	}
	if !st.ok(uid, gid) {
		return fmt.Errorf("prepare scratch: verify %s: owner %d:%d mode %04o, want %d:%d mode %04o: %w",
			path, st.uid, st.gid, st.mode, uid, gid, Mode, ErrNotPrepared)
	}
	log.WithFields(logrus.Fields{
		"event": "scratch_prepared", "path": path, "uid": uid, "gid": gid,
		"mode": fmt.Sprintf("%04o", Mode), "changed": true, "created": missing,
	}).Info("scratch directory prepared")
	return nil
}

type dirStat struct {
	isDir    bool
	uid, gid int
	mode     uint32 // permission and special bits (setuid, setgid, sticky)
}

func (s dirStat) ok(uid, gid int) bool {
	return s.isDir && s.uid == uid && s.gid == gid && s.mode == uint32(Mode)
}

// lstat does not follow a symlink: a link at the scratch path is not the
// volume and is never chowned through.
func lstat(path string) (dirStat, error) {
	fi, err := os.Lstat(path)
	if err != nil {
		return dirStat{}, err
	}
	sys, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return dirStat{}, fmt.Errorf("stat %s: no owner information on this platform", path)
	}
	return dirStat{
		isDir: fi.IsDir(),
		uid:   int(sys.Uid), gid: int(sys.Gid),
		mode: sys.Mode & 0o7777,
	}, nil
}
