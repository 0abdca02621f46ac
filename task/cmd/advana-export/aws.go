package main

import (
	"context"
	"crypto/fips140"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/sirupsen/logrus"
)

// fipsLine says whether the Go Cryptographic Module runs in FIPS 140-3 mode
// and which module version the binary was built with ("latest" is the Go
// tree's own, unfrozen copy; the image is built with GOFIPS140=v1.0.0).
func fipsLine() string {
	state := "off"
	if fips140.Enabled() {
		state = "on"
	}
	return "fips140: " + state + " (Go Cryptographic Module " + fips140.Version() + ")"
}

// loadAWS reads the SDK configuration from the environment the task
// definition gives (AWS_REGION, AWS_USE_FIPS_ENDPOINT, the task role's
// credentials). With FIPS endpoints on, the S3 and KMS clients resolve
// s3-fips.REGION / kms-fips.REGION (docs/govcloud.md). An endpoint named
// outright (AWS_ENDPOINT_URL: an emulator, an S3-compatible server) is used
// as given: the SDK refuses FIPS together with a custom endpoint, and that
// server is not AWS's, so FIPS resolution is turned off for it, and said.
func loadAWS(ctx context.Context, log *logrus.Logger, region string, opts ...func(*awsconfig.LoadOptions) error) (aws.Config, error) {
	cfg, err := awsconfig.LoadDefaultConfig(ctx, append([]func(*awsconfig.LoadOptions) error{awsconfig.WithRegion(region)}, opts...)...)
	if err != nil {
		return aws.Config{}, err
	}
	fips := useFIPS(ctx, cfg)
	if fips && cfg.BaseEndpoint != nil {
		log.WithFields(logrus.Fields{"event": "fips_endpoints_not_used", "endpoint": aws.ToString(cfg.BaseEndpoint)}).
			Warn("AWS_USE_FIPS_ENDPOINT is on but AWS_ENDPOINT_URL names the endpoint: using it as given")
		fips = false
	}
	log.WithFields(logrus.Fields{"event": "aws_config", "region": cfg.Region, "fips_endpoints": fips, "fips140": fipsLine()}).Info("AWS SDK configured")
	return cfg, nil
}

// useFIPS says whether the configuration asks for FIPS endpoints: the
// first source that says (options, then the environment, then shared
// config), as the SDK's clients read it.
func useFIPS(ctx context.Context, cfg aws.Config) bool {
	type fipsSource interface {
		GetUseFIPSEndpoint(context.Context) (aws.FIPSEndpointState, bool, error)
	}
	for _, src := range cfg.ConfigSources {
		if s, ok := src.(fipsSource); ok {
			if state, found, err := s.GetUseFIPSEndpoint(ctx); err == nil && found {
				return state == aws.FIPSEndpointStateEnabled
			}
		}
	}
	return false
}

// fipsOff drops FIPS resolution where an endpoint is named outright (loadAWS).
func fipsOff(cfg aws.Config) aws.FIPSEndpointState {
	if cfg.BaseEndpoint != nil {
		return aws.FIPSEndpointStateDisabled
	}
	return aws.FIPSEndpointStateUnset
}

// s3Client is the S3 client of every subcommand.
func s3Client(cfg aws.Config, pathStyle bool) *s3.Client {
	return s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.UsePathStyle = pathStyle
		if s := fipsOff(cfg); s != aws.FIPSEndpointStateUnset {
			o.EndpointOptions.UseFIPSEndpoint = s
		}
		// The SDK prints a plain-text line when a GetObject answer carries no
		// checksum (objects uploaded in one PUT); verify checks SHA-256 itself.
		o.DisableLogOutputChecksumValidationSkipped = true
	})
}

// kmsClient is the export's KMS client (DescribeKey on the bucket key).
func kmsClient(cfg aws.Config) *kms.Client {
	return kms.NewFromConfig(cfg, func(o *kms.Options) {
		if s := fipsOff(cfg); s != aws.FIPSEndpointStateUnset {
			o.EndpointOptions.UseFIPSEndpoint = s
		}
	})
}
