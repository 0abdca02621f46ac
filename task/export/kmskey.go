package export

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"

	"github.com/advana-export/terraform-aws-advana-export/task/config"
)

// KeyDescriber is the one KMS call the task makes.
type KeyDescriber interface {
	DescribeKey(context.Context, *kms.DescribeKeyInput, ...func(*kms.Options)) (*kms.DescribeKeyOutput, error)
}

// resolveKey checks the key before pg_dump starts and returns its ARN. The
// module passes the alias ARN, which Terraform knows before the key exists,
// so a first plan shows the task's whole configuration; the bucket policy
// accepts uploads that name the key by its ARN only, so the task sends the
// ARN. Every form (alias, id, ARN) is described: a key that does not exist
// or is disabled would otherwise surface only at CreateMultipartUpload,
// after the dump has started.
func resolveKey(ctx context.Context, c KeyDescriber, id string) (string, error) {
	if c == nil {
		return "", &Error{Kind: KindConfig, Err: fmt.Errorf("%s %s: no KMS client", config.EnvKMSKeyID, id)}
	}
	out, err := c.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(id)})
	var nf *kmstypes.NotFoundException
	switch {
	case errors.As(err, &nf):
		return "", &Error{Kind: KindConfig, Err: fmt.Errorf("%s=%s: no such KMS key or alias in this account and region; set it to the export bucket's key (module output kms_key_arn): %w", config.EnvKMSKeyID, id, err)}
	case err != nil:
		return "", &Error{Kind: KindStorage, Err: fmt.Errorf("%s=%s: describe the key (the task role needs kms:DescribeKey on it): %w", config.EnvKMSKeyID, id, err)}
	case out.KeyMetadata == nil || aws.ToString(out.KeyMetadata.Arn) == "":
		return "", &Error{Kind: KindStorage, Err: fmt.Errorf("%s=%s: no key ARN in the DescribeKey answer", config.EnvKMSKeyID, id)}
	case !out.KeyMetadata.Enabled:
		return "", &Error{Kind: KindConfig, Err: fmt.Errorf("%s=%s: key %s is %s, not enabled; S3 cannot encrypt with it", config.EnvKMSKeyID, id, aws.ToString(out.KeyMetadata.Arn), out.KeyMetadata.KeyState)}
	}
	return aws.ToString(out.KeyMetadata.Arn), nil
}
