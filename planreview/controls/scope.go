package controls

import (
	"regexp"
	"strings"

	"github.com/advana-export/terraform-aws-advana-export/planreview/policy"
)

// The contract a role policy is held to: every resource it names is a
// resource of this deployment. A wildcard may stand for what is created at
// run time below a named resource (object keys under a prefix, log streams in
// a log group, tasks of a cluster), never for the resource itself: not the
// bucket, key, secret, log group, account or region.

// scope judges one resource of an identity policy's Allow; "" is in scope.
func (c *Context) scope(v policy.Value) string {
	if !v.Known {
		return "" // a reference: judged by judgeResources
	}
	arn := v.Text
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 || parts[0] != "arn" {
		return "" // "*" and non-ARNs are judged by judgeResources
	}
	service, region, account, resource := parts[2], parts[3], parts[4], parts[5]
	if strings.Contains(region, "*") || strings.Contains(account, "*") {
		return "wildcard region or account in " + arn
	}
	name := resourceName(service, resource)
	if name == "" || strings.ContainsAny(name, "*?") {
		return "wildcard in the resource name of " + arn + ": the contract names the resource itself"
	}
	switch service {
	case "s3":
		if !c.buckets[name] {
			return "bucket " + name + " is neither created by this plan nor a replication destination in it"
		}
	case "kms":
		if !c.keys[arn] {
			return "key " + arn + " is neither created by this plan, the replicas' key of its replication rule, nor the key of a secret its task definitions read"
		}
	}
	return ""
}

// resourceName is the name part of an ARN's resource: the bucket of
// "bucket/key", NAME of "type/NAME/..." or "type:NAME:...".
func resourceName(service, resource string) string {
	switch service {
	case "s3":
		return strings.SplitN(resource, "/", 2)[0]
	case "logs": // log-group:NAME:log-stream:STREAM; NAME may hold "/"
		if parts := strings.SplitN(resource, ":", 3); len(parts) >= 2 {
			return parts[1]
		}
	}
	i := strings.IndexAny(resource, "/:")
	if i < 0 {
		return resource
	}
	rest := resource[i+1:]
	if j := strings.IndexAny(rest, "/:"); j >= 0 {
		rest = rest[:j]
	}
	return rest
}

// s3ARN is an S3 bucket or object ARN in any partition (aws, aws-us-gov, …).
var s3ARN = regexp.MustCompile(`^arn:aws[a-z-]*:s3:::`)

// bucketOfARN is what follows arn:PARTITION:s3::: (the bucket, or
// BUCKET/KEY), or s unchanged when it is not an S3 ARN.
func bucketOfARN(s string) string { return s3ARN.ReplaceAllString(s, "") }

// knownBuckets are the buckets this deployment may name: its own and the
// destinations of its replication rules.
func (c *Context) knownBuckets() map[string]bool {
	out := map[string]bool{}
	for _, b := range c.Plan.OfType("aws_s3_bucket") {
		if n, ok := b.String("bucket"); ok && n != "" {
			out[n] = true
		}
	}
	for _, rc := range c.Plan.OfType("aws_s3_bucket_replication_configuration") {
		for i := 0; i < rc.Len("rule"); i++ {
			if d, ok := rc.String("rule", i, "destination", 0, "bucket"); ok {
				out[bucketOfARN(d)] = true
			}
		}
	}
	return out
}

// knownKeys are the KMS keys this deployment may name: its own keys and
// aliases, the keys its own resources are encrypted with (a caller's key
// given as kms_key_arn), the replicas' keys of its replication rules, and
// the keys the task definitions' secrets are encrypted with (given to the
// module as db_secret_kms_key_arn: found as the key of an execution role
// statement confined to Secrets Manager).
func (c *Context) knownKeys() map[string]bool {
	out := map[string]bool{}
	for _, t := range []string{"aws_kms_key", "aws_kms_alias"} {
		for _, k := range c.Plan.OfType(t) {
			if a, ok := k.String("arn"); ok && a != "" {
				out[a] = true
			}
		}
	}
	for k := range c.encryptingKeys() {
		out[k] = true
	}
	for _, rc := range c.Plan.OfType("aws_s3_bucket_replication_configuration") {
		for i := 0; i < rc.Len("rule"); i++ {
			if k, ok := rc.String("rule", i, "destination", 0, "encryption_configuration", 0, "replica_kms_key_id"); ok {
				out[k] = true
			}
		}
	}
	if c.readsSecrets() {
		for _, d := range c.Policies {
			for _, s := range d.Statements {
				if d.Kind != "identity" || !conditionPrefix(s, "kms:ViaService", "secretsmanager.") {
					continue
				}
				for _, v := range s.Resources {
					out[v.Text] = true
				}
			}
		}
	}
	return out
}

// keyAttributes are where a resource of the plan names the key that
// encrypts it.
var keyAttributes = map[string][]any{
	"aws_cloudwatch_log_group": {"kms_key_id"},
	"aws_sqs_queue":            {"kms_master_key_id"},
	"aws_sns_topic":            {"kms_master_key_id"},
	"aws_scheduler_schedule":   {"kms_key_arn"},
	"aws_s3_bucket_server_side_encryption_configuration": {"rule", 0, "apply_server_side_encryption_by_default", 0, "kms_master_key_id"},
}

// encryptingKeys are the key ARNs (known at plan time) that encrypt the
// plan's own resources, with one resource each for evidence.
func (c *Context) encryptingKeys() map[string]string {
	out := map[string]string{}
	for typ, path := range keyAttributes {
		for _, r := range c.Plan.OfType(typ) {
			if k, ok := r.String(path...); ok && strings.HasPrefix(k, "arn:") && strings.Contains(k, ":key/") {
				out[k] = r.Address
			}
		}
	}
	return out
}

// readsSecrets: some container of the plan takes a Secrets Manager secret.
func (c *Context) readsSecrets() bool {
	found := false
	for _, td := range c.Plan.OfType("aws_ecs_task_definition") {
		cs, _, _ := taskContainers(td)
		for _, ct := range cs {
			for _, s := range ct.Secrets {
				found = found || strings.Contains(s.ValueFrom, ":secretsmanager:")
			}
		}
	}
	return found
}

// conditionPrefix: every value of s's condition on key starts with prefix.
func conditionPrefix(s policy.Statement, key, prefix string) bool {
	found := false
	for _, cond := range s.Conditions {
		if !strings.EqualFold(cond.Variable, key) {
			continue
		}
		for _, v := range cond.Values {
			if !v.Known || !strings.HasPrefix(v.Text, prefix) {
				return false
			}
			found = true
		}
	}
	return found
}
