package testenv

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"syscall"
	"time"
)

// Fake credentials and region for the emulator; moto accepts any.
const (
	MotoAccessKey = "testing"
	MotoSecretKey = "testing"
	MotoRegion    = "us-east-1"
	// MotoAccountID is moto's default account.
	MotoAccountID = "123456789012"
)

// Moto is a running moto_server on a loopback port.
type Moto struct {
	Endpoint string
	Port     int

	cmd  *exec.Cmd
	done chan error
}

// StartMoto starts moto_server (from PATH) on a free loopback port and waits
// until it answers HTTP.
func StartMoto(ctx context.Context) (*Moto, error) {
	path, err := exec.LookPath("moto_server")
	if err != nil {
		return nil, fmt.Errorf("moto_server not found on PATH (install Python moto[server] 5; .ci/run checks for it): %w", err)
	}
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		m, err := startMoto(ctx, path)
		if err == nil {
			return m, nil
		}
		lastErr = err
	}
	return nil, lastErr
}

func startMoto(ctx context.Context, path string) (*Moto, error) {
	port, err := FreePort()
	if err != nil {
		return nil, err
	}
	var logs bytes.Buffer
	m := &Moto{Port: port, Endpoint: fmt.Sprintf("http://127.0.0.1:%d", port), done: make(chan error, 1)}
	m.cmd = exec.Command(path, "-H", "127.0.0.1", "-p", fmt.Sprint(port))
	m.cmd.Stdout, m.cmd.Stderr = &logs, &logs
	m.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := m.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start moto_server: %w", err)
	}
	go func() { m.done <- m.cmd.Wait() }()
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-m.done:
			return nil, fmt.Errorf("moto_server exited during start-up: %v: %s", err, logs.String())
		case <-ctx.Done():
			m.Stop()
			return nil, ctx.Err()
		case <-time.After(150 * time.Millisecond):
		}
		resp, err := client.Get(m.Endpoint + "/moto-api/data.json")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return m, nil
			}
		}
	}
	m.Stop()
	return nil, fmt.Errorf("moto_server did not answer within 60s: %s", logs.String())
}

// Env returns the AWS SDK environment that points every client at this server.
func (m *Moto) Env() []string {
	return []string{
		"AWS_ACCESS_KEY_ID=" + MotoAccessKey, "AWS_SECRET_ACCESS_KEY=" + MotoSecretKey,
		"AWS_REGION=" + MotoRegion, "AWS_DEFAULT_REGION=" + MotoRegion,
		"AWS_ENDPOINT_URL=" + m.Endpoint, "AWS_EC2_METADATA_DISABLED=true",
		"AWS_CONFIG_FILE=" + os.DevNull, "AWS_SHARED_CREDENTIALS_FILE=" + os.DevNull,
	}
}

// Stop ends the server (and any worker it spawned).
func (m *Moto) Stop() {
	if m.cmd == nil || m.cmd.Process == nil {
		return
	}
	_ = syscall.Kill(-m.cmd.Process.Pid, syscall.SIGTERM)
	select {
	case <-m.done:
	case <-time.After(10 * time.Second):
		_ = syscall.Kill(-m.cmd.Process.Pid, syscall.SIGKILL)
		<-m.done
	}
}
