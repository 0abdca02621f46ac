package testenv

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/scheduler"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
)

// TestMotoIAMEnforces proves what the deployed-system tests rely on: once
// EnforceIAM ran, the fake credentials are refused; ECS (the stand-in user)
// assumes only roles that trust it; a role's statements scoped to a prefix,
// a secret and a key allow exactly those, in each partition; and a signed
// list with a "/" in its prefix and a GET with no body pass (each a patch
// of motoiam.py).
func TestMotoIAMEnforces(t *testing.T) {
	SkipShort(t, "moto")
	ctx := context.Background()
	m, err := StartMotoIAM(ctx)
	if err != nil {
		t.Fatalf("start moto: %v", err)
	}
	t.Cleanup(m.Stop)
	regions := []string{"us-east-1", "us-gov-west-1"}
	if err := m.EnforceIAM(ctx, regions...); err != nil {
		t.Fatal(err)
	}
	if _, err := s3.NewFromConfig(AWSConfig(m.Endpoint)).ListBuckets(ctx, &s3.ListBucketsInput{}); err == nil {
		t.Error("the fake credentials were accepted after EnforceIAM")
	}
	for _, region := range regions {
		t.Run(region, func(t *testing.T) {
			partition := partitionOf(region)
			admin := m.Config(region)
			s3c := func(cfg aws.Config) *s3.Client {
				return s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
			}
			bucket := "iam-" + strings.ToLower(UniqueID())
			create := &s3.CreateBucketInput{Bucket: aws.String(bucket)}
			if region != "us-east-1" {
				create.CreateBucketConfiguration = &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraint(region)}
			}
			must(t, "create bucket", func() error { _, err := s3c(admin).CreateBucket(ctx, create); return err })
			must(t, "a REST GET with no body (scheduler)", func() error {
				_, err := scheduler.NewFromConfig(admin).ListSchedules(ctx, &scheduler.ListSchedulesInput{})
				return err
			})
			var secretARN, keyARN string
			must(t, "create secret", func() error {
				out, err := secretsmanager.NewFromConfig(admin).CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String(bucket), SecretString: aws.String("s")})
				secretARN = aws.ToString(out.ARN)
				return err
			})
			must(t, "create key", func() error {
				out, err := kms.NewFromConfig(admin).CreateKey(ctx, &kms.CreateKeyInput{})
				keyARN = aws.ToString(out.KeyMetadata.Arn)
				return err
			})
			policy := `{"Version":"2012-10-17","Statement":[` +
				`{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:` + partition + `:s3:::` + bucket + `/ok/*"},` +
				`{"Effect":"Allow","Action":"s3:ListBucketVersions","Resource":"arn:` + partition + `:s3:::` + bucket + `"},` +
				`{"Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"` + secretARN + `"},` +
				`{"Effect":"Allow","Action":"kms:DescribeKey","Resource":"` + keyARN + `"}]}`
			iamc := iam.NewFromConfig(admin)
			for role, principal := range map[string]string{"trusts-ecs": `{"Service":"` + ECSPrincipal + `"}`, "trusts-lambda": `{"Service":"lambda.amazonaws.com"}`} {
				must(t, "create role "+role, func() error {
					_, err := iamc.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(bucket + "-" + role),
						AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":` + principal + `}]}`)})
					if err != nil {
						return err
					}
					_, err = iamc.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(bucket + "-" + role), PolicyName: aws.String("p"), PolicyDocument: aws.String(policy)})
					return err
				})
			}
			ecs, err := m.AsECS(region)
			if err != nil {
				t.Fatal(err)
			}
			roleARN := "arn:" + partition + ":iam::" + MotoAccountID + ":role/" + bucket + "-"
			if _, err := AssumeRole(ctx, ecs, roleARN+"trusts-lambda", "ecs"); err == nil {
				t.Error("ECS assumed a role that trusts only Lambda")
			}
			task, err := AssumeRole(ctx, ecs, roleARN+"trusts-ecs", "ecs")
			if err != nil {
				t.Fatalf("ECS could not assume the role that trusts it: %v", err)
			}
			put := func(key string) error {
				_, err := s3c(task).PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: strings.NewReader("x")})
				return err
			}
			must(t, "put under ok/", func() error { return put("ok/a") })
			if put("no/a") == nil {
				t.Error("the role wrote outside the prefix its policy names")
			}
			must(t, "list versions under ok/", func() error {
				_, err := s3c(task).ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: aws.String(bucket), Prefix: aws.String("ok/")})
				return err
			})
			if _, err := s3c(task).GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("ok/a")}); err == nil {
				t.Error("the role read an object its policy does not let it read")
			}
			must(t, "read the secret its policy names", func() error {
				_, err := secretsmanager.NewFromConfig(task).GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(secretARN)})
				return err
			})
			must(t, "describe the key its policy names", func() error {
				_, err := kms.NewFromConfig(task).DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(keyARN)})
				return err
			})
			if _, err := kms.NewFromConfig(task).ListKeys(ctx, &kms.ListKeysInput{}); err == nil {
				t.Error("the role listed keys its policy does not name")
			}
		})
	}
}

func must(t *testing.T, what string, f func() error) {
	t.Helper()
	if err := f(); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}
