package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/advana-export/terraform-aws-advana-export/planreview/controls"
	"github.com/advana-export/terraform-aws-advana-export/planreview/planfile"

	"github.com/advana-export/terraform-aws-advana-export/test/harness/testenv"
)

// mutation breaks one thing in a plan (generic JSON, as `terraform show -json` writes it).
type mutation func(t *testing.T, plan map[string]any)

// TestEachCheckCanFail: the complete example's deployed plan, broken in
// exactly one place, fails exactly the control that guards that place (two
// where one change breaks both) and passes every other one; the command
// exits 1.
func TestEachCheckCanFail(t *testing.T) {
	t.Parallel()
	base, err := os.ReadFile(examplePlan(t, "complete", planfile.Deployed))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name     string
		mutate   mutation
		wantFail []string // exactly these controls fail
	}{
		{"s3:* in a role policy", appendStatement("aws_iam_role_policy",
			`{"Sid":"TooBroad","Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::milmove-advana-exports/*"}`),
			// s3:* also grants s3:BypassGovernanceRetention.
			[]string{"least-privilege", "backup-replication"}},
		{"AES256 instead of KMS", onFirst("aws_s3_bucket_server_side_encryption_configuration", func(a map[string]any) {
			byDefault := dig(a, "rule", 0, "apply_server_side_encryption_by_default", 0).(map[string]any)
			byDefault["sse_algorithm"], byDefault["kms_master_key_id"] = "AES256", ""
		}), []string{"encryption-at-rest"}},
		{"a public-access flag off", onFirst("aws_s3_bucket_public_access_block", func(a map[string]any) {
			a["restrict_public_buckets"] = false
		}), []string{"no-public-access"}},
		{"scheduled task with a public IP", onFirst("aws_scheduler_schedule", func(a map[string]any) {
			dig(a, "target", 0, "ecs_parameters", 0, "network_configuration", 0).(map[string]any)["assign_public_ip"] = true
		}), []string{"no-public-access"}},
		{"container without read-only root", onContainer("export", func(c map[string]any) {
			c["readonlyRootFilesystem"] = false
		}), []string{"containers"}},
		{"password in environment", onContainer("export", func(c map[string]any) {
			c["environment"] = append(c["environment"].([]any), map[string]any{"name": "PGPASSWORD", "value": "not-a-real-password"})
		}), []string{"secrets"}},
		{"cross-account principal *", appendStatement("aws_kms_key",
			`{"Sid":"Anyone","Effect":"Allow","Principal":{"AWS":"*"},"Action":"kms:Decrypt","Resource":"*"}`), []string{"cross-account"}},
		{"root container outside the exception", onContainer("permissions-init", func(c map[string]any) {
			c["essential"] = true
		}), []string{"containers"}},
		{"no TLS-only statement", onFirst("aws_s3_bucket_policy", func(a map[string]any) {
			a["policy"] = withoutStatement(t, a["policy"].(string), "DenyInsecureTransport")
		}), []string{"tls-only"}},
		{"log retention 30 days", onFirst("aws_cloudwatch_log_group", func(a map[string]any) {
			a["retention_in_days"] = 30.0
		}), []string{"logging"}},
		{"replication rule disabled", onFirst("aws_s3_bucket_replication_configuration", func(a map[string]any) {
			dig(a, "rule", 0).(map[string]any)["status"] = "Disabled"
		}), []string{"backup-replication"}},
		// The findings of the review that led to issue 13, one place each.
		{"task role reads every bucket (*/*)", onRolePolicy("write-exports",
			`{"Sid":"ReadEverything","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::*/*"}`), []string{"least-privilege"}},
		{"task role reads another bucket", onRolePolicy("write-exports",
			`{"Sid":"ReadOther","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::someone-elses-bucket/exports/*"}`), []string{"least-privilege"}},
		{"task role uses another key", onRolePolicy("write-exports",
			`{"Sid":"OtherKey","Effect":"Allow","Action":"kms:Decrypt","Resource":"arn:aws:kms:us-east-1:111111111111:key/99999999-aaaa-bbbb-cccc-000000000000"}`), []string{"least-privilege"}},
		{"service trust without source conditions", onRole("advana-export-task", func(t *testing.T, a map[string]any) {
			a["assume_role_policy"] = withoutConditions(t, a["assume_role_policy"].(string))
		}), []string{"cross-account"}},
		{"unconditioned CreateGrant for the account root", onKeyOf("111111111111",
			`{"Sid":"AccountGrants","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"kms:CreateGrant","Resource":"*"}`), []string{"key-administration"}},
		{"image by tag", onContainer("export", func(c map[string]any) {
			c["image"] = "111111111111.dkr.ecr.us-east-1.amazonaws.com/advana-export:latest"
		}), []string{"image-digest"}},
		{"access logging off", withoutType("aws_s3_bucket_logging"), []string{"logging"}},
		// The controls the Terratest plan tests once checked on their own
		// (test/controls_test.go now asserts on this engine's results).
		{"ACLs enabled (ObjectWriter)", onFirst("aws_s3_bucket_ownership_controls", func(a map[string]any) {
			dig(a, "rule", 0).(map[string]any)["object_ownership"] = "ObjectWriter"
		}), []string{"no-public-access"}},
		{"versioning suspended", onFirst("aws_s3_bucket_versioning", func(a map[string]any) {
			dig(a, "versioning_configuration", 0).(map[string]any)["status"] = "Suspended"
		}), []string{"backup-replication"}},
		{"key rotation off", onFirst("aws_kms_key", func(a map[string]any) {
			a["enable_key_rotation"] = false
		}), []string{"encryption-at-rest"}},
		{"alert topic without a key", onFirst("aws_sns_topic", func(a map[string]any) {
			a["kms_master_key_id"] = ""
		}), []string{"encryption-at-rest"}},
		{"replicas owned by the source", onFirst("aws_s3_bucket_replication_configuration", func(a map[string]any) {
			dig(a, "rule", 0, "destination", 0, "access_control_translation", 0).(map[string]any)["owner"] = ""
		}), []string{"backup-replication"}},
		{"replication into the source account", onFirst("aws_s3_bucket_replication_configuration", func(a map[string]any) {
			dig(a, "rule", 0, "destination", 0).(map[string]any)["account"] = "111111111111"
		}), []string{"backup-replication"}},
		{"unencrypted objects replicate too", onFirst("aws_s3_bucket_replication_configuration", func(a map[string]any) {
			dig(a, "rule", 0, "source_selection_criteria", 0, "sse_kms_encrypted_objects", 0).(map[string]any)["status"] = "Disabled"
		}), []string{"backup-replication"}},
		{"Object Lock off", onFirst("aws_s3_bucket_object_lock_configuration", func(a map[string]any) {
			a["object_lock_enabled"] = ""
		}), []string{"backup-replication"}},
		{"a role may bypass governance retention", onRolePolicy("write-exports",
			`{"Sid":"Bypass","Effect":"Allow","Action":"s3:BypassGovernanceRetention","Resource":"arn:aws:s3:::milmove-advana-exports/exports/*"}`), []string{"backup-replication"}},
		{"partial wildcard action", onRolePolicy("write-exports",
			`{"Sid":"GetAll","Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::milmove-advana-exports/exports/*"}`), []string{"least-privilege"}},
		{"resource * for an action AWS scopes", onRolePolicy("write-exports",
			`{"Sid":"Everywhere","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}`), []string{"least-privilege"}},
		{"privileged container", onContainer("export", func(c map[string]any) {
			c["privileged"] = true
		}), []string{"containers"}},
		{"export keeps its capabilities", onContainer("export", func(c map[string]any) {
			dig(c, "linuxParameters", "capabilities").(map[string]any)["drop"] = []any{}
		}), []string{"containers"}},
		{"an added capability", onContainer("export", func(c map[string]any) {
			dig(c, "linuxParameters", "capabilities").(map[string]any)["add"] = []any{"SYS_ADMIN"}
		}), []string{"containers"}},
		{"permissions-init gets a secret", onContainer("permissions-init", func(c map[string]any) {
			c["secrets"] = []any{map[string]any{"name": "X", "valueFrom": "arn:aws:secretsmanager:us-east-1:111111111111:secret:x-AbCdEf"}}
		}), []string{"containers"}},
		{"permissions-init keeps more than CHOWN", onContainer("permissions-init", func(c map[string]any) {
			dig(c, "linuxParameters", "capabilities").(map[string]any)["drop"] = []any{"NET_RAW"}
		}), []string{"containers"}},
		{"FIPS 140-3 mode turned off", onContainer("export", func(c map[string]any) {
			c["environment"] = append(c["environment"].([]any), map[string]any{"name": "GODEBUG", "value": "fips140=off"})
		}), []string{"fips"}},
		{"GovCloud region with FIPS endpoints off", onContainer("export", func(c map[string]any) {
			for _, e := range c["environment"].([]any) {
				e := e.(map[string]any)
				switch e["name"] {
				case "AWS_REGION":
					e["value"] = "us-gov-west-1"
				case "AWS_USE_FIPS_ENDPOINT":
					e["value"] = "false"
				}
			}
		}), []string{"fips"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var plan map[string]any
			if err := json.Unmarshal(base, &plan); err != nil {
				t.Fatal(err)
			}
			tc.mutate(t, plan)
			path := filepath.Join(t.TempDir(), "plan.json")
			b, _ := json.Marshal(plan)
			if err := os.WriteFile(path, b, 0o644); err != nil {
				t.Fatal(err)
			}
			code, rv := reviewFile(t, path)
			want := map[string]controls.Status{}
			for _, id := range tc.wantFail {
				want[id] = controls.Fail
			}
			assertReview(t, code, rv, exitFail, want)
		})
	}
}

