// Package fargatesim runs a command the way ECS Fargate runs a container of
// the export task, without a container engine: in a private mount namespace
// whose root filesystem is read-only, with only the task's volumes writable,
// as the container's numeric user. Tests use it to check the contract between
// the image, the permissions-init container and the export container
// (docs/contract.md and docs/image.md's permissions-init section) on a plain Linux machine.
//
// How one container is simulated (all of it needs root; see Check):
//
//	unshare --mount --pid --mount-proc --fork --kill-child -- /bin/sh -c SCRIPT
//	  mount --make-rprivate /                   # nothing leaks to the host
//	  mount --bind VOL VOL                      # each volume: its own rw mount
//	  mount -o remount,ro,bind /                # readonlyRootFilesystem = true
//	  mount -o remount,ro,bind M                # every other writable disk mount
//	  exec setpriv --reuid=UID --regid=GID --clear-groups [caps] -- CMD...
//
// A volume keeps its path: the host directory is bind-mounted onto itself
// before the root is made read-only, so it is a separate mount whose flags
// stay read-write, and the command is told the host path (the task takes the
// scratch path from ADVANA_EXPORT_SCRATCH_DIR or --path). Mounting it at
// /scratch instead would need a /scratch directory on the host's root, which
// a test must not create. Everything else a test could write to — /tmp,
// /var/tmp, the working tree — is read-only inside, exactly as in the task.
// /proc, /sys and /dev are left as they are: a container runtime provides
// them (including a writable /dev/shm and /dev/null) whatever the root is.
//
// The volume must look the way Fargate creates it: root:root, mode 0755
// (NewScratch). The permissions-init container (UID 0) then hands it to the
// export user; until it has, the export container cannot write there.
//
// Files the dropped user must read or execute (the binary under test, a copy
// of the test binary) must sit in directories every uid can traverse:
// t.TempDir and Go's build cache are 0700 and root-owned. TempDir and
// InstallExecutable provide such places.
//
// As in a container, the command is PID 1 of its own PID namespace: when it
// exits, everything it started is killed, and it receives SIGTERM only if it
// handles it (Go's signal.Notify does). Cancelling the context passed to Run
// is ECS StopTask: SIGTERM to that process, SIGKILL to the whole container
// after Container.StopTimeout.
package fargatesim
