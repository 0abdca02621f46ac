// Package oscal writes plan-review's findings as OSCAL 1.1.3 JSON, the NIST
// format ATO tools take: a component definition for the module (each NIST SP
// 800-53 control it implements, how, and the parameters it sets) and the
// assessment results of one review (each control's verdict, with the
// evidence plan-review recorded as observations).
package oscal

import (
	"crypto/sha1"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/advana-export/terraform-aws-advana-export/planreview/controls"
	"github.com/advana-export/terraform-aws-advana-export/planreview/report"
)

// Version is the OSCAL version the documents follow (and are tested against).
const Version = "1.1.3"

// Catalog is the control catalog the documents refer to.
const Catalog = "https://raw.githubusercontent.com/usnistgov/oscal-content/main/nist.gov/SP800-53/rev5/json/NIST_SP-800-53_rev5_catalog.json"

// ns marks this project's own property names.
const ns = "https://github.com/advana-export/terraform-aws-advana-export/ns/oscal"

// Component is the module as an OSCAL component.
const Component = "terraform-aws-advana-export"

// parameters are the 800-53 organisation-defined parameters the module sets.
var parameters = map[string][]setParameter{
	"au-11": {{ParamID: "au-11_odp", Values: []string{"at least 365 days (log_retention_days; CloudWatch log groups)"}}},
	"cp-9":  {{ParamID: "cp-09_odp.01", Values: []string{"every 12 hours by default (schedule_expression), replicated to the partner's account"}}},
}

// WriteFiles writes component-definition.json and assessment-results.json into dir.
func WriteFiles(dir string, rv report.Review) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("oscal: %w", err)
	}
	for name, doc := range map[string]any{
		"component-definition.json": ComponentDefinition(rv.Provenance.Time),
		"assessment-results.json":   AssessmentResults(rv),
	} {
		b, err := json.MarshalIndent(doc, "", "  ")
		if err != nil {
			return fmt.Errorf("oscal: encode %s: %w", name, err)
		}
		// Never hand an ATO tool a document NIST's schema refuses.
		if err := Validate(b); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), append(b, '\n'), 0o644); err != nil {
			return fmt.Errorf("oscal: %w", err)
		}
	}
	return nil
}

type metadata struct {
	Title        string `json:"title"`
	LastModified string `json:"last-modified"`
	Version      string `json:"version"`
	OSCALVersion string `json:"oscal-version"`
	Props        []prop `json:"props,omitempty"`
}

type prop struct {
	Name  string `json:"name"`
	Value string `json:"value"`
	NS    string `json:"ns,omitempty"`
}

type setParameter struct {
	ParamID string   `json:"param-id"`
	Values  []string `json:"values"`
}