// after returns the planned values of every resource change of type typ.
func after(t *testing.T, plan map[string]any, typ string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, rc := range plan["resource_changes"].([]any) {
		rc := rc.(map[string]any)
		if rc["type"] == typ && rc["mode"] == "managed" {
			out = append(out, rc["change"].(map[string]any)["after"].(map[string]any))
		}
	}
	if len(out) == 0 {
		t.Fatalf("no %s in the plan", typ)
	}
	return out
}

func onFirst(typ string, fn func(map[string]any)) mutation {
	return func(t *testing.T, plan map[string]any) { fn(after(t, plan, typ)[0]) }
}

// appendStatement adds a statement to the policy of the first resource of typ.
func appendStatement(typ, statement string) mutation {
	return onFirstT(typ, func(t *testing.T, a map[string]any) {
		a["policy"] = withStatement(t, a["policy"].(string), statement)
	})
}

func onFirstT(typ string, fn func(*testing.T, map[string]any)) mutation {
	return func(t *testing.T, plan map[string]any) { fn(t, after(t, plan, typ)[0]) }
}

// onContainer edits one container of the first task definition.
func onContainer(name string, fn func(map[string]any)) mutation {
	return onFirstT("aws_ecs_task_definition", func(t *testing.T, a map[string]any) {
		var defs []map[string]any
		if err := json.Unmarshal([]byte(a["container_definitions"].(string)), &defs); err != nil {
			t.Fatal(err)
		}
		found := false
		for _, d := range defs {
			if d["name"] == name {
				fn(d)
				found = true
			}
		}
		if !found {
			t.Fatalf("no container %s", name)
		}
		b, _ := json.Marshal(defs)
		a["container_definitions"] = string(b)
	})
}

