package scratch_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/advana-export/terraform-aws-advana-export/task/scratch"
	"github.com/advana-export/terraform-aws-advana-export/test/harness/fargatesim"
)

// TestNewRunDir checks the per-run folder: 0700, removed with its content by
// cleanup (twice is fine), one per run ID, and run IDs are one path element.
func TestNewRunDir(t *testing.T) {
	base := t.TempDir()
	dir, cleanup, err := scratch.NewRunDir(base, "2026-01-02T03-04-05Z-abc")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, mode := ownerMode(t, dir); mode != 0o700 || filepath.Dir(dir) != base {
		t.Fatalf("run folder %s mode %04o, want 0700 under %s", dir, mode, base)
	}
	writeFile(t, filepath.Join(dir, "toc.dat"))
	if _, _, err := scratch.NewRunDir(base, "2026-01-02T03-04-05Z-abc"); err == nil {
		t.Error("a second folder for the same run ID was created")
	}
	for i := 0; i < 2; i++ {
		if err := cleanup(); err != nil {
			t.Fatalf("cleanup %d: %v", i+1, err)
		}
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("run folder still there after cleanup: %v", err)
	}

	for _, id := range []string{"", ".", "..", "a/b"} {
		t.Run("invalid run ID "+id, func(t *testing.T) {
			if _, _, err := scratch.NewRunDir(base, id); err == nil {
				t.Fatalf("NewRunDir(%q) succeeded", id)
			}
		})
	}
}

// TestExportUserRun runs the export container's directory-mode sequence
// (CheckWritable, CheckSpace, NewRunDir, write, cleanup) as the export user
// in the Fargate simulation: it fails before permissions-init and succeeds
// after, leaving the volume empty.
func TestExportUserRun(t *testing.T) {
	fargatesim.RequireT(t)
	for _, prepared := range []bool{false, true} {
		vol := fargatesim.NewScratch(t)
		want := exitNotWritable
		if prepared {
			mkdir(exportUID, exportGID, 0o700)(t, vol)
			want = 0
		}
		res := runHelper(t, "export-run", vol, vol, fargatesim.Container{UID: exportUID, GID: exportGID})
		if res.ExitCode != want {
			t.Fatalf("prepared=%v: exit %d, want %d; stdout %q; stderr %q", prepared, res.ExitCode, want, res.Stdout, res.Stderr)
		}
		if left, _ := os.ReadDir(vol); len(left) != 0 {
			t.Fatalf("prepared=%v: %d entries left in the volume", prepared, len(left))
		}
	}
}
