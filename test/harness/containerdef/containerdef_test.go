package containerdef_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/advana-export/terraform-aws-advana-export/test/harness/containerdef"
)

func TestCapabilities(t *testing.T) {
	for _, tc := range []struct {
		name      string
		drop, add []string
		want      []string
		err       string
	}{
		{"defaults", nil, nil, containerdef.DefaultCapabilities, ""},
		{"drop all, add chown", []string{"ALL"}, []string{"CHOWN"}, []string{"CHOWN"}, ""},
		{"drop one, CAP_ prefix, lower case", []string{"cap_net_raw"}, nil, slices.DeleteFunc(slices.Clone(containerdef.DefaultCapabilities), func(c string) bool { return c == "NET_RAW" }), ""},
		{"add all", nil, []string{"ALL"}, nil, "add ALL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := containerdef.Capabilities(&types.LinuxParameters{Capabilities: &types.KernelCapabilities{Drop: tc.drop, Add: tc.add}})
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err %v, want %q", err, tc.err)
				}
				return
			}
			want := slices.Sorted(slices.Values(tc.want))
			if err != nil || !slices.Equal(got, want) {
				t.Fatalf("got %v, %v; want %v", got, err, want)
			}
		})
	}
}

func TestEnvironment(t *testing.T) {
	const arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf"
	def := types.ContainerDefinition{
		Environment: []types.KeyValuePair{{Name: aws.String("PGSSLMODE"), Value: aws.String("verify-full")}},
		Secrets:     []types.Secret{{Name: aws.String("ADVANA_EXPORT_DB_SECRET"), ValueFrom: aws.String(arn)}},
	}
	resolve := func(from string) (string, error) {
		if from != arn {
			return "", errors.New("no such secret")
		}
		return `{"password":"s3cret"}`, nil
	}
	e, err := containerdef.Environment(def, resolve, map[string]string{"AWS_REGION": "us-east-1"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{`ADVANA_EXPORT_DB_SECRET={"password":"s3cret"}`, "AWS_REGION=us-east-1", "PGSSLMODE=verify-full"}
	if !slices.Equal(e.Pairs(), want) || !e.Secret["ADVANA_EXPORT_DB_SECRET"] || e.Secret["PGSSLMODE"] {
		t.Fatalf("pairs %q secret %v", e.Pairs(), e.Secret)
	}

	if _, err := containerdef.Environment(def, resolve, map[string]string{"PGSSLMODE": "disable"}, nil); err == nil || !strings.Contains(err.Error(), "PGSSLMODE") {
		t.Errorf("an unlisted override: err %v", err)
	}
	if e, err := containerdef.Environment(def, resolve, map[string]string{"PGSSLMODE": "disable"}, []string{"PGSSLMODE"}); err != nil || e.Values["PGSSLMODE"] != "disable" {
		t.Errorf("a listed override: %v %v", e.Values, err)
	}
	byKey := def
	byKey.Secrets = []types.Secret{{Name: aws.String("PGPASSWORD"), ValueFrom: aws.String(arn + ":password::")}}
	if _, err := containerdef.Environment(byKey, resolve, nil, nil); err == nil || !strings.Contains(err.Error(), "JSON key") {
		t.Errorf("a secret by JSON key: err %v", err)
	}
	both := def
	both.Environment = append(both.Environment, types.KeyValuePair{Name: aws.String("ADVANA_EXPORT_DB_SECRET"), Value: aws.String("x")})
	if _, err := containerdef.Environment(both, resolve, nil, nil); err == nil || !strings.Contains(err.Error(), "both") {
		t.Errorf("environment and secret: err %v", err)
	}
	if _, err := containerdef.Environment(def, func(string) (string, error) { return "", errors.New("denied") }, nil, nil); err == nil || !strings.Contains(err.Error(), "denied") {
		t.Errorf("unresolved secret: err %v", err)
	}
}
