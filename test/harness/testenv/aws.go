package testenv

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// AWSConfig is an SDK configuration for the emulator at endpoint.
func AWSConfig(endpoint string) aws.Config {
	return aws.Config{
		Region:       MotoRegion,
		Credentials:  credentials.NewStaticCredentialsProvider(MotoAccessKey, MotoSecretKey, ""),
		BaseEndpoint: aws.String(endpoint),
	}
}

// S3Client returns a path-style S3 client for the emulator.
func (m *Moto) S3Client() *s3.Client {
	return s3.NewFromConfig(AWSConfig(m.Endpoint), func(o *s3.Options) { o.UsePathStyle = true })
}

// ExportTarget creates a customer-managed KMS key and a versioned bucket
// encrypted with it, the way the module does, and returns both.
func (m *Moto) ExportTarget(ctx context.Context, bucket string) (keyARN string, err error) {
	key, err := kms.NewFromConfig(AWSConfig(m.Endpoint)).CreateKey(ctx, &kms.CreateKeyInput{Description: aws.String("export test key")})
	if err != nil {
		return "", fmt.Errorf("create KMS key: %w", err)
	}
	keyARN = aws.ToString(key.KeyMetadata.Arn)
	c := m.S3Client()
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		return "", fmt.Errorf("create bucket %s: %w", bucket, err)
	}
	if _, err := c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String(bucket),
		VersioningConfiguration: &s3types.VersioningConfiguration{Status: s3types.BucketVersioningStatusEnabled}}); err != nil {
		return "", fmt.Errorf("enable versioning on %s: %w", bucket, err)
	}
	if _, err := c.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{Bucket: aws.String(bucket),
		ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{Rules: []s3types.ServerSideEncryptionRule{{
			ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{
				SSEAlgorithm: s3types.ServerSideEncryptionAwsKms, KMSMasterKeyID: aws.String(keyARN)},
			BucketKeyEnabled: aws.Bool(true)}}}}); err != nil {
		return "", fmt.Errorf("set encryption on %s: %w", bucket, err)
	}
	return keyARN, nil
}

// EnableObjectLock turns S3 Object Lock on for an existing versioned bucket
// with no default retention rule, as the module's export bucket has it: an
// object is locked only when someone puts retention on it.
func (m *Moto) EnableObjectLock(ctx context.Context, bucket string) error {
	_, err := m.S3Client().PutObjectLockConfiguration(ctx, &s3.PutObjectLockConfigurationInput{Bucket: aws.String(bucket),
		ObjectLockConfiguration: &s3types.ObjectLockConfiguration{ObjectLockEnabled: s3types.ObjectLockEnabledEnabled}})
	if err != nil {
		return fmt.Errorf("enable Object Lock on %s: %w", bucket, err)
	}
	return nil
}

// AssumeRole returns cfg with the credentials of roleARN, as ECS hands a
// task its task role's (or the execution role's, for secrets): a test runs
// a container, or tries what the role may do, with the role's own
// credentials instead of the emulator's root ones. moto evaluates the role's
// identity policies only when it enforces IAM (INITIAL_NO_AUTH_ACTION_COUNT);
// S3's own refusals (Object Lock) hold either way.
func AssumeRole(ctx context.Context, cfg aws.Config, roleARN, session string) (aws.Config, error) {
	out, err := sts.NewFromConfig(cfg).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(roleARN), RoleSessionName: aws.String(session)})
	if err != nil {
		return aws.Config{}, fmt.Errorf("assume role %s: %w", roleARN, err)
	}
	c := out.Credentials
	role := cfg.Copy()
	role.Credentials = credentials.NewStaticCredentialsProvider(aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken))
	return role, nil
}
