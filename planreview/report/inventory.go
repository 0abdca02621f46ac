package report

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/advana-export/terraform-aws-advana-export/planreview/controls"
	"github.com/advana-export/terraform-aws-advana-export/planreview/model"
	"github.com/advana-export/terraform-aws-advana-export/planreview/policy"
)

// Principal is one IAM role of the plan: who may assume it, its boundary,
// and what it may do.
type Principal struct {
	Role      string   `json:"role"`
	Address   string   `json:"address"`
	TrustedBy []string `json:"trusted_by"`
	Boundary  string   `json:"permissions_boundary"`
	Grants    []string `json:"grants"` // "action, action → resource, resource"
}

// Key is one KMS key: what it protects and who may use it.
type Key struct {
	Key      string   `json:"key"` // alias, or address
	Address  string   `json:"address"`
	Protects []string `json:"protects"`
	Users    []string `json:"users"` // "principal: actions (condition)"
}

// Inventory is page one's who/what/where.
type Inventory struct {
	Principals []Principal `json:"principals"`
	Keys       []Key       `json:"keys"`
	Network    []string    `json:"network"`
}

// Take builds the inventory from the indexed plan.
func Take(c *controls.Context) Inventory {
	return Inventory{Principals: principals(c), Keys: keys(c), Network: network(c)}
}

func principals(c *controls.Context) []Principal {
	var out []Principal
	for _, role := range c.Plan.OfType("aws_iam_role") {
		name, _ := role.String("name")
		p := Principal{Role: name, Address: role.Address, Boundary: show(role, c, "permissions_boundary")}
		if p.Boundary == "(not set)" {
			p.Boundary = "none"
		}
		for _, d := range c.Policies {
			switch {
			case d.Owner == role.Address && d.Kind == "trust":
				for _, s := range d.Statements {
					if s.Allow() {
						p.TrustedBy = append(p.TrustedBy, who(s)+conds(s))
					}
				}
			case d.Kind == "identity" && attachedTo(c, d.Owner, role):
				for _, s := range d.Statements {
					if s.Allow() {
						p.Grants = append(p.Grants, strings.Join(s.Actions, ", ")+" → "+values(s.Resources)+conds(s))
					}
				}
			}
		}
		out = append(out, p)
	}
	return out
}

// attachedTo: the policy resource at owner names role (role = name or reference).
func attachedTo(c *controls.Context, owner string, role *model.Resource) bool {
	rp := c.Plan.ByAddress(owner)
	if rp == nil || rp.Type != "aws_iam_role_policy" {
		return false
	}
	if model.RefersTo(c.Plan.Refs(rp, "role"), role) {
		return true
	}
	v, ok := rp.String("role")
	name, _ := role.String("name")
	id, _ := role.String("id")
	return ok && v != "" && (v == name || v == id)
}

var dataActions = []string{"kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:CreateGrant", "kms:PutKeyPolicy"}

func keys(c *controls.Context) []Key {
	var out []Key
	for _, k := range c.Plan.OfType("aws_kms_key") {
		key := Key{Key: k.Address, Address: k.Address}
		for _, a := range c.Plan.OfType("aws_kms_alias") {
			if a.Module == k.Module {
				if n, ok := a.String("name"); ok {
					key.Key = n
				}
			}
		}
		for _, t := range []struct{ typ, label string }{
			{"aws_s3_bucket_server_side_encryption_configuration", "bucket"}, {"aws_cloudwatch_log_group", "log group"},
			{"aws_sqs_queue", "queue"}, {"aws_sns_topic", "topic"},
		} {
			for _, res := range c.Plan.OfType(t.typ) {
				if protects(c, res, k) {
					key.Protects = append(key.Protects, t.label+" "+nameOf(c, res))
				}
			}
		}
		for _, d := range c.Policies {
			if d.Kind != "key" || d.Owner != k.Address {
				continue
			}
			for _, s := range d.Statements {
				var acts []string
				for _, a := range s.Actions {
					for _, w := range dataActions {
						if strings.EqualFold(a, w) || a == "kms:*" || a == "*" {
							acts = append(acts, a)
							break
						}
					}
				}
				if s.Allow() && len(acts) > 0 {
					key.Users = append(key.Users, who(s)+": "+strings.Join(acts, ", ")+conds(s))
				}
			}
		}
		out = append(out, key)
	}
	return out
}

// protects: res's key attribute names k (known ARN or a reference).
func protects(c *controls.Context, res, k *model.Resource) bool {
	arn, _ := k.String("arn")
	js, _ := json.Marshal(res.Values)
	if arn != "" && strings.Contains(string(js), arn) {
		return true
	}
	for _, path := range [][]any{{"kms_key_id"}, {"kms_master_key_id"}, {"rule", 0, "apply_server_side_encryption_by_default", 0, "kms_master_key_id"}} {
		for _, ref := range c.Plan.Refs(res, path...) {
			if strings.HasPrefix(ref, k.Module+".aws_kms_key.") || (k.Module == "" && strings.HasPrefix(ref, "aws_kms_key.")) {
				return true
			}
		}
	}
	return false
}

