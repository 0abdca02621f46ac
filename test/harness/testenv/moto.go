package testenv

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/advana-export/terraform-aws-advana-export/planreview/emulator"
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

// Moto is a running moto_server on a loopback port (plan-review's emulator
// package starts it), with the credentials of the IAM users EnforceIAM made.
type Moto struct {
	*emulator.Moto

	// keys are the IAM users' credentials ("user partition") once EnforceIAM ran.
	keys map[string]aws.Credentials
}

// StartMoto starts moto_server (from PATH) on a free loopback port and waits
// until it answers HTTP.
func StartMoto(ctx context.Context) (*Moto, error) {
	m, err := emulator.StartMoto(ctx)
	if err != nil {
		return nil, err
	}
	return &Moto{Moto: m}, nil
}

// Env returns the AWS SDK environment that points every client at this server.
func (m *Moto) Env() []string {
	return awsEnv(MotoAccessKey, MotoSecretKey, MotoRegion, m.Endpoint)
}
