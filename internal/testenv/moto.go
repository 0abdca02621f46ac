package testenv

import (
	"context"
	"fmt"
	"net/http"
	"os/exec"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// Fake credentials and region for the emulator; moto accepts any.
const (
	MotoAccessKey = "testing"
	MotoSecretKey = "testing"
	MotoRegion    = "us-east-1"
	// MotoAccountID is moto's default account.
	MotoAccountID = "123456789012"
	// MotoPartnerAccountID is the partner's (Advana's) account in tests:
	// moto serves it to whoever assumes a role in it.
	MotoPartnerAccountID = "210987654321"
)

// Moto is a running moto_server on a loopback port.
type Moto struct {
	Endpoint string
	Port     int

	proc *process
	// keys are the IAM users' credentials ("user partition") once EnforceIAM ran.
	keys map[string]aws.Credentials
}

// StartMoto starts moto_server (from PATH) on a free loopback port and waits
// until it answers HTTP.
func StartMoto(ctx context.Context) (*Moto, error) {
	path, err := exec.LookPath("moto_server")
	if err != nil {
		return nil, fmt.Errorf("moto_server not found on PATH (install Python moto[server] 5; .ci/run checks for it): %w", err)
	}
	return startMotoCmd(ctx, func(port int) *exec.Cmd {
		return exec.Command(path, "-H", "127.0.0.1", "-p", fmt.Sprint(port))
	})
}

// startMotoCmd starts the server that cmd(port) runs, on a free port, trying
// three ports (another process may take a free port first).
func startMotoCmd(ctx context.Context, cmd func(port int) *exec.Cmd) (*Moto, error) {
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
	m.proc, err = startProcess(ctx, "moto_server", cmd(port),
		m.Endpoint+"/moto-api/data.json", func(status int) bool { return status == http.StatusOK }, 60*time.Second)
	if err != nil {
		return nil, err
	}
	return m, nil
}

// Env returns the AWS SDK environment that points every client at this server.
func (m *Moto) Env() []string {
	return awsEnv(MotoAccessKey, MotoSecretKey, MotoRegion, m.Endpoint)
}

// Stop ends the server (and any worker it spawned).
func (m *Moto) Stop() { m.proc.stop() }