func withoutStatement(t *testing.T, policy, sid string) string {
	var doc map[string]any
	if err := json.Unmarshal([]byte(policy), &doc); err != nil {
		t.Fatal(err)
	}
	var kept []any
	for _, s := range doc["Statement"].([]any) {
		if sidOf, _ := s.(map[string]any)["Sid"].(string); !strings.EqualFold(sidOf, sid) {
			kept = append(kept, s)
		}
	}
	doc["Statement"] = kept
	b, _ := json.Marshal(doc)
	return string(b)
}

// dig walks map keys and list indexes.
func dig(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			v = v.(map[string]any)[k]
		case int:
			v = v.([]any)[k]
		}
	}
	return v
}

// onRolePolicy appends a statement to the inline role policy named name.
func onRolePolicy(name, statement string) mutation {
	return func(t *testing.T, plan map[string]any) {
		for _, a := range after(t, plan, "aws_iam_role_policy") {
			if a["name"] == name {
				a["policy"] = withStatement(t, a["policy"].(string), statement)
				return
			}
		}
		t.Fatalf("no role policy %s", name)
	}
}

// onRole edits the role named name.
func onRole(name string, fn func(*testing.T, map[string]any)) mutation {
	return func(t *testing.T, plan map[string]any) {
		for _, a := range after(t, plan, "aws_iam_role") {
			if a["name"] == name {
				fn(t, a)
				return
			}
		}
		t.Fatalf("no role %s", name)
	}
}

