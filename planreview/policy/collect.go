package policy

import (
	"fmt"
	"strings"

	"github.com/advana-export/terraform-aws-advana-export/planreview/model"
)

// attribute is a policy-bearing attribute of a resource type.
type attribute struct {
	path []any
	kind string
}

// Consumers are the resource attributes that hold a policy, by type.
var Consumers = map[string][]attribute{
	"aws_iam_role":                     {{[]any{"assume_role_policy"}, "trust"}},
	"aws_iam_role_policy":              {{[]any{"policy"}, "identity"}},
	"aws_iam_policy":                   {{[]any{"policy"}, "identity"}},
	"aws_iam_user_policy":              {{[]any{"policy"}, "identity"}},
	"aws_iam_group_policy":             {{[]any{"policy"}, "identity"}},
	"aws_s3_bucket_policy":             {{[]any{"policy"}, "bucket"}},
	"aws_s3_bucket":                    {{[]any{"policy"}, "bucket"}},
	"aws_kms_key":                      {{[]any{"policy"}, "key"}},
	"aws_kms_key_policy":               {{[]any{"policy"}, "key"}},
	"aws_sqs_queue_policy":             {{[]any{"policy"}, "queue"}},
	"aws_sqs_queue":                    {{[]any{"policy"}, "queue"}},
	"aws_sns_topic_policy":             {{[]any{"policy"}, "topic"}},
	"aws_sns_topic":                    {{[]any{"policy"}, "topic"}},
	"aws_secretsmanager_secret_policy": {{[]any{"policy"}, "secret"}},
	"aws_ecr_repository_policy":        {{[]any{"policy"}, "repository"}},
}

// Collect returns every policy in the plan: one document per policy-bearing
// attribute, then every aws_iam_policy_document no attribute uses. Managed
// policy attachments are gaps: their statements are not in the plan.
func Collect(p *model.Plan) []Document {
	var docs []Document
	used := map[string]bool{}
	for _, r := range p.Resources {
		if r.Mode != "managed" {
			continue
		}
		for _, a := range Consumers[r.Type] {
			if d, ok := consumer(p, r, a, used); ok {
				docs = append(docs, d)
			}
		}
		if r.Type == "aws_iam_role_policy_attachment" || r.Type == "aws_iam_policy_attachment" {
			arn, _ := r.String("policy_arn")
			docs = append(docs, Document{Source: r.Address + ".policy_arn", Kind: "identity", Owner: r.Address,
				Gaps: []string{fmt.Sprintf("managed policy %s is attached; its statements are not in the plan", model.Show(arn, arn != ""))}})
		}
	}
	for _, r := range p.OfType("data.aws_iam_policy_document") {
		if used[r.Address] {
			continue
		}
		st, gaps := FromDataSource(p, r, map[string]bool{})
		kind := "document"
		if keyPolicyShaped(st) {
			// A key policy for a key made elsewhere (the module's
			// kms_key_policy_json output for a caller's own key).
			kind = "key"
		}
		docs = append(docs, Document{Source: r.Address, Kind: kind, Owner: r.Address, Statements: st, Gaps: gaps})
	}
	return docs
}

func consumer(p *model.Plan, r *model.Resource, a attribute, used map[string]bool) (Document, bool) {
	v, known := r.Get(a.path...)
	js, _ := v.(string)
	if known && js == "" {
		return Document{}, false
	}
	if r.Config != nil && model.Expr(r.Config.Expressions, a.path...) == nil {
		// Not set by the configuration: a value computed from another
		// resource (aws_s3_bucket.policy mirrors aws_s3_bucket_policy).
		return Document{}, false
	}
	src := fmt.Sprintf("%s.%s", r.Address, a.path[0])
	d := Document{Source: src, Kind: a.kind, Owner: r.Address}
	refs := p.Refs(r, a.path...)
	seen := map[string]bool{}
	for _, doc := range p.OfType("data.aws_iam_policy_document") {
		if model.RefersTo(refs, doc) {
			d.From = append(d.From, doc.Address)
			markUsed(p, doc, used)
		}
	}
	if known {
		st, err := ParseJSON(js)
		if err != nil {
			d.Gaps = append(d.Gaps, fmt.Sprintf("%s: %v", src, err))
		}
		d.Statements = st
		return d, true
	}
	d.Statements, d.Gaps = FromRefs(p, refs, src, seen)
	if len(refs) == 0 {
		d.Gaps = append(d.Gaps, fmt.Sprintf("%s is %s and its configuration names no reference", src, model.KnownAfterApply))
	}
	return d, true
}

// keyPolicyShaped: every statement names its principals and allows only
// KMS actions, which only a key policy does.
func keyPolicyShaped(st []Statement) bool {
	if len(st) == 0 {
		return false
	}
	for _, s := range st {
		if len(s.Principals) == 0 || s.ActionsUnknown || len(s.NotActions) > 0 || len(s.Actions) == 0 {
			return false
		}
		for _, a := range s.Actions {
			if !strings.HasPrefix(strings.ToLower(a), "kms:") {
				return false
			}
		}
	}
	return true
}

// markUsed marks a document and every document it merges as used.
func markUsed(p *model.Plan, doc *model.Resource, used map[string]bool) {
	if used[doc.Address] {
		return
	}
	used[doc.Address] = true
	for _, attr := range []string{"source_policy_documents", "override_policy_documents"} {
		refs := p.Refs(doc, attr)
		for _, other := range p.OfType("data.aws_iam_policy_document") {
			if model.RefersTo(refs, other) {
				markUsed(p, other, used)
			}
		}
	}
}
