// Package emulator starts the local AWS emulator (moto_server) that
// plan-review's deployed mode applies a configuration to, as a child process on
// a free loopback port. The test harness (test/harness/testenv) starts its
// servers with the same code; nothing here imports the harness.
package emulator

import (
	"context"
	"fmt"
	"net/http"
	"os/exec"
	"time"
)

// Moto is a running moto_server.
type Moto struct {
	Endpoint string
	Port     int
	proc     *Process
}

// StartMoto starts moto_server from PATH.
func StartMoto(ctx context.Context) (*Moto, error) {
	path, err := exec.LookPath("moto_server")
	if err != nil {
		return nil, fmt.Errorf("moto_server not found on PATH (install Python moto[server] 5; .ci/run checks for it): %w", err)
	}
	return StartMotoCmd(ctx, func(port int) *exec.Cmd {
		return exec.Command(path, "-H", "127.0.0.1", "-p", fmt.Sprint(port))
	})
}

// StartMotoCmd starts the server that cmd(port) runs and waits until it
// answers HTTP, trying three ports (another process may take a free port
// first).
func StartMotoCmd(ctx context.Context, cmd func(port int) *exec.Cmd) (*Moto, error) {
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		m, err := startMotoOnce(ctx, cmd)
		if err == nil {
			return m, nil
		}
		lastErr = err
	}
	return nil, lastErr
}

func startMotoOnce(ctx context.Context, cmd func(port int) *exec.Cmd) (*Moto, error) {
	port, err := FreePort()
	if err != nil {
		return nil, err
	}
	m := &Moto{Port: port, Endpoint: fmt.Sprintf("http://127.0.0.1:%d", port)}
	m.proc, err = StartProcess(ctx, "moto_server", cmd(port),
		m.Endpoint+"/moto-api/data.json", func(status int) bool { return status == http.StatusOK }, 60*time.Second)
	if err != nil {
		return nil, err
	}
	return m, nil
}

// Stop ends the server (and any worker it spawned).
func (m *Moto) Stop() { m.proc.Stop() }
