package export

import (
	"context"
	"fmt"
	"net"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/rds/auth"

	"github.com/advana-export/terraform-aws-advana-export/task/config"
)

// rdsToken builds a 15-minute RDS IAM authentication token for db's user;
// it is used as the password and is as secret as one.
func rdsToken(ctx context.Context, cfg aws.Config, db config.Conn) (string, error) {
	if cfg.Credentials == nil {
		return "", fmt.Errorf("RDS IAM authentication: no AWS credentials (the task role provides them on ECS)")
	}
	endpoint := net.JoinHostPort(db.Host, strconv.Itoa(db.Port))
	token, err := auth.BuildAuthToken(ctx, endpoint, cfg.Region, db.User, cfg.Credentials)
	if err != nil {
		return "", fmt.Errorf("RDS IAM authentication: build token for %s@%s: %w", db.User, endpoint, err)
	}
	return token, nil
}
