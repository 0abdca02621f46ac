package fargatesim_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/advana-export/terraform-aws-advana-export/test/harness/fargatesim"
)

const exportUID, exportGID = 1000, 1000

// sh runs a shell snippet as uid:gid with the scratch volume.
func sh(t *testing.T, scratch string, uid, gid int, script string, env ...string) fargatesim.Result {
	t.Helper()
	return fargatesim.RunT(t, context.Background(), fargatesim.Container{
		Args: []string{"/bin/sh", "-c", script, "sh", scratch},
		Env:  env, UID: uid, GID: gid, Volumes: []string{scratch},
	})
}

// TestFargateContract walks the permissions-init story with plain commands:
// the export user cannot write the fresh volume, nobody can write the root
// filesystem, and after the chown the export user can write the volume.
func TestFargateContract(t *testing.T) {
	fargatesim.RequireT(t)
	scratch := fargatesim.NewScratch(t)
	probe := func(p string) string { return `echo x > "` + p + `"` }

	steps := []struct {
		name       string
		uid, gid   int
		script     string
		wantExit   bool // exit 0 wanted
		wantStderr string
	}{
		{"export user cannot write the root-owned 0755 volume", exportUID, exportGID, probe(`$1/f`), false, "Permission denied"},
		{"export user cannot write /tmp", exportUID, exportGID, probe("/tmp/fargatesim-probe"), false, "Read-only file system"},
		{"export user cannot write /var/tmp", exportUID, exportGID, probe("/var/tmp/fargatesim-probe"), false, "Read-only file system"},
		{"root cannot write /tmp either", 0, 0, probe("/tmp/fargatesim-probe"), false, "Read-only file system"},
		{"root cannot write next to the volume", 0, 0, probe(`$1/../f`), false, "Read-only file system"},
		{"permissions-init (root) hands the volume over", 0, 0, `chown 1000:1000 "$1" && chmod 0700 "$1"`, true, ""},
		{"export user writes the volume", exportUID, exportGID, probe(`$1/f`), true, ""},
	}
	for _, s := range steps { // in order: each step sees the one before
		res := sh(t, scratch, s.uid, s.gid, s.script)
		if got := res.ExitCode == 0; got != s.wantExit {
			t.Fatalf("%s: exit %d, want success=%v; stderr: %s", s.name, res.ExitCode, s.wantExit, res.Stderr)
		}
		if !strings.Contains(res.Stderr, s.wantStderr) {
			t.Fatalf("%s: stderr %q, want it to contain %q", s.name, res.Stderr, s.wantStderr)
		}
	}

	// The writes landed on the host, owned by the export user; none leaked.
	fi, err := os.Stat(filepath.Join(scratch, "f"))
	if err != nil {
		t.Fatalf("the file written in the volume is not on the host: %v", err)
	}
	if st := fi.Sys().(*syscall.Stat_t); st.Uid != exportUID || st.Gid != exportGID {
		t.Errorf("file in the volume owned by %d:%d, want %d:%d", st.Uid, st.Gid, exportUID, exportGID)
	}
	for _, p := range []string{"/tmp/fargatesim-probe", "/var/tmp/fargatesim-probe", filepath.Join(filepath.Dir(scratch), "f")} {
		if _, err := os.Stat(p); err == nil {
			os.Remove(p)
			t.Errorf("%s was written although the root filesystem is read-only", p)
		}
	}
}

