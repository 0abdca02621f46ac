package export

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
)

// KeyDescriber is the one KMS call the task makes.
type KeyDescriber interface {
	DescribeKey(context.Context, *kms.DescribeKeyInput, ...func(*kms.Options)) (*kms.DescribeKeyOutput, error)
}

// isAlias reports whether id names a key by alias (alias/NAME or an alias ARN).
func isAlias(id string) bool {
	return strings.HasPrefix(id, "alias/") || strings.Contains(id, ":alias/")
}

// resolveKey turns an alias into its key's ARN. The module passes the alias
// ARN, which Terraform knows before the key exists, so a first plan shows the
// task's whole configuration; the bucket policy accepts uploads that name the
// key by its ARN only, so the task sends the ARN. Key ids and ARNs are used
// as given, without a call.
func resolveKey(ctx context.Context, c KeyDescriber, id string) (string, error) {
	if !isAlias(id) {
		return id, nil
	}
	if c == nil {
		return "", fmt.Errorf("resolve KMS alias %s: no KMS client", id)
	}
	out, err := c.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(id)})
	if err != nil {
		return "", fmt.Errorf("resolve KMS alias %s (the task role needs kms:DescribeKey on its key): %w", id, err)
	}
	if out.KeyMetadata == nil || aws.ToString(out.KeyMetadata.Arn) == "" {
		return "", fmt.Errorf("resolve KMS alias %s: no key ARN in the answer", id)
	}
	return aws.ToString(out.KeyMetadata.Arn), nil
}