// onKeyOf appends a statement to the policy of the first key whose policy
// names account (so the new principal is that key's own account).
func onKeyOf(account, statement string) mutation {
	return func(t *testing.T, plan map[string]any) {
		for _, a := range after(t, plan, "aws_kms_key") {
			if strings.Contains(a["policy"].(string), "arn:aws:iam::"+account+":root") {
				a["policy"] = withStatement(t, a["policy"].(string), statement)
				return
			}
		}
		t.Fatalf("no key of account %s", account)
	}
}

// withoutType removes every resource change of type typ from the plan.
func withoutType(typ string) mutation {
	return func(t *testing.T, plan map[string]any) {
		var kept []any
		for _, rc := range plan["resource_changes"].([]any) {
			if rc.(map[string]any)["type"] != typ {
				kept = append(kept, rc)
			}
		}
		if len(kept) == len(plan["resource_changes"].([]any)) {
			t.Fatalf("no %s in the plan", typ)
		}
		plan["resource_changes"] = kept
	}
}

func withStatement(t *testing.T, policy, statement string) string {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal([]byte(policy), &doc); err != nil {
		t.Fatal(err)
	}
	var st any
	if err := json.Unmarshal([]byte(statement), &st); err != nil {
		t.Fatal(err)
	}
	doc["Statement"] = append(doc["Statement"].([]any), st)
	b, _ := json.Marshal(doc)
	return string(b)
}

// withoutConditions drops every statement's Condition.
func withoutConditions(t *testing.T, policy string) string {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal([]byte(policy), &doc); err != nil {
		t.Fatal(err)
	}
	for _, s := range doc["Statement"].([]any) {
		delete(s.(map[string]any), "Condition")
	}
	b, _ := json.Marshal(doc)
	return string(b)
}

// TestMutableImageOptOutIsAnException: an image by tag passes only when
// the caller's allow_mutable_image = true is in the plan, and then shows in
// the exceptions register.
func TestMutableImageOptOutIsAnException(t *testing.T) {
	t.Parallel()
	base, err := os.ReadFile(examplePlan(t, "complete", planfile.Deployed))
	if err != nil {
		t.Fatal(err)
	}
	var plan map[string]any
	if err := json.Unmarshal(base, &plan); err != nil {
		t.Fatal(err)
	}
	onContainer("export", func(c map[string]any) { c["image"] = "advana-export:latest" })(t, plan)
	call := dig(plan, "configuration", "root_module", "module_calls", "advana_export").(map[string]any)
	call["expressions"].(map[string]any)["allow_mutable_image"] = map[string]any{"constant_value": true}
	path := filepath.Join(t.TempDir(), "plan.json")
	b, _ := json.Marshal(plan)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	code, rv := reviewFile(t, path)
	assertReview(t, code, rv, exitPass, nil)
	found := false
	for _, e := range rv.Exceptions {
		found = found || e.ID == "EX-MUTABLE-IMAGE"
	}
	if !found {
		t.Errorf("exceptions register %v lacks EX-MUTABLE-IMAGE", rv.Exceptions)
	}
}

