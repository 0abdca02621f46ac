package emulator

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os/exec"
	"syscall"
	"time"
)

// Process is a server child in its own process group (so Stop reaches any
// worker it spawns), killed if the parent dies.
type Process struct {
	name string
	cmd  *exec.Cmd
	done chan error
	logs bytes.Buffer
}

// StartProcess starts cmd and waits until url answers HTTP with a status
// that ready accepts, the process exits, or timeout passes.
func StartProcess(ctx context.Context, name string, cmd *exec.Cmd, url string, ready func(status int) bool, timeout time.Duration) (*Process, error) {
	p := &Process{name: name, cmd: cmd, done: make(chan error, 1)}
	cmd.Stdout, cmd.Stderr = &p.logs, &p.logs
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	go func() { p.done <- cmd.Wait() }()
	client := &http.Client{Timeout: time.Second}
	for deadline := time.Now().Add(timeout); time.Now().Before(deadline); {
		select {
		case err := <-p.done:
			return nil, fmt.Errorf("%s exited during start-up: %v: %s", name, err, p.logs.String())
		case <-ctx.Done():
			p.Stop()
			return nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if resp, err := client.Get(url); err == nil {
			resp.Body.Close()
			if ready(resp.StatusCode) {
				return p, nil
			}
		}
	}
	p.Stop()
	return nil, fmt.Errorf("%s did not answer within %s: %s", name, timeout, p.logs.String())
}

// Stop ends the process group: SIGTERM, then SIGKILL after 10 s.
func (p *Process) Stop() {
	if p == nil || p.cmd.Process == nil {
		return
	}
	_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
		<-p.done
	}
}
