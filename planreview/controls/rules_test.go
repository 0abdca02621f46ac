package controls

import (
	"reflect"
	"strings"
	"testing"

	"github.com/advana-export/terraform-aws-advana-export/planreview/policy"
)

func TestSecretLooking(t *testing.T) {
	cases := []struct {
		name, value string
		secret      bool
	}{
		{"PGPASSWORD", "hunter2", true},
		{"DB_SECRET", "x", true},
		{"GITHUB_TOKEN", "abc", true},
		{"API_KEY", "abc", true},
		{"PGPASSWORD", "", false}, // no literal value
		{"ADVANA_EXPORT_KMS_KEY_ID", "arn:aws:kms:us-east-1:111111111111:key/1", false},
		{"PGHOST", "db.internal", false},
		{"PGUSER", "export", false},
		{"AWS_REGION", "us-east-1", false},
		{"SOME_VAR", "AKIAABCDEFGHIJKLMNOP", true},
		{"DATABASE_URL", "postgres://u:p4ss@db/x", true},
		{"DATABASE_URL", "postgres://db/x", false},
		{"CERT", "-----BEGIN RSA PRIVATE KEY-----", true},
	}
	for _, tc := range cases {
		if got := secretLooking(tc.name, tc.value) != ""; got != tc.secret {
			t.Errorf("secretLooking(%s=%q) = %v, want %v", tc.name, tc.value, got, tc.secret)
		}
	}
}

func TestKeptCapsAndRoot(t *testing.T) {
	all := []string{"AUDIT_WRITE", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "NET_RAW", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"}
	cases := []struct {
		drop []string
		kept []string
	}{
		{[]string{"ALL"}, nil},
		{all, []string{"CHOWN"}},
		{all[2:], []string{"AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE"}},
		{nil, dockerDefaultCaps},
	}
	for _, tc := range cases {
		if got := keptCaps(tc.drop); !reflect.DeepEqual(got, tc.kept) {
			t.Errorf("keptCaps(%v) = %v, want %v", tc.drop, got, tc.kept)
		}
	}
	for user, root := range map[string]bool{"": true, "0": true, "0:0": true, "root": true, "1000:1000": false, "1000": false} {
		if isRoot(user) != root {
			t.Errorf("isRoot(%q) = %v, want %v", user, !root, root)
		}
	}
}

func TestJudgeResources(t *testing.T) {
	star := []policy.Value{{Text: "*", Known: true}}
	cases := []struct {
		name    string
		kind    string
		actions []string
		res     []policy.Value
		want    Status
	}{
		{"key policy *", "key", []string{"kms:Decrypt"}, star, Pass},
		{"GetAuthorizationToken on *", "identity", []string{"ecr:GetAuthorizationToken"}, star, Pass},
		{"GetObject on *", "identity", []string{"s3:GetObject"}, star, Fail},
		{"mixed on *", "identity", []string{"ecr:GetAuthorizationToken", "ecr:BatchGetImage"}, star, Fail},
		{"unknown with refs", "identity", []string{"s3:PutObject"}, []policy.Value{{Refs: []string{"aws_s3_bucket.this.arn"}}}, Pass},
		{"unknown without refs", "identity", []string{"s3:PutObject"}, []policy.Value{{}}, Unknown},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, _ := judgeResources(policy.Document{Kind: tc.kind}, policy.Statement{Effect: "Allow", Actions: tc.actions, Resources: tc.res})
			if got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}

func TestResourceName(t *testing.T) {
	cases := map[string]string{
		"arn:aws:s3:::bucket/exports/*":                               "bucket",
		"arn:aws:s3:::*/*":                                            "*",
		"arn:aws:logs:us-east-1:1:log-group:/ecs/x:log-stream:*":      "/ecs/x",
		"arn:aws:ecs:us-east-1:1:task-definition/advana-export:*":     "advana-export",
		"arn:aws:ecs:us-east-1:1:task/cluster/*":                      "cluster",
		"arn:aws:kms:us-east-1:1:key/*":                               "*",
		"arn:aws:secretsmanager:us-east-1:1:secret:milmove/db-AbCdEf": "milmove",
		"arn:aws:rds-db:us-east-1:1:dbuser:db-ABC/export":             "db-ABC",
		"arn:aws:ecr:us-east-1:111111111111:repository/advana-export": "advana-export",
		"arn:aws:iam::111111111111:role/advana-export-task":           "advana-export-task",
	}
	for arn, want := range cases {
		parts := strings.SplitN(arn, ":", 6)
		if got := resourceName(parts[2], parts[5]); got != want {
			t.Errorf("resourceName(%s) = %q, want %q", arn, got, want)
		}
	}
}
