package testenv

import (
	"context"
	_ "embed"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/advana-export/terraform-aws-advana-export/planreview/emulator"
)

// motoIAMPatches is moto_server with the fixes IAM enforcement needs (see
// the file: signed queries, service principals, Secrets Manager and KMS
// resources).
//
//go:embed motoiam.py
var motoIAMPatches string

// ECSPrincipal is the service principal that ECS assumes task and execution
// roles as. An emulator that enforces IAM has a user of this name, with
// which a test plays ECS: it can assume a role only if the role trusts ECS.
const ECSPrincipal = "ecs-tasks.amazonaws.com"

// adminUser is the emulator's administrator once it enforces IAM: Terraform
// and the tests' read-backs sign with its key.
const adminUser = "terratest"

// StartMotoIAM starts a moto server that can enforce IAM: it answers every
// request as StartMoto's does until EnforceIAM, and from then on only
// requests signed by a key of its IAM and allowed by that identity's
// policies.
func StartMotoIAM(ctx context.Context) (*Moto, error) {
	server, err := exec.LookPath("moto_server")
	if err != nil {
		return nil, fmt.Errorf("moto_server not found on PATH (install Python moto[server] 5; .ci/run checks for it): %w", err)
	}
	// The Python that runs moto_server: pyenv's shim folder holds both.
	python := filepath.Join(filepath.Dir(server), "python3")
	if _, err := os.Stat(python); err != nil {
		if python, err = exec.LookPath("python3"); err != nil {
			return nil, fmt.Errorf("no python3 beside %s nor on PATH: %w", server, err)
		}
	}
	m, err := emulator.StartMotoCmd(ctx, func(port int) *exec.Cmd {
		return exec.Command(python, "-c", motoIAMPatches, "-H", "127.0.0.1", "-p", fmt.Sprint(port))
	})
	if err != nil {
		return nil, err
	}
	return &Moto{Moto: m}, nil
}

// EnforceIAM makes, in the IAM of each region's partition, the
// administrator (an inline policy allowing everything, and an access key)
// and the user ECSPrincipal (allowed sts:AssumeRole only), then turns IAM
// enforcement on. Make whatever must exist before anyone signs (a role
// another account's provider assumes) before calling it.
func (m *Moto) EnforceIAM(ctx context.Context, regions ...string) error {
	m.keys = map[string]aws.Credentials{}
	for _, region := range regions {
		c := iam.NewFromConfig(m.Config(region))
		for user, action := range map[string]string{adminUser: "*", ECSPrincipal: "sts:AssumeRole"} {
			if _, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(user)}); err != nil {
				return fmt.Errorf("create IAM user %s in %s: %w", user, region, err)
			}
			if _, err := c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String(user), PolicyName: aws.String("allow"),
				PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"` + action + `","Resource":"*"}]}`)}); err != nil {
				return fmt.Errorf("policy of IAM user %s in %s: %w", user, region, err)
			}
			key, err := c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(user)})
			if err != nil {
				return fmt.Errorf("access key of IAM user %s in %s: %w", user, region, err)
			}
			m.keys[user+" "+partitionOf(region)] = aws.Credentials{
				AccessKeyID: aws.ToString(key.AccessKey.AccessKeyId), SecretAccessKey: aws.ToString(key.AccessKey.SecretAccessKey)}
		}
	}
	resp, err := http.Post(m.Endpoint+"/moto-api/reset-auth", "text/plain", strings.NewReader("0"))
	if err != nil {
		return fmt.Errorf("turn IAM enforcement on: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("turn IAM enforcement on: %s", resp.Status)
	}
	return nil
}

// Credentials are the administrator's in region's partition once the
// emulator enforces IAM, the fake ones before.
func (m *Moto) Credentials(region string) aws.Credentials {
	if c, ok := m.keys[adminUser+" "+partitionOf(region)]; ok {
		return c
	}
	return aws.Credentials{AccessKeyID: MotoAccessKey, SecretAccessKey: MotoSecretKey}
}

// Config is an SDK configuration for this emulator in region, signed with
// Credentials(region).
func (m *Moto) Config(region string) aws.Config {
	cfg := AWSConfig(m.Endpoint)
	cfg.Region = region
	cfg.Credentials = credentials.StaticCredentialsProvider{Value: m.Credentials(region)}
	return cfg
}

// AsECS is Config signed as ECS (ECSPrincipal) would sign: with it a test
// assumes a task's roles the way ECS does, refused if the role does not
// trust ECS. It needs EnforceIAM.
func (m *Moto) AsECS(region string) (aws.Config, error) {
	c, ok := m.keys[ECSPrincipal+" "+partitionOf(region)]
	if !ok {
		return aws.Config{}, fmt.Errorf("the emulator has no %s user in %s: call EnforceIAM with that region", ECSPrincipal, region)
	}
	cfg := m.Config(region)
	cfg.Credentials = credentials.StaticCredentialsProvider{Value: c}
	return cfg, nil
}

// partitionOf is the AWS partition a region is in (the ones the tests use).
func partitionOf(region string) string {
	if strings.HasPrefix(region, "us-gov-") {
		return "aws-us-gov"
	}
	return "aws"
}
