// Package report writes a review: Markdown for people, JSON for tools.
package report

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/advana-export/terraform-aws-advana-export/internal/planreview/controls"
)

// Review is one plan's review.
type Review struct {
	Plan             string            `json:"plan"`
	TerraformVersion string            `json:"terraform_version"`
	Passed           bool              `json:"passed"`
	Results          []controls.Result `json:"controls"`
}

// New builds a review; it passes when every control passes.
func New(plan, tfVersion string, results []controls.Result) Review {
	ok := true
	for _, r := range results {
		ok = ok && r.Status == controls.Pass
	}
	return Review{Plan: plan, TerraformVersion: tfVersion, Passed: ok, Results: results}
}

// WriteFiles writes the Markdown and JSON forms (an empty path skips one).
func (rv Review) WriteFiles(mdPath, jsonPath string) error {
	if mdPath != "" {
		if err := writeFile(mdPath, rv.Markdown); err != nil {
			return err
		}
	}
	if jsonPath != "" {
		return writeFile(jsonPath, rv.JSON)
	}
	return nil
}

func writeFile(path string, fn func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	if err := fn(f); err != nil {
		f.Close()
		return fmt.Errorf("write report %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write report %s: %w", path, err)
	}
	return nil
}

// JSON writes the review as indented JSON.
func (rv Review) JSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(rv)
}

// Markdown writes the summary table, then each control's evidence.
func (rv Review) Markdown(w io.Writer) error {
	var b strings.Builder
	verdict := "PASS: every control passed"
	if !rv.Passed {
		verdict = "FAIL: at least one control failed or could not be shown (UNKNOWN)"
	}
	fmt.Fprintf(&b, "# Plan review\n\nPlan: `%s` (Terraform %s)\n\n**%s**\n\n", rv.Plan, rv.TerraformVersion, verdict)
	b.WriteString("| Control | Status | NIST SP 800-53 |\n|---|---|---|\n")
	for _, r := range rv.Results {
		fmt.Fprintf(&b, "| [%s](#%s) | %s | %s |\n", r.Title, r.ID, r.Status, strings.Join(r.NIST, ", "))
	}
	for _, r := range rv.Results {
		fmt.Fprintf(&b, "\n<a id=\"%s\"></a>\n## %s — %s (%s)\n\n%s\n\n", r.ID, r.Title, r.Status, strings.Join(r.NIST, ", "), r.Description)
		for _, e := range r.Exceptions {
			fmt.Fprintf(&b, "- **Exception:** %s\n", cell(e))
		}
		if len(r.Exceptions) > 0 {
			b.WriteString("\n")
		}
		b.WriteString("| Status | Resource | Attribute | Value | Note |\n|---|---|---|---|---|\n")
		for _, e := range r.Evidence {
			fmt.Fprintf(&b, "| %s | `%s` | %s | %s | %s |\n", e.Status, e.Resource, cell(e.Attribute), cell(e.Value), cell(e.Note))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// cell escapes text for a Markdown table cell.
func cell(s string) string {
	s = strings.ReplaceAll(s, "|", "\\|")
	return strings.ReplaceAll(s, "\n", " ")
}
