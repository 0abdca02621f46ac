package fargatesim

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/advana-export/terraform-aws-advana-export/test/harness/testenv"
)

var (
	checkOnce sync.Once
	checkErr  error
)

// Check reports whether the simulation works here: root, util-linux, and a
// trial container that finds "/" read-only. The result is cached.
func Check() error {
	checkOnce.Do(func() {
		res, err := Run(context.Background(), Container{
			Args: []string{"/bin/sh", "-c", `grep -q ' / ro,' /proc/self/mountinfo`},
			UID:  1000, GID: 1000,
		})
		switch {
		case err != nil:
			checkErr = err
		case res.ExitCode != 0:
			checkErr = fmt.Errorf("fargatesim: the root filesystem is not read-only inside the namespace (exit %d): %s", res.ExitCode, res.Stderr)
		}
	})
	return checkErr
}

// RequireT fails the test, with the reason, when the simulation cannot run
// here. It never skips, except in the fast lane (-short): a machine without
// namespaces must not pass these tests by not running them.
func RequireT(tb testing.TB) {
	tb.Helper()
	// The fast lane (make test-unit) needs Go only; namespaces, root and
	// util-linux are make test's.
	testenv.SkipShort(tb, "Linux namespaces, root and util-linux")
	if err := Check(); err != nil {
		tb.Fatalf("the Fargate simulation is unavailable on this machine, so this test cannot check the container contract: %v", err)
	}
}

// RunT runs c and fails the test if the simulation itself fails.
func RunT(tb testing.TB, ctx context.Context, c Container) Result {
	tb.Helper()
	res, err := Run(ctx, c)
	if err != nil {
		tb.Fatalf("%v\nstdout: %s", err, res.Stdout)
	}
	return res
}

// TempDir is t.TempDir for files a dropped user must reach: a new root-owned
// directory, mode 0755, whose every ancestor is searchable by any uid. It is
// removed at cleanup.
func TempDir(tb testing.TB) string {
	tb.Helper()
	dir, err := os.MkdirTemp("", "fargatesim-")
	if err != nil {
		tb.Fatalf("create temp dir: %v", err)
	}
	tb.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		tb.Fatalf("chmod %s: %v", dir, err)
	}
	for d := filepath.Dir(dir); ; d = filepath.Dir(d) {
		fi, err := os.Stat(d)
		if err != nil {
			tb.Fatalf("stat %s: %v", d, err)
		}
		if fi.Mode().Perm()&0o001 == 0 {
			tb.Fatalf("%s (mode %04o) is not searchable by other users, so a non-root container could not reach %s: point TMPDIR elsewhere", d, fi.Mode().Perm(), dir)
		}
		if d == "/" {
			return dir
		}
	}
}

// NewScratch returns an empty directory as Fargate creates a bind-mount
// volume: owned by root:root, mode 0755. Pass it in Container.Volumes.
func NewScratch(tb testing.TB) string {
	tb.Helper()
	dir := filepath.Join(TempDir(tb), "scratch")
	if err := os.Mkdir(dir, 0o755); err != nil {
		tb.Fatalf("create scratch: %v", err)
	}
	if err := os.Chmod(dir, 0o755); err != nil { // whatever the umask
		tb.Fatalf("chmod scratch: %v", err)
	}
	return dir
}

// InstallExecutable copies the executable src (a built binary, or
// os.Args[0] to re-run the test binary) into a TempDir with mode 0755, so
// that every uid can run it, and returns the copy's path.
func InstallExecutable(tb testing.TB, src string) string {
	tb.Helper()
	in, err := os.Open(src)
	if err != nil {
		tb.Fatalf("open executable: %v", err)
	}
	defer in.Close()
	dst := filepath.Join(TempDir(tb), filepath.Base(src))
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o755)
	if err != nil {
		tb.Fatalf("create %s: %v", dst, err)
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		tb.Fatalf("copy %s: %v", src, err)
	}
	if err := out.Close(); err != nil {
		tb.Fatalf("close %s: %v", dst, err)
	}
	if err := os.Chmod(dst, 0o755); err != nil {
		tb.Fatalf("chmod %s: %v", dst, err)
	}
	return dst
}
