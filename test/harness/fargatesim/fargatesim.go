package fargatesim

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// DefaultStopTimeout is how long a cancelled container gets between SIGTERM
// and SIGKILL when Container.StopTimeout is zero (ECS's default stopTimeout).
const DefaultStopTimeout = 30 * time.Second

// Container describes one container run: what the task definition says about
// it, mapped to this machine.
type Container struct {
	// Args is the command; Args[0] is an absolute path that UID can execute.
	Args []string
	// Env is the complete environment, as exec.Cmd.Env. Like a container
	// runtime, Run adds PATH and HOME=/ when Env lacks them.
	Env []string
	// UID and GID are the container's numeric user ("user" in the task
	// definition); 0, 0 is root. Supplementary groups are always cleared.
	UID, GID int
	// Capabilities, when not nil, is the capability bounding and inheritable
	// set, lower-case without "cap_" (e.g. []string{"chown"}), as with
	// linuxParameters.capabilities drop ALL + add. Nil leaves the default:
	// root keeps every capability, any other uid has none.
	Capabilities []string
	// Volumes are absolute host directories that stay writable (the task's
	// bind-mount volumes). Everything else on disk is read-only.
	Volumes []string
	// Dir is the working directory; "/" when empty.
	Dir string
	// Stdin is the container's standard input; none when nil.
	Stdin io.Reader
	// StopTimeout is the grace between SIGTERM and SIGKILL when the context
	// is cancelled; DefaultStopTimeout when zero.
	StopTimeout time.Duration
}

// Result is what the container did. ExitCode follows the container runtime's
// convention: 128+N when the process was killed by signal N.
type Result struct {
	ExitCode int
	Stdout   string
	Stderr   string
}

// Run runs c in a fresh mount namespace with a read-only root filesystem and
// waits for it. The error is about the simulation itself (no root, no
// namespaces, a missing volume); what the command did is in Result.
func Run(ctx context.Context, c Container) (Result, error) {
	if len(c.Args) == 0 || !filepath.IsAbs(c.Args[0]) {
		return Result{}, fmt.Errorf("fargatesim: Args[0] must be an absolute path, got %q", c.Args)
	}
	if err := checkRoot(); err != nil {
		return Result{}, err
	}
	tools, err := lookTools()
	if err != nil {
		return Result{}, err
	}
	script, err := setupScript(tools, c)
	if err != nil {
		return Result{}, err
	}
	ready, readyW, err := os.Pipe()
	if err != nil {
		return Result{}, fmt.Errorf("fargatesim: status pipe: %w", err)
	}
	defer ready.Close()

	// --pid --mount-proc: the command is PID 1 of its own PID namespace, as in
	// a container; when it exits, whatever it started dies with it.
	args := append([]string{"--mount", "--pid", "--mount-proc", "--fork", "--kill-child", "--", "/bin/sh", "-c", script, "sh"}, c.Args...)
	cmd := exec.CommandContext(ctx, tools.unshare, args...)
	cmd.Env = containerEnv(c.Env)
	cmd.Dir = "/"
	if c.Dir != "" {
		cmd.Dir = c.Dir
	}
	cmd.Stdin = c.Stdin
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.ExtraFiles = []*os.File{readyW} // fd 3: the script says "ready" before exec
	// ECS StopTask: SIGTERM to the container's main process, SIGKILL after the
	// timeout (exec kills unshare; --kill-child and setpriv's --pdeathsig
	// pass that on to PID 1 of the namespace, and the kernel to the rest).
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(mainPID(cmd.Process.Pid), syscall.SIGTERM) }
	cmd.WaitDelay = c.StopTimeout
	if cmd.WaitDelay == 0 {
		cmd.WaitDelay = DefaultStopTimeout
	}

	if err := cmd.Start(); err != nil {
		readyW.Close()
		return Result{}, fmt.Errorf("fargatesim: start unshare: %w", err)
	}
	readyW.Close()
	waitErr := cmd.Wait()
	status, _ := io.ReadAll(ready)
	res := Result{ExitCode: exitCode(cmd.ProcessState), Stdout: stdout.String(), Stderr: stderr.String()}
	if !bytes.Contains(status, []byte("ready")) {
		return res, fmt.Errorf("fargatesim: setting up the container failed (namespaces or mounts; exit %d): %s", res.ExitCode, strings.TrimSpace(res.Stderr))
	}
	// An exit status, or the cancellation the caller asked for, is the
	// container's result; anything else is the simulation's failure.
	var exitErr *exec.ExitError
	if waitErr != nil && !errors.As(waitErr, &exitErr) && (ctx.Err() == nil || !errors.Is(waitErr, ctx.Err())) {
		return res, fmt.Errorf("fargatesim: wait: %w", waitErr)
	}
	return res, nil
}

// mainPID returns the pid of the container's main process, unshare's only
// child, or the negative process group of unshare when it cannot be read.
func mainPID(unshare int) int {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", unshare, unshare))
	if f := strings.Fields(string(b)); err == nil && len(f) > 0 {
		if pid, err := strconv.Atoi(f[0]); err == nil {
			return pid
		}
	}
	return -unshare
}

