package scratch_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/sirupsen/logrus"
	logtest "github.com/sirupsen/logrus/hooks/test"

	"github.com/advana-export/terraform-aws-advana-export/task/scratch"
	"github.com/advana-export/terraform-aws-advana-export/test/harness/fargatesim"
)

func ownerMode(t *testing.T, path string) (uid, gid int, mode uint32) {
	t.Helper()
	fi, err := os.Lstat(path)
	if err != nil {
		t.Fatalf("stat %s: %v", path, err)
	}
	st := fi.Sys().(*syscall.Stat_t)
	return int(st.Uid), int(st.Gid), st.Mode & 0o7777
}

// TestPrepare runs Prepare as root on the directories permissions-init can
// meet, twice each: the result is uid:gid 0700, the second run changes
// nothing, and each run logs a scratch_prepared event.
func TestPrepare(t *testing.T) {
	requireRoot(t)
	tests := []struct {
		name     string
		setup    func(t *testing.T, path string) // nil: path does not exist
		uid, gid int
	}{
		{"fargate volume: root-owned 0755", mkdir(0, 0, 0o755), exportUID, exportGID},
		{"missing directory is created", nil, exportUID, exportGID},
		{"already prepared", mkdir(exportUID, exportGID, 0o700), exportUID, exportGID},
		{"owned by the user with a wrong mode", mkdir(exportUID, exportGID, 0o755), exportUID, exportGID},
		{"setgid and sticky bits are cleared", mkdir(0, 0, 0o3777), exportUID, exportGID},
		{"other uid and gid", mkdir(0, 0, 0o755), 2000, 3000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "scratch")
			if tt.setup != nil {
				tt.setup(t, path)
			}
			for run := 1; run <= 2; run++ {
				logger, hook := logtest.NewNullLogger()
				if err := scratch.Prepare(context.Background(), path, tt.uid, tt.gid, logrus.NewEntry(logger)); err != nil {
					t.Fatalf("run %d: %v", run, err)
				}
				if uid, gid, mode := ownerMode(t, path); uid != tt.uid || gid != tt.gid || mode != 0o700 {
					t.Fatalf("run %d: %d:%d %04o, want %d:%d 0700", run, uid, gid, mode, tt.uid, tt.gid)
				}
				e := hook.LastEntry()
				if e == nil || e.Data["event"] != "scratch_prepared" || e.Data["path"] != path ||
					e.Data["uid"] != tt.uid || e.Data["gid"] != tt.gid || e.Data["mode"] != "0700" {
					t.Fatalf("run %d: log entry %+v, want event scratch_prepared with path, uid, gid, mode", run, e)
				}
				if run == 2 && e.Data["changed"] != false {
					t.Fatalf("second run changed the directory again: %+v", e.Data)
				}
			}
		})
	}
}

// TestPrepareRefuses checks the paths Prepare must not touch.
func TestPrepareRefuses(t *testing.T) {
	requireRoot(t)
	tests := []struct {
		name    string
		setup   func(t *testing.T, path string)
		path    func(path string) string
		wantErr error
		wantMsg string
	}{
		{"a file", func(t *testing.T, p string) { writeFile(t, p) }, nil, scratch.ErrNotPrepared, "not a directory"},
		{"a symlink to a directory", func(t *testing.T, p string) {
			mkdir(0, 0, 0o755)(t, p+".real")
			if err := os.Symlink(p+".real", p); err != nil {
				t.Fatal(err)
			}
		}, nil, scratch.ErrNotPrepared, "not a directory"},
		{"a relative path", nil, func(string) string { return "scratch" }, nil, "must be absolute"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "scratch")
			if tt.setup != nil {
				tt.setup(t, path)
			}
			if tt.path != nil {
				path = tt.path(path)
			}
			logger, _ := logtest.NewNullLogger()
			err := scratch.Prepare(context.Background(), path, exportUID, exportGID, logrus.NewEntry(logger))
			if err == nil || !strings.Contains(err.Error(), tt.wantMsg) || (tt.wantErr != nil && !errors.Is(err, tt.wantErr)) {
				t.Fatalf("err = %v, want %v containing %q", err, tt.wantErr, tt.wantMsg)
			}
		})
	}
	t.Run("symlink target untouched", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "scratch")
		mkdir(0, 0, 0o755)(t, path+".real")
		os.Symlink(path+".real", path)
		scratch.Prepare(context.Background(), path, exportUID, exportGID, nil)
		if uid, gid, mode := ownerMode(t, path+".real"); uid != 0 || gid != 0 || mode != 0o755 {
			t.Fatalf("Prepare followed the symlink: target is %d:%d %04o", uid, gid, mode)
		}
	})
}

// TestPrepareInSimulation runs Prepare the way the module runs
// permissions-init and a misconfigured one: in the Fargate simulation, on a
// root-owned 0755 volume, with a read-only root filesystem.
func TestPrepareInSimulation(t *testing.T) {
	fargatesim.RequireT(t)
	tests := []struct {
		name       string
		c          fargatesim.Container
		prepared   bool // the volume is already prepared
		wantExit   int
		wantOut    []string
		wantOwner  int
		wantStderr string
	}{
		{"as root with only CAP_CHOWN", fargatesim.Container{Capabilities: []string{"chown"}},
			false, 0, nil, exportUID, `"event":"scratch_prepared"`},
		{"as the export user", fargatesim.Container{UID: exportUID, GID: exportGID},
			false, exitNotRoot, []string{`set user = "0" on the permissions-init container`, "runs as uid 1000"}, 0, ""},
		{"as the export user, already prepared", fargatesim.Container{UID: exportUID, GID: exportGID},
			true, 0, nil, exportUID, `"changed":false`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vol := fargatesim.NewScratch(t)
			if tt.prepared {
				mkdir(exportUID, exportGID, 0o700)(t, vol)
			}
			res := runHelper(t, "prepare", vol, vol, tt.c, "SCRATCH_UID=1000", "SCRATCH_GID=1000")
			if res.ExitCode != tt.wantExit {
				t.Fatalf("exit %d, want %d; stdout %q; stderr %q", res.ExitCode, tt.wantExit, res.Stdout, res.Stderr)
			}
			for _, w := range tt.wantOut {
				if !strings.Contains(res.Stdout, w) {
					t.Errorf("error %q does not contain %q", res.Stdout, w)
				}
			}
			if !strings.Contains(res.Stderr, tt.wantStderr) {
				t.Errorf("log %q does not contain %q", res.Stderr, tt.wantStderr)
			}
			if uid, _, _ := ownerMode(t, vol); uid != tt.wantOwner {
				t.Errorf("volume owned by uid %d, want %d", uid, tt.wantOwner)
			}
		})
	}
}

// mkdir returns a setup that creates path with the owner and mode given.
func mkdir(uid, gid int, mode os.FileMode) func(t *testing.T, path string) {
	return func(t *testing.T, path string) {
		t.Helper()
		if err := os.MkdirAll(path, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Chown(path, uid, gid); err != nil {
			t.Fatal(err)
		}
		// os.Chmod takes Go's mode bits; set the special ones explicitly.
		if err := syscall.Chmod(path, uint32(mode)); err != nil {
			t.Fatal(err)
		}
	}
}

func writeFile(t *testing.T, path string) {
	t.Helper()
	if err := os.WriteFile(path, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
}