// TestCallersExceptions: examples/minimal planned without access logging
// and without Object Lock, each with and without the caller's reason
// (access_logging_exception, object_lock_exception). The reason passes the
// control and lands in the exceptions register, on page one, with the
// caller's words; without it the control fails.
func TestCallersExceptions(t *testing.T) {
	t.Parallel()
	root := testenv.RepoRoot(t)
	fixture, err := os.ReadFile(filepath.Join(root, "test/fixtures/plan-review/minimal.tfvars.json"))
	if err != nil {
		t.Fatal(err)
	}
	type variant struct {
		name, control, id, input, reason string
		off                              func(vars map[string]any)
	}
	for _, v := range []variant{
		{"access logging", "logging", "EX-NO-ACCESS-LOG", "access_logging_exception", "CloudTrail S3 data events on trail org-trail record every read and write",
			func(vars map[string]any) { delete(vars, "access_log_bucket") }},
		{"object lock", "backup-replication", "EX-NO-OBJECT-LOCK", "object_lock_exception", "AWS Backup vault lock on plan exports-daily",
			func(vars map[string]any) { vars["object_lock"] = nil }},
	} {
		for _, tc := range []struct {
			name      string
			exception any
			want      controls.Status
			code      int
		}{
			{"with a reason", v.reason, controls.Pass, exitPass},
			{"without one", nil, controls.Fail, exitFail},
		} {
			t.Run(v.name+" "+tc.name, func(t *testing.T) {
				t.Parallel()
				var vars map[string]any
				if err := json.Unmarshal(fixture, &vars); err != nil {
					t.Fatal(err)
				}
				v.off(vars)
				vars[v.input] = tc.exception
				varFile := filepath.Join(t.TempDir(), "vars.tfvars.json")
				b, _ := json.Marshal(vars)
				if err := os.WriteFile(varFile, b, 0o644); err != nil {
					t.Fatal(err)
				}
				code, rv := reviewFile(t, freshPlan(t, "examples/minimal", varFile))
				if got := statuses(rv)[v.control]; got != tc.want {
					t.Errorf("%s: %s, want %s", v.control, got, tc.want)
				}
				if code != tc.code {
					t.Errorf("exit code %d, want %d", code, tc.code)
				}
				var recorded []string
				for _, e := range rv.Exceptions {
					if e.ID == v.id {
						recorded = append(recorded, e.Reason)
					}
				}
				if tc.exception == nil {
					if len(recorded) != 0 {
						t.Errorf("%s recorded without a reason: %q", v.id, recorded)
					}
					return
				}
				if len(recorded) != 1 || !strings.HasSuffix(recorded[0], v.reason) {
					t.Errorf("%s reasons %q, want one ending in the caller's %q", v.id, recorded, v.reason)
				}
				if page := rv.PageOne(); !strings.Contains(page, v.id) || !strings.Contains(page, v.reason) {
					t.Errorf("page one does not list %s with its reason:\n%s", v.id, page)
				}
			})
		}
	}
}

// TestCallersOwnKeyReview: a caller's configuration that brings its own KMS
// key from another stack (test/fixtures/plan-review/callers-key). The
// module's grants on that key are the contract, not "another key"; the key's
// own policy is not in the plan, and the review says where it is judged.
func TestCallersOwnKeyReview(t *testing.T) {
	t.Parallel()
	const key = "arn:aws:kms:us-east-1:111111111111:key/0c0c0c0c-1111-2222-3333-444444444444"
	code, rv := reviewFile(t, freshPlan(t, "test/fixtures/plan-review/callers-key"))
	assertReview(t, code, rv, exitPass, nil)
	said := false
	for _, res := range rv.Results {
		if res.ID != "key-administration" {
			continue
		}
		for _, e := range res.Evidence {
			said = said || (e.Resource == key && e.Status == controls.Info && strings.Contains(e.Note, "reviewed where it is made"))
		}
	}
	if !said {
		t.Errorf("key-administration does not say that %s is made, and reviewed, elsewhere", key)
	}
}

// freshPlan plans dir (relative to the repository) as a first deployment,
// offline, with varFiles, and returns the saved plan's path. Unlike
// examplePlan it is not shared: each caller plans its own variant.
func freshPlan(t *testing.T, dir string, varFiles ...string) string {
	t.Helper()
	testenv.SkipShort(t, "Terraform")
	root := testenv.RepoRoot(t)
	p, err := planfile.Run(context.Background(), planfile.RunOptions{
		Root: root, Dir: dir, Mode: planfile.Fresh, Providers: map[string]string{}, VarFiles: varFiles,
	})
	if err != nil {
		t.Fatalf("plan %s: %v", dir, err)
	}
	path := filepath.Join(t.TempDir(), "plan.json")
	if err := planfile.Write(path, p); err != nil {
		t.Fatal(err)
	}
	return path
}