func exitCode(ps *os.ProcessState) int {
	if ps == nil {
		return -1
	}
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ps.ExitCode()
}

// containerEnv adds what a container runtime sets when the image and the
// task definition do not.
func containerEnv(env []string) []string {
	out := append([]string{}, env...)
	has := func(name string) bool {
		for _, kv := range env {
			if strings.HasPrefix(kv, name+"=") {
				return true
			}
		}
		return false
	}
	if !has("PATH") {
		out = append(out, "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
	}
	if !has("HOME") {
		out = append(out, "HOME=/")
	}
	return out
}

type tools struct{ unshare, mount, setpriv string }

func lookTools() (tools, error) {
	var t tools
	for _, x := range []struct {
		name string
		dst  *string
	}{{"unshare", &t.unshare}, {"mount", &t.mount}, {"setpriv", &t.setpriv}} {
		p, err := exec.LookPath(x.name)
		if err != nil {
			return t, fmt.Errorf("fargatesim: %s not found (util-linux provides unshare, mount and setpriv): %w", x.name, err)
		}
		*x.dst = p
	}
	return t, nil
}

func checkRoot() error {
	if uid := os.Geteuid(); uid != 0 {
		return fmt.Errorf("fargatesim: the Fargate simulation needs root (unshare --mount, mount, setpriv), it runs as uid %d: run the tests as root", uid)
	}
	return nil
}

// setupScript is the shell that runs inside the new namespace: volumes, the
// read-only root, then setpriv into the command ("$@").
func setupScript(t tools, c Container) (string, error) {
	vols := make([]string, 0, len(c.Volumes))
	for _, v := range c.Volumes {
		if !filepath.IsAbs(v) {
			return "", fmt.Errorf("fargatesim: volume %q is not an absolute path", v)
		}
		fi, err := os.Stat(v)
		if err != nil || !fi.IsDir() {
			return "", fmt.Errorf("fargatesim: volume %s is not a directory: %v", v, err)
		}
		vols = append(vols, filepath.Clean(v))
	}
	writable, err := writableMounts(vols)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	line := func(words ...string) {
		quoted := make([]string, len(words))
		for i, w := range words {
			quoted[i] = shellQuote(w)
		}
		b.WriteString(strings.Join(quoted, " ") + "\n")
	}
	b.WriteString("set -e\n")
	line(t.mount, "--make-rprivate", "/")
	for _, v := range vols {
		line(t.mount, "--bind", v, v)
	}
	line(t.mount, "-o", "remount,ro,bind", "/")
	// A mount listed above may be gone by now (another process unmounted
	// it); its path then lies on a file system already made read-only.
	for _, m := range writable {
		b.WriteString(shellQuote(t.mount) + " -o remount,ro,bind " + shellQuote(m) + " || ! mountpoint -q " + shellQuote(m) + "\n")
	}
	b.WriteString("echo ready >&3\nexec 3>&-\n")
	sp := []string{"exec", t.setpriv,
		fmt.Sprintf("--reuid=%d", c.UID), fmt.Sprintf("--regid=%d", c.GID), "--clear-groups",
		// setuid clears the parent-death signal; set it again so that a
		// killed unshare takes the container with it.
		"--pdeathsig=SIGKILL"}
	if c.Capabilities != nil {
		set := "-all"
		for _, cp := range c.Capabilities {
			set += ",+" + strings.TrimPrefix(strings.ToLower(cp), "cap_")
		}
		sp = append(sp, "--inh-caps="+set, "--bounding-set="+set)
	}
	line(append(sp, "--")...)
	return strings.TrimSuffix(b.String(), "\n") + ` "$@"` + "\n", nil
}

// writableMounts lists the mount points, other than "/", the pseudo file
// systems and the volumes, that are read-write now: in the namespace they
// are remounted read-only, as nothing but volumes is writable in the task.
func writableMounts(vols []string) ([]string, error) {
	data, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return nil, fmt.Errorf("fargatesim: read mountinfo: %w", err)
	}
	isVol := map[string]bool{}
	for _, v := range vols {
		isVol[v] = true
	}
	seen := map[string]bool{}
	var out []string
	for _, l := range strings.Split(string(data), "\n") {
		f := strings.Fields(l)
		if len(f) < 6 {
			continue
		}
		mp, opts := unescapeMount(f[4]), strings.Split(f[5], ",")
		if mp == "/" || isVol[mp] || seen[mp] || opts[0] == "ro" || underPseudo(mp) {
			continue
		}
		seen[mp] = true
		out = append(out, mp)
	}
	return out, nil
}

func underPseudo(mp string) bool {
	for _, p := range []string{"/proc", "/sys", "/dev"} {
		if mp == p || strings.HasPrefix(mp, p+"/") {
			return true
		}
	}
	return false
}

// unescapeMount decodes mountinfo's octal escapes (\040 for a space).
func unescapeMount(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("/-_.,=:+@%", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
