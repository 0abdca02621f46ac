package testenv

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/advana-export/terraform-aws-advana-export/planreview/emulator"
)

// Credentials and region versitygw is started with.
const (
	VersitygwAccessKey = "benchaccess"
	VersitygwSecretKey = "benchsecret0123456789"
	VersitygwRegion    = "us-east-1"
)

// Versitygw is a running versitygw (an S3 server over a folder) on a free
// loopback port. The benchmark uses it where moto would be the bottleneck:
// moto's S3 holds about 3 GB of RSS for one 1 GB object and moves about
// 120 MB/s. versitygw accepts SSE-KMS headers without encrypting.
type Versitygw struct {
	Endpoint string

	dir  string
	proc *emulator.Process
}

// StartVersitygw serves a new folder under parent with the versitygw binary
// at bin (the caller installs it: `go install
// github.com/versity/versitygw/cmd/versitygw@v1.8.0`).
func StartVersitygw(ctx context.Context, bin, parent string) (*Versitygw, error) {
	dir, err := os.MkdirTemp(parent, "versitygw-")
	if err != nil {
		return nil, fmt.Errorf("create versitygw folder: %w", err)
	}
	port, err := emulator.FreePort()
	if err != nil {
		return nil, err
	}
	v := &Versitygw{Endpoint: fmt.Sprintf("http://127.0.0.1:%d", port), dir: dir}
	cmd := exec.Command(bin, "--access", VersitygwAccessKey, "--secret", VersitygwSecretKey, "--region", VersitygwRegion,
		"--port", fmt.Sprintf("127.0.0.1:%d", port), "posix", dir)
	// Any HTTP answer (an anonymous request is refused) means it listens.
	if v.proc, err = emulator.StartProcess(ctx, "versitygw", cmd, v.Endpoint, func(int) bool { return true }, 30*time.Second); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return v, nil
}

// Stop ends the server and removes its folder.
func (v *Versitygw) Stop() {
	v.proc.Stop()
	os.RemoveAll(v.dir)
}

// Env points the AWS SDK and CLI at the server.
func (v *Versitygw) Env() []string {
	return awsEnv(VersitygwAccessKey, VersitygwSecretKey, VersitygwRegion, v.Endpoint)
}

// S3Client returns a path-style S3 client for the server.
func (v *Versitygw) S3Client() *s3.Client {
	return s3.NewFromConfig(aws.Config{
		Region:       VersitygwRegion,
		Credentials:  credentials.NewStaticCredentialsProvider(VersitygwAccessKey, VersitygwSecretKey, ""),
		BaseEndpoint: aws.String(v.Endpoint),
	}, func(o *s3.Options) { o.UsePathStyle = true })
}

// awsEnv is the environment that points the SDK and the CLI at a local
// server, and at nothing from the developer's own AWS configuration.
func awsEnv(access, secret, region, endpoint string) []string {
	return []string{
		"AWS_ACCESS_KEY_ID=" + access, "AWS_SECRET_ACCESS_KEY=" + secret,
		"AWS_REGION=" + region, "AWS_DEFAULT_REGION=" + region,
		"AWS_ENDPOINT_URL=" + endpoint, "AWS_EC2_METADATA_DISABLED=true",
		"AWS_CONFIG_FILE=" + os.DevNull, "AWS_SHARED_CREDENTIALS_FILE=" + os.DevNull,
	}
}
