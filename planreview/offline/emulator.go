package offline

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// EmulatorServices are the AWS services the module and its tests use; each
// is pointed at the emulator (moto).
var EmulatorServices = []string{
	"cloudwatch", "ec2", "ecs", "events", "iam", "kms", "logs", "rds", "s3", "scheduler", "secretsmanager", "sns", "sqs", "sts",
}

// EmulatorProvider is an aws provider block aimed at a moto server: the one
// shape plan-review's deployed plans and the Terratest suite both write.
type EmulatorProvider struct {
	Alias    string // "" for the default configuration
	Region   string // "" keeps the configuration's own (an override file)
	Endpoint string
	// AccessKey and SecretKey pick moto's account (and, on an emulator
	// that enforces IAM, the identity).
	AccessKey, SecretKey string
	// AssumeRoleARN, when set, is assumed for every call (another account).
	AssumeRoleARN string
}

// HCL renders the provider block.
func (p EmulatorProvider) HCL() string {
	var b strings.Builder
	b.WriteString("provider \"aws\" {\n")
	if p.Alias != "" {
		fmt.Fprintf(&b, "  alias                       = %q\n", p.Alias)
	}
	if p.AssumeRoleARN != "" {
		fmt.Fprintf(&b, "  assume_role {\n    role_arn = %q\n  }\n", p.AssumeRoleARN)
	}
	if p.Region != "" {
		fmt.Fprintf(&b, "  region                      = %q\n", p.Region)
	}
	fmt.Fprintf(&b, "  access_key                  = %q\n  secret_key                  = %q\n", p.AccessKey, p.SecretKey)
	b.WriteString("  profile                     = null\n")
	b.WriteString("  skip_credentials_validation = true\n  skip_metadata_api_check     = true\n")
	b.WriteString("  skip_region_validation      = true\n  s3_use_path_style           = true\n  endpoints {\n")
	for _, s := range EmulatorServices {
		fmt.Fprintf(&b, "    %s = %q\n", s, p.Endpoint)
	}
	b.WriteString("  }\n}\n")
	return b.String()
}

// SetupEmulator points every aws provider configuration of dir at a moto
// server, each in an account of its own (Accounts, in alias order): moto
// maps an access key to the account its IAM user was created in.
func SetupEmulator(dir, endpoint string) (*Offline, error) {
	o := &Offline{}
	err := o.write(dir, "a local AWS emulator", func(alias, account string) (string, error) {
		key, secret, err := EmulatorKey(endpoint, account)
		if err != nil {
			return "", err
		}
		return EmulatorProvider{Alias: alias, Endpoint: endpoint, AccessKey: key, SecretKey: secret}.HCL(), nil
	})
	if err != nil {
		return nil, errors.Join(err, o.Close())
	}
	return o, nil
}

// EmulatorKey creates an IAM user with an access key in account (moto's
// x-moto-account-id header picks the account; moto checks no signature).
func EmulatorKey(endpoint, account string) (key, secret string, err error) {
	call := func(form url.Values) ([]byte, error) {
		form.Set("Version", "2010-05-08")
		req, err := http.NewRequest(http.MethodPost, endpoint+"/", strings.NewReader(form.Encode()))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("x-moto-account-id", account)
		req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAPLANREVIEW/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0")
		resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			return nil, err
		}
		if resp.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("%s: %s", resp.Status, body)
		}
		return body, nil
	}
	user := "plan-review"
	if _, err := call(url.Values{"Action": {"CreateUser"}, "UserName": {user}}); err != nil {
		return "", "", fmt.Errorf("emulator: create a user in account %s: %w", account, err)
	}
	body, err := call(url.Values{"Action": {"CreateAccessKey"}, "UserName": {user}})
	if err != nil {
		return "", "", fmt.Errorf("emulator: create an access key in account %s: %w", account, err)
	}
	var out struct {
		Key struct {
			AccessKeyID     string `xml:"AccessKeyId"`
			SecretAccessKey string `xml:"SecretAccessKey"`
		} `xml:"CreateAccessKeyResult>AccessKey"`
	}
	if err := xml.Unmarshal(body, &out); err != nil || out.Key.AccessKeyID == "" {
		return "", "", errors.Join(fmt.Errorf("emulator: read the access key of account %s: %s", account, body), err)
	}
	return out.Key.AccessKeyID, out.Key.SecretAccessKey, nil
}