// TestRun checks the plumbing a caller relies on: environment, user,
// capabilities, exit codes and the identity of the process.
func TestRun(t *testing.T) {
	fargatesim.RequireT(t)
	scratch := fargatesim.NewScratch(t)
	tests := []struct {
		name     string
		c        fargatesim.Container
		wantExit int
		wantOut  string
		wantErr  string
	}{
		{"environment is passed through", fargatesim.Container{
			Args: []string{"/bin/sh", "-c", `echo "$ADVANA_EXPORT_SCRATCH_DIR $HOME"`},
			Env:  []string{"ADVANA_EXPORT_SCRATCH_DIR=/scratch"}, UID: exportUID, GID: exportGID,
		}, 0, "/scratch /\n", ""},
		{"user, group and no supplementary groups", fargatesim.Container{
			Args: []string{"/bin/sh", "-c", `echo "$(id -u):$(id -g):$(id -G)"`}, UID: exportUID, GID: exportGID,
		}, 0, "1000:1000:1000\n", ""},
		{"exit code is the command's", fargatesim.Container{
			Args: []string{"/bin/sh", "-c", "exit 7"}, UID: exportUID, GID: exportGID,
		}, 7, "", ""},
		{"non-root has no capabilities", fargatesim.Container{
			Args: []string{"/bin/grep", "CapEff", "/proc/self/status"}, UID: exportUID, GID: exportGID,
		}, 0, "0000000000000000", ""},
		{"root limited to CHOWN can chown but not chmod what it does not own", fargatesim.Container{
			Args:         []string{"/bin/sh", "-c", `touch "$0/c" && chown 1000 "$0/c" && chmod 600 "$0/c"`, scratch},
			Capabilities: []string{"CAP_CHOWN"}, Volumes: []string{scratch},
		}, 1, "", "chmod: changing permissions"},
		{"working directory", fargatesim.Container{
			Args: []string{"/bin/pwd"}, Dir: scratch, UID: exportUID, GID: exportGID,
		}, 0, scratch + "\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := fargatesim.RunT(t, context.Background(), tt.c)
			if res.ExitCode != tt.wantExit {
				t.Fatalf("exit %d, want %d; stderr: %s", res.ExitCode, tt.wantExit, res.Stderr)
			}
			if !strings.Contains(res.Stdout, tt.wantOut) {
				t.Fatalf("stdout %q, want it to contain %q", res.Stdout, tt.wantOut)
			}
			if !strings.Contains(res.Stderr, tt.wantErr) {
				t.Fatalf("stderr %q, want it to contain %q", res.Stderr, tt.wantErr)
			}
		})
	}
}

// TestRunStop checks that cancelling the context behaves like ECS StopTask:
// SIGTERM to the main process and its own exit code reported, or SIGKILL
// (exit 137) after the stop timeout when it ignores SIGTERM.
func TestRunStop(t *testing.T) {
	fargatesim.RequireT(t)
	tests := []struct {
		name     string
		script   string
		wantExit int
		wantOut  string
	}{
		{"handles SIGTERM", `trap 'echo stopping; exit 5' TERM; sleep 30 & wait`, 5, "stopping"},
		{"ignores SIGTERM", `exec sleep 30`, 137, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			time.AfterFunc(300*time.Millisecond, cancel)
			start := time.Now()
			res := fargatesim.RunT(t, ctx, fargatesim.Container{
				Args: []string{"/bin/sh", "-c", tt.script},
				UID:  exportUID, GID: exportGID, StopTimeout: time.Second,
			})
			if res.ExitCode != tt.wantExit || !strings.Contains(res.Stdout, tt.wantOut) {
				t.Fatalf("exit %d, stdout %q: want %d and %q", res.ExitCode, res.Stdout, tt.wantExit, tt.wantOut)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Fatalf("the stop took %s", d)
			}
		})
	}
}

// TestRunReapsLeftovers checks container semantics: what the main process
// started dies when it exits, so Run returns at once.
func TestRunReapsLeftovers(t *testing.T) {
	fargatesim.RequireT(t)
	start := time.Now()
	res := fargatesim.RunT(t, context.Background(), fargatesim.Container{
		Args: []string{"/bin/sh", "-c", "sleep 30 & echo $$"},
		UID:  exportUID, GID: exportGID,
	})
	if res.ExitCode != 0 || res.Stdout != "1\n" {
		t.Fatalf("exit %d, stdout %q: want 0 and PID 1", res.ExitCode, res.Stdout)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("Run waited %s for a background process", d)
	}
}

// TestRunSetupError checks that a broken simulation is an error, not an
// exit code a test could mistake for the command's.
func TestRunSetupError(t *testing.T) {
	fargatesim.RequireT(t)
	_, err := fargatesim.Run(context.Background(), fargatesim.Container{
		Args: []string{"/bin/true"}, Volumes: []string{"/nonexistent/scratch"},
	})
	if err == nil || !strings.Contains(err.Error(), "/nonexistent/scratch") {
		t.Fatalf("Run with a missing volume: err = %v, want one naming the volume", err)
	}
}
