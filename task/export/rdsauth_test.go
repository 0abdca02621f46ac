package export

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/advana-export/terraform-aws-advana-export/task/config"
)

func TestRDSTokenIsASignedConnectRequest(t *testing.T) {
	cfg := aws.Config{Region: "us-gov-west-1", Credentials: credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", "")}
	db := config.Conn{Host: "db.abc.us-gov-west-1.rds.amazonaws.com", Port: 5432, User: "exporter"}
	token, err := rdsToken(context.Background(), cfg, db)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"db.abc.us-gov-west-1.rds.amazonaws.com:5432?", "Action=connect", "DBUser=exporter", "X-Amz-Signature=", "us-gov-west-1%2Frds-db"} {
		if !strings.Contains(token, want) {
			t.Errorf("token %q lacks %q", token, want)
		}
	}
	if _, err := rdsToken(context.Background(), aws.Config{Region: "us-east-1"}, db); err == nil {
		t.Error("token built without credentials")
	}
}
