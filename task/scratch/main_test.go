package scratch_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"testing"

	"github.com/sirupsen/logrus"

	"github.com/advana-export/terraform-aws-advana-export/task/scratch"
	"github.com/advana-export/terraform-aws-advana-export/test/harness/fargatesim"
)

// The tests re-run this test binary inside the Fargate simulation to call
// the package as another user on a read-only root filesystem. The helper is
// chosen by helperEnv; it prints the error (if any) on stdout and exits with
// a code that says which sentinel it matched.
const (
	helperEnv = "SCRATCH_TEST_HELPER"

	exitNotWritable = 10
	exitNotRoot     = 11
	exitNoSpace     = 12
)

const exportUID, exportGID = 1000, 1000

func TestMain(m *testing.M) {
	if mode := os.Getenv(helperEnv); mode != "" {
		os.Exit(helper(mode, os.Getenv("SCRATCH_PATH")))
	}
	os.Exit(m.Run())
}

func helper(mode, path string) int {
	var err error
	switch mode {
	case "prepare":
		uid, _ := strconv.Atoi(os.Getenv("SCRATCH_UID"))
		gid, _ := strconv.Atoi(os.Getenv("SCRATCH_GID"))
		log := logrus.New()
		log.SetFormatter(&logrus.JSONFormatter{})
		log.SetOutput(os.Stderr)
		err = scratch.Prepare(context.Background(), path, uid, gid, logrus.NewEntry(log))
	case "check-writable":
		err = scratch.CheckWritable(path)
	case "export-run": // the export container's sequence in directory mode
		err = exportRun(path)
	default:
		err = fmt.Errorf("unknown helper %q", mode)
	}
	if err == nil {
		return 0
	}
	fmt.Print(err.Error())
	switch {
	case errors.Is(err, scratch.ErrNotWritable):
		return exitNotWritable
	case errors.Is(err, scratch.ErrNotRoot):
		return exitNotRoot
	case errors.Is(err, scratch.ErrNoSpace):
		return exitNoSpace
	}
	return 1
}

func exportRun(base string) error {
	if err := scratch.CheckWritable(base); err != nil {
		return err
	}
	if err := scratch.CheckSpace(base, 1<<20); err != nil {
		return err
	}
	dir, cleanup, err := scratch.NewRunDir(base, "run-1")
	if err != nil {
		return err
	}
	defer cleanup()
	if err := os.WriteFile(dir+"/toc.dat", []byte("dump"), 0o600); err != nil {
		return err
	}
	return cleanup()
}

// runHelper runs a helper mode of this test binary as uid:gid in the
// simulation, with scratch as the task's volume.
func runHelper(t *testing.T, mode, path, volume string, c fargatesim.Container, env ...string) fargatesim.Result {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatalf("find the test binary: %v", err)
	}
	c.Args = []string{fargatesim.InstallExecutable(t, exe)}
	c.Env = append([]string{helperEnv + "=" + mode, "SCRATCH_PATH=" + path}, env...)
	c.Volumes = []string{volume}
	return fargatesim.RunT(t, context.Background(), c)
}

// requireRoot fails the test when it cannot run as root: Prepare's job is a
// root's job, and these tests must not pass by not running.
func requireRoot(t *testing.T) {
	t.Helper()
	if uid := os.Geteuid(); uid != 0 {
		t.Fatalf("this test needs root (it chowns directories and drops to uid %d), it runs as uid %d: run the tests as root", exportUID, uid)
	}
}
