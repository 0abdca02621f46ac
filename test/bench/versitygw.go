package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// versitygw serves S3 from a folder (testenv.StartVersitygw). moto, which
// the correctness tests use, is the bottleneck for throughput (about
// 120 MB/s and 3 GB of RSS for one 1 GB object); versitygw is not, and it
// accepts the SSE-KMS headers (it does not encrypt) and S3's SHA-256
// checksums. The bench builds it into test/bench/.bin on first use.
const (
	versitygwModule  = "github.com/versity/versitygw"
	versitygwVersion = "v1.8.0"
	// kmsKeyARN is any well-formed key ARN: versitygw takes the SSE-KMS
	// headers and does not check the key.
	kmsKeyARN = "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-4000-8000-000000000000"
)

// installVersitygw makes sure binDir holds versitygw at versitygwVersion,
// building it with `go install` when it does not, and returns its path.
func installVersitygw(ctx context.Context, binDir string) (string, error) {
	bin := filepath.Join(binDir, "versitygw")
	if out, err := exec.CommandContext(ctx, "go", "version", "-m", bin).Output(); err == nil &&
		strings.Contains(string(out), versitygwModule+"\t"+versitygwVersion) {
		return bin, nil
	}
	if err := os.MkdirAll(binDir, 0o755); err != nil {
		return "", err
	}
	logf("installing versitygw %s into %s (go install; a minute or two on a cold module cache)", versitygwVersion, binDir)
	cmd := exec.CommandContext(ctx, "go", "install", versitygwModule+"/cmd/versitygw@"+versitygwVersion)
	cmd.Env = append(os.Environ(), "GOBIN="+binDir, "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("versitygw %s could not be installed (go install %s/cmd/versitygw@%s needs the Go module proxy); the bench needs it as its S3 server: %w\n%s",
			versitygwVersion, versitygwModule, versitygwVersion, err, out)
	}
	return bin, nil
}

// createBucket makes the bucket the contenders write to.
func createBucket(ctx context.Context, c *s3.Client, name string) error {
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		return fmt.Errorf("create bucket %s on versitygw: %w", name, err)
	}
	return nil
}
