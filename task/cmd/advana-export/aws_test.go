package main

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/advana-export/terraform-aws-advana-export/task/logging"
)

// hostRecorder is an HTTP client that records each request's host and
// answers none of them: endpoint resolution is tested, nothing leaves.
type hostRecorder struct {
	mu    sync.Mutex
	hosts []string
}

var errNoNetwork = errors.New("recorded, not sent")

func (h *hostRecorder) Do(r *http.Request) (*http.Response, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.hosts = append(h.hosts, r.URL.Host)
	return nil, errNoNetwork
}

// TestFIPSEndpoints builds the export's clients as runExport does, from the
// environment the task definition gives (AWS_REGION, AWS_USE_FIPS_ENDPOINT),
// and records the host each one's first call goes to. In us-gov-west-1 with
// FIPS endpoints on, S3 and KMS resolve their -fips hosts; off, the plain
// ones (so the test can tell). The database secret is fetched by ECS (the
// execution role), not by the task, and the task makes no STS call: its
// credentials come from the container credentials endpoint. An RDS IAM token
// is signed for the database's own host (no AWS endpoint to pick).
func TestFIPSEndpoints(t *testing.T) {
	for _, tc := range []struct {
		region, fips string
		wantS3       string
		wantKMS      string
	}{
		{"us-gov-west-1", "true", "advana-exports.s3-fips.us-gov-west-1.amazonaws.com", "kms-fips.us-gov-west-1.amazonaws.com"},
		{"us-gov-east-1", "true", "advana-exports.s3-fips.us-gov-east-1.amazonaws.com", "kms-fips.us-gov-east-1.amazonaws.com"},
		{"us-gov-west-1", "false", "advana-exports.s3.us-gov-west-1.amazonaws.com", "kms.us-gov-west-1.amazonaws.com"},
		{"us-east-1", "true", "advana-exports.s3-fips.us-east-1.amazonaws.com", "kms-fips.us-east-1.amazonaws.com"},
	} {
		t.Run(tc.region+"/fips="+tc.fips, func(t *testing.T) {
			isolatedAWSEnv(t)
			t.Setenv("AWS_USE_FIPS_ENDPOINT", tc.fips)
			rec := &hostRecorder{}
			log, _ := logging.New(io.Discard)
			cfg, err := loadAWS(context.Background(), log, tc.region, awsconfig.WithHTTPClient(rec), awsconfig.WithRetryMaxAttempts(1))
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			_, err = s3Client(cfg, false).HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("advana-exports")})
			if !errors.Is(err, errNoNetwork) {
				t.Fatalf("S3 call: %v", err)
			}
			_, err = kmsClient(cfg).DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String("alias/advana/exports")})
			if !errors.Is(err, errNoNetwork) {
				t.Fatalf("KMS call: %v", err)
			}
			want := []string{tc.wantS3, tc.wantKMS}
			if strings.Join(rec.hosts, " ") != strings.Join(want, " ") {
				t.Errorf("hosts %v, want %v", rec.hosts, want)
			}
		})
	}
}

// TestFIPSWithNamedEndpoint: AWS_ENDPOINT_URL (an emulator, an
// S3-compatible server) is used as given even with FIPS endpoints on; the
// SDK alone would refuse every call ("FIPS and custom endpoint are not
// supported"), and the log says FIPS resolution was not used.
func TestFIPSWithNamedEndpoint(t *testing.T) {
	isolatedAWSEnv(t)
	t.Setenv("AWS_USE_FIPS_ENDPOINT", "true")
	t.Setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
	rec := &hostRecorder{}
	var out strings.Builder
	log, _ := logging.New(&out)
	cfg, err := loadAWS(context.Background(), log, "us-gov-west-1", awsconfig.WithHTTPClient(rec), awsconfig.WithRetryMaxAttempts(1))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := s3Client(cfg, true).HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("advana-exports")}); !errors.Is(err, errNoNetwork) {
		t.Fatalf("S3 call: %v", err)
	}
	if _, err := kmsClient(cfg).DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String("k")}); !errors.Is(err, errNoNetwork) {
		t.Fatalf("KMS call: %v", err)
	}
	if strings.Join(rec.hosts, " ") != "127.0.0.1:9 127.0.0.1:9" {
		t.Errorf("hosts %v, want the named endpoint twice", rec.hosts)
	}
	if !strings.Contains(out.String(), `"event":"fips_endpoints_not_used"`) {
		t.Errorf("no fips_endpoints_not_used event in the log:\n%s", out.String())
	}
}

// isolatedAWSEnv gives the SDK fake credentials and nothing from the
// machine (no shared config, no instance metadata, no endpoint override).
func isolatedAWSEnv(t *testing.T) {
	t.Helper()
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID": "AKIDFIPSTEST", "AWS_SECRET_ACCESS_KEY": "fips-test", "AWS_SESSION_TOKEN": "",
		"AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null", "AWS_PROFILE": "",
		"AWS_EC2_METADATA_DISABLED": "true", "AWS_ENDPOINT_URL": "", "AWS_USE_FIPS_ENDPOINT": "", "AWS_CA_BUNDLE": "",
	} {
		t.Setenv(k, v)
	}
}
