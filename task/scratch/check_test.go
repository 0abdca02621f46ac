package scratch_test

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/advana-export/terraform-aws-advana-export/task/scratch"
	"github.com/advana-export/terraform-aws-advana-export/test/harness/fargatesim"
)

// TestCheckWritable runs the export container's preflight in the Fargate
// simulation: it fails with the permissions-init message until the volume
// is handed over, also when the path is not a volume (read-only root), and
// leaves no probe file behind.
func TestCheckWritable(t *testing.T) {
	fargatesim.RequireT(t)
	tests := []struct {
		name     string
		uid      int
		prepare  bool // hand the volume to the export user first
		onVolume bool // the path is the volume, not a folder on the root fs
		wantExit int
	}{
		{"export user, volume as Fargate creates it", exportUID, false, true, exitNotWritable},
		{"export user, after permissions-init", exportUID, true, true, 0},
		{"export user, owned folder on the read-only root", exportUID, true, false, exitNotWritable},
		{"root, volume as Fargate creates it", 0, false, true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vol := fargatesim.NewScratch(t)
			if tt.prepare {
				mkdir(exportUID, exportGID, 0o700)(t, vol)
			}
			mountAt := vol
			if !tt.onVolume {
				mountAt = fargatesim.NewScratch(t) // some other volume; vol stays on "/"
			}
			res := runHelper(t, "check-writable", vol, mountAt, fargatesim.Container{UID: tt.uid, GID: tt.uid})
			if res.ExitCode != tt.wantExit {
				t.Fatalf("exit %d, want %d; stdout %q; stderr %q", res.ExitCode, tt.wantExit, res.Stdout, res.Stderr)
			}
			if tt.wantExit == exitNotWritable {
				want := "scratch directory " + vol + " is not writable by uid " + strconv.Itoa(tt.uid) + ": did permissions-init run?"
				if res.Stdout != want {
					t.Fatalf("error %q, want exactly %q", res.Stdout, want)
				}
			}
			if left, _ := os.ReadDir(vol); len(left) != 0 {
				t.Fatalf("the preflight left %d entries in the volume", len(left))
			}
		})
	}
	t.Run("missing directory", func(t *testing.T) {
		err := scratch.CheckWritable(filepath.Join(t.TempDir(), "missing"))
		if !errors.Is(err, scratch.ErrNotWritable) || !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("err = %v, want ErrNotWritable wrapping ErrNotExist", err)
		}
	})
}

// TestCheckSpace checks the free-space preflight against the real file
// system: enough space passes, too little names both sizes and the fix.
func TestCheckSpace(t *testing.T) {
	dir := t.TempDir()
	free, err := scratch.FreeBytes(dir)
	if err != nil || free == 0 {
		t.Fatalf("FreeBytes = %d, %v; want a positive size", free, err)
	}
	tests := []struct {
		name    string
		need    uint64
		wantErr bool
	}{
		{"nothing needed", 0, false},
		{"some space", 1 << 20, false},
		{"more than the volume has", free + 1<<40, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := scratch.CheckSpace(dir, tt.need)
			if !tt.wantErr {
				if err != nil {
					t.Fatalf("CheckSpace(%d) = %v, want nil", tt.need, err)
				}
				return
			}
			if !errors.Is(err, scratch.ErrNoSpace) {
				t.Fatalf("CheckSpace(%d) = %v, want ErrNoSpace", tt.need, err)
			}
			for _, w := range []string{dir, strconv.FormatUint(tt.need, 10), "bytes (", "ephemeral_storage_gib"} {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not name %q", err, w)
				}
			}
		})
	}
	if _, err := scratch.FreeBytes(filepath.Join(dir, "missing")); err == nil {
		t.Error("FreeBytes of a missing path succeeded")
	}
}