func nameOf(c *controls.Context, r *model.Resource) string {
	for _, a := range []string{"bucket", "name"} {
		if v, ok := r.String(a); ok && v != "" {
			return v
		}
	}
	return r.Address
}

func network(c *controls.Context) []string {
	var out []string
	// What starts the task: a scheduled EventBridge rule's target or an
	// EventBridge Scheduler schedule (schedule_service); both name its network.
	taskNetwork := func(r *model.Resource, base ...any) {
		out = append(out, fmt.Sprintf("task network (%s): subnets %s, security groups %s, public IP %s",
			r.Address, show(r, c, append(base, "subnets")...), show(r, c, append(base, "security_groups")...), show(r, c, append(base, "assign_public_ip")...)))
	}
	for _, t := range c.Plan.OfType("aws_cloudwatch_event_target") {
		for i := 0; i < t.Len("ecs_target"); i++ {
			taskNetwork(t, "ecs_target", i, "network_configuration", 0)
		}
	}
	for _, s := range c.Plan.OfType("aws_scheduler_schedule") {
		if s.Len("target", 0, "ecs_parameters") > 0 {
			taskNetwork(s, "target", 0, "ecs_parameters", 0, "network_configuration", 0)
		}
	}
	sgs := c.Plan.OfType("aws_security_group")
	if len(sgs) == 0 {
		out = append(out, "security groups: the caller's; their ingress and egress rules are outside this plan (review them with the VPC)")
	}
	for _, sg := range sgs {
		out = append(out, "security group "+sg.Address+": egress "+show(sg, c, "egress")+", ingress "+show(sg, c, "ingress"))
	}
	eps := c.Plan.OfType("aws_vpc_endpoint")
	if len(eps) == 0 {
		out = append(out, "VPC endpoints: none in this plan; S3, KMS, ECR, Logs and Secrets Manager are reached through the subnets' routes")
	}
	for _, ep := range eps {
		out = append(out, "VPC endpoint "+show(ep, c, "service_name"))
	}
	out = append(out, "S3: TLS only (every bucket policy denies aws:SecureTransport = false; control tls-only)")
	for _, td := range c.Plan.OfType("aws_ecs_task_definition") {
		js, ok := td.String("container_definitions")
		var cs []struct {
			Name        string `json:"name"`
			Environment []struct{ Name, Value string }
		}
		if !ok || json.Unmarshal([]byte(js), &cs) != nil {
			continue
		}
		for _, ct := range cs {
			for _, e := range ct.Environment {
				if e.Name == "PGSSLMODE" {
					note := " (encrypted, server certificate and host name verified)"
					if e.Value != "verify-full" {
						note = " (NOT verify-full: the server's identity is not checked)"
					}
					out = append(out, "database: container "+ct.Name+" connects with sslmode="+e.Value+note)
				}
			}
		}
	}
	return out
}

func show(r *model.Resource, c *controls.Context, path ...any) string {
	v, ok := r.Get(path...)
	if !ok {
		refs := c.Plan.Refs(r, path...)
		if len(refs) > 0 {
			return model.KnownAfterApply + " ← " + strings.Join(refs, ", ")
		}
	}
	if l, isList := v.([]any); isList && ok {
		var parts []string
		for _, x := range l {
			parts = append(parts, fmt.Sprint(x))
		}
		sort.Strings(parts)
		return "[" + strings.Join(parts, ", ") + "]"
	}
	return model.Show(v, ok)
}

func who(s policy.Statement) string {
	var out []string
	for _, p := range s.Principals {
		for _, id := range p.IDs {
			out = append(out, values([]policy.Value{id}))
		}
	}
	if len(out) == 0 {
		return "(identity policy)"
	}
	return strings.Join(out, ", ")
}

// conds renders a statement's condition keys (not values: page one is short).
func conds(s policy.Statement) string {
	var keys []string
	for _, c := range s.Conditions {
		keys = append(keys, c.Variable)
	}
	if len(keys) == 0 {
		return ""
	}
	return " [if " + strings.Join(keys, ", ") + "]"
}

func values(vs []policy.Value) string {
	var parts []string
	for _, v := range vs {
		switch {
		case v.Known:
			parts = append(parts, v.Text)
		case len(v.Refs) > 0:
			parts = append(parts, "← "+v.Refs[0])
		default:
			parts = append(parts, model.KnownAfterApply)
		}
	}
	return strings.Join(parts, ", ")
}
