package offline

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strings"
	"time"
)

// LogBucketSuffix marks a variable that names an existing S3 server access
// log bucket: "access_log_bucket" for the default provider's account,
// "ALIAS_access_log_bucket" for the account of provider alias ALIAS.
const LogBucketSuffix = "access_log_bucket"

// LogBucket is an access-log bucket a configuration expects to exist.
type LogBucket struct {
	Alias, Name string
}

// LogBucketsFromVarFiles lists the access-log buckets the variable files
// (JSON) name. Such a bucket belongs to the landing zone, not to the
// configuration, so a deployed plan creates it in the emulator first.
func LogBucketsFromVarFiles(files []string) ([]LogBucket, error) {
	var out []LogBucket
	for _, f := range files {
		if !strings.HasSuffix(f, ".json") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", f, err)
		}
		var vars map[string]any
		if err := json.Unmarshal(b, &vars); err != nil {
			return nil, fmt.Errorf("parse %s: %w", f, err)
		}
		for k, v := range vars {
			name, ok := v.(string)
			if !ok || name == "" || !strings.HasSuffix(k, LogBucketSuffix) {
				continue
			}
			out = append(out, LogBucket{Alias: strings.TrimSuffix(strings.TrimSuffix(k, LogBucketSuffix), "_"), Name: name})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// LogDeliveryPolicy is the bucket policy with which S3 server access
// logging may deliver into bucket, for sources in account.
func LogDeliveryPolicy(partition, bucket, account string) string {
	return fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Sid":"S3ServerAccessLogs","Effect":"Allow",`+
		`"Principal":{"Service":"logging.s3.amazonaws.com"},"Action":["s3:PutObject"],"Resource":"arn:%s:s3:::%s/*",`+
		`"Condition":{"StringEquals":{"aws:SourceAccount":"%s"}}}]}`, partition, bucket, account)
}

// CreateLogBuckets creates each bucket in the emulator, in the account of
// its provider alias, with the bucket policy S3 log delivery needs.
func (o *Offline) CreateLogBuckets(endpoint string, buckets []LogBucket) error {
	region, partition := o.Region, "aws"
	if region == "" {
		region = "us-east-1"
	}
	if strings.HasPrefix(region, "us-gov-") {
		partition = "aws-us-gov"
	}
	for _, b := range buckets {
		account, ok := o.Accounts[b.Alias]
		if !ok {
			return fmt.Errorf("access-log bucket %s: no aws provider alias %q in the configuration", b.Name, b.Alias)
		}
		policy := LogDeliveryPolicy(partition, b.Name, account)
		// Outside us-east-1, S3 wants the region named in the request.
		create := ""
		if region != "us-east-1" {
			create = "<CreateBucketConfiguration><LocationConstraint>" + region + "</LocationConstraint></CreateBucketConfiguration>"
		}
		if err := s3Call(endpoint, account, region, http.MethodPut, "/"+b.Name, create); err != nil {
			return fmt.Errorf("emulator: create access-log bucket %s: %w", b.Name, err)
		}
		if err := s3Call(endpoint, account, region, http.MethodPut, "/"+b.Name+"?policy", policy); err != nil {
			return fmt.Errorf("emulator: policy of access-log bucket %s: %w", b.Name, err)
		}
	}
	return nil
}

// s3Call sends one request to moto's S3 in account and region (moto checks
// no signature; the credential scope's region picks the partition).
func s3Call(endpoint, account, region, method, path, body string) error {
	req, err := http.NewRequest(method, endpoint+path, strings.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("x-moto-account-id", account)
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAPLANREVIEW/20260101/"+region+"/s3/aws4_request, SignedHeaders=host, Signature=0")
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s: %s", resp.Status, b)
	}
	return nil
}