// byNIST groups the controls by the 800-53 control each names, in id order.
func byNIST() ([]string, map[string][]controls.Control) {
	m := map[string][]controls.Control{}
	for _, c := range controls.All() {
		for _, id := range c.NIST {
			id = strings.ToLower(id)
			m[id] = append(m[id], c)
		}
	}
	ids := make([]string, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids, m
}

// ComponentDefinition describes the module: each control it implements.
func ComponentDefinition(modified string) any {
	ids, m := byNIST()
	var reqs []map[string]any
	for _, id := range ids {
		var text []string
		var checks []prop
		for _, c := range m[id] {
			text = append(text, c.Title+": "+c.Description)
			checks = append(checks, prop{Name: "plan-review-control", Value: c.ID, NS: ns})
		}
		req := map[string]any{
			"uuid":        uuid("requirement", id),
			"control-id":  id,
			"description": "The module implements this control by default; plan-review verifies it on every plan. " + strings.Join(text, " "),
			"props":       checks,
		}
		if p, ok := parameters[id]; ok {
			req["set-parameters"] = p
		}
		reqs = append(reqs, req)
	}
	return map[string]any{"component-definition": map[string]any{
		"uuid":     uuid("component-definition", Component),
		"metadata": metadata{Title: Component + " component definition", LastModified: modified, Version: "1", OSCALVersion: Version},
		"components": []map[string]any{{
			"uuid":  uuid("component", Component),
			"type":  "software",
			"title": Component,
			"description": "Terraform module with an embedded Go task: exports PostgreSQL with pg_dump to a KMS-encrypted S3 bucket " +
				"on a schedule (ECS Fargate) and replicates each export to a partner account.",
			"purpose": "Deliver complete, consistent, encrypted database exports to a partner account with least privilege.",
			"control-implementations": []map[string]any{{
				"uuid":                     uuid("control-implementation", Component),
				"source":                   Catalog,
				"description":              "NIST SP 800-53 rev5 controls the module implements; each names the plan-review controls that verify it.",
				"implemented-requirements": reqs,
			}},
		}},
	}}
}

// AssessmentResults are one review's verdicts with their evidence.
func AssessmentResults(rv report.Review) any {
	p := rv.Provenance
	seed := p.PlanSHA256 + p.Time
	var obs, findings []map[string]any
	var selected []map[string]string
	seen := map[string]bool{}
	for _, r := range rv.Results {
		var evidence []map[string]any
		for _, e := range r.Evidence {
			evidence = append(evidence, map[string]any{"description": fmt.Sprintf("%s %s %s = %s %s", e.Status, e.Resource, e.Attribute, e.Value, e.Note)})
		}
		if len(evidence) == 0 {
			evidence = append(evidence, map[string]any{"description": "no evidence"})
		}
		ou := uuid("observation", seed+r.ID)
		obs = append(obs, map[string]any{
			"uuid":              ou,
			"title":             r.Title,
			"description":       fmt.Sprintf("plan-review control %s: %s", r.ID, r.Status),
			"methods":           []string{"TEST"},
			"types":             []string{"control-objective"},
			"collected":         p.Time,
			"relevant-evidence": evidence,
		})
		state := "not-satisfied"
		if r.Status == controls.Pass {
			state = "satisfied"
		}
		for _, id := range r.NIST {
			id = strings.ToLower(id)
			if !seen[id] {
				seen[id] = true
				selected = append(selected, map[string]string{"control-id": id})
			}
			findings = append(findings, map[string]any{
				"uuid":        uuid("finding", seed+r.ID+id),
				"title":       r.Title + " (" + id + ")",
				"description": r.Description,
				"target": map[string]any{
					"type": "objective-id", "target-id": id + "_obj",
					"status": map[string]string{"state": state},
				},
				"related-observations": []map[string]string{{"observation-uuid": ou}},
			})
		}
	}
	sort.Slice(selected, func(i, j int) bool { return selected[i]["control-id"] < selected[j]["control-id"] })
	props := []prop{
		{Name: "plan-sha256", Value: orNone(p.PlanSHA256), NS: ns},
		{Name: "commit", Value: orNone(p.Commit), NS: ns},
		{Name: "terraform-version", Value: orNone(p.TerraformVersion), NS: ns},
	}
	result := map[string]any{
		"uuid":        uuid("result", seed),
		"title":       "plan-review of " + rv.Plan,
		"description": verdict(rv),
		"start":       p.Time,
		"end":         p.Time,
		"props":       props,
		"reviewed-controls": map[string]any{
			"control-selections": []map[string]any{{"include-controls": selected}},
		},
		"observations": obs,
		"findings":     findings,
	}
	return map[string]any{"assessment-results": map[string]any{
		"uuid":     uuid("assessment-results", seed),
		"metadata": metadata{Title: "plan-review assessment results: " + rv.Plan, LastModified: p.Time, Version: "1", OSCALVersion: Version, Props: props},
		// plan-review's controls are the assessment plan: they are listed
		// in the component definition written beside this file.
		"import-ap": map[string]string{"href": "component-definition.json"},
		"results":   []any{result},
	}}
}

func verdict(rv report.Review) string {
	if rv.Passed {
		return "PASS: every control passed."
	}
	return "FAIL: at least one control failed or could not be shown."
}

func orNone(s string) string {
	if strings.TrimSpace(s) == "" {
		return "none"
	}
	return s
}

// uuid is a name-based (version 5) UUID: the same input, the same id, so a
// document written twice from the same review is the same document.
func uuid(kind, name string) string {
	h := sha1.Sum([]byte("plan-review/" + kind + "/" + name))
	b := h[:16]
	b[6] = b[6]&0x0f | 0x50
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
