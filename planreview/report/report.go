// Package report writes a review: Markdown for people (page one is the
// review, the evidence follows as an appendix), JSON for tools.
package report

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/advana-export/terraform-aws-advana-export/planreview/controls"
)

// Provenance says exactly what was reviewed, when, with what.
type Provenance struct {
	Commit           string            `json:"commit"`
	PlanSHA256       string            `json:"plan_sha256"`
	Time             string            `json:"time"`
	TerraformVersion string            `json:"terraform_version"`
	Providers        map[string]string `json:"providers"`
}

// Review is one plan's review.
type Review struct {
	Plan             string               `json:"plan"`
	TerraformVersion string               `json:"terraform_version"`
	Passed           bool                 `json:"passed"`
	Provenance       Provenance           `json:"provenance"`
	Inventory        Inventory            `json:"inventory"`
	Exceptions       []controls.Exception `json:"exceptions"`
	Results          []controls.Result    `json:"controls"`
}

// New builds a review; it passes when every control passes.
func New(plan string, prov Provenance, inv Inventory, results []controls.Result) Review {
	ok := true
	var ex []controls.Exception
	for _, r := range results {
		ok = ok && r.Status == controls.Pass
		ex = append(ex, r.Exceptions...)
	}
	sort.SliceStable(ex, func(i, j int) bool { return ex[i].ID < ex[j].ID })
	return Review{Plan: plan, TerraformVersion: prov.TerraformVersion, Passed: ok, Provenance: prov, Inventory: inv, Exceptions: ex, Results: results}
}

// WriteFiles writes the Markdown and JSON forms (an empty path skips one).
func (rv Review) WriteFiles(mdPath, jsonPath string) error {
	if mdPath != "" {
		if err := WriteFile(mdPath, rv.Markdown); err != nil {
			return err
		}
	}
	if jsonPath != "" {
		return WriteFile(jsonPath, rv.JSON)
	}
	return nil
}

// WriteFile creates path and fills it with fn.
func WriteFile(path string, fn func(io.Writer) error) error {
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

// Read loads a review written by JSON (a baseline).
func Read(path string) (Review, error) {
	var rv Review
	b, err := os.ReadFile(path)
	if err != nil {
		return rv, fmt.Errorf("read review %s: %w", path, err)
	}
	if err := json.Unmarshal(b, &rv); err != nil {
		return rv, fmt.Errorf("parse review %s: %w", path, err)
	}
	return rv, nil
}

// Markdown writes page one (the review), then the evidence appendix.
func (rv Review) Markdown(w io.Writer) error {
	var b strings.Builder
	rv.pageOne(&b)
	rv.appendix(&b)
	_, err := io.WriteString(w, b.String())
	return err
}

// PageOne is the review a signer reads: at most 80 lines.
func (rv Review) PageOne() string {
	var b strings.Builder
	rv.pageOne(&b)
	return b.String()
}

func (rv Review) pageOne(b *strings.Builder) {
	verdict := "**PASS**: every control passed"
	if !rv.Passed {
		var failed []string
		for _, r := range rv.Results {
			if r.Status != controls.Pass {
				failed = append(failed, r.ID+" "+string(r.Status))
			}
		}
		verdict = "**FAIL**: " + strings.Join(failed, ", ")
	}
	p := rv.Provenance
	fmt.Fprintf(b, "# Plan review: %s\n\n%s", rv.Plan, verdict)
	// "FIPS?" answered in one line under the verdict (a Markdown line break).
	for _, r := range rv.Results {
		if r.ID == "fips" {
			fmt.Fprintf(b, "  \nFIPS? %s", orNone(r.Summary))
		}
	}
	b.WriteString("\n\n")
	fmt.Fprintf(b, "Provenance: commit `%s`, plan sha256 `%s`, %s, Terraform %s, providers %s\n\n",
		orNone(p.Commit), short(p.PlanSHA256), p.Time, p.TerraformVersion, providers(p.Providers))
	b.WriteString("| Control | Status | NIST SP 800-53 |\n|---|---|---|\n")
	for _, r := range rv.Results {
		fmt.Fprintf(b, "| [%s](#%s) | %s | %s |\n", r.Title, r.ID, r.Status, strings.Join(r.NIST, ", "))
	}
	// Headings run straight into their lists: page one stays within 80 lines.
	b.WriteString("\n## Who may do what (roles)\n")
	for _, pr := range rv.Inventory.Principals {
		fmt.Fprintf(b, "- **%s** — assumed by %s; boundary %s\n", pr.Role, orNone(strings.Join(pr.TrustedBy, "; ")), pr.Boundary)
		for _, g := range pr.Grants {
			fmt.Fprintf(b, "  - %s\n", g)
		}
	}
	b.WriteString("\n## Keys: what each protects, who may use it\n")
	for _, k := range rv.Inventory.Keys {
		fmt.Fprintf(b, "- **%s** protects %s\n", k.Key, orNone(strings.Join(k.Protects, ", ")))
		for _, u := range k.Users {
			fmt.Fprintf(b, "  - %s\n", u)
		}
	}
	b.WriteString("\n## Network exposure\n")
	for _, n := range rv.Inventory.Network {
		fmt.Fprintf(b, "- %s\n", n)
	}
	b.WriteString("\n## Exceptions register\n\n")
	if len(rv.Exceptions) == 0 {
		b.WriteString("None.\n")
	} else {
		b.WriteString("| Id | Where in the plan | Reason | NIST | Written down in |\n|---|---|---|---|---|\n")
		for _, e := range rv.Exceptions {
			fmt.Fprintf(b, "| %s | `%s` | %s | %s | `%s` |\n", e.ID, e.Resource, cell(e.Reason), strings.Join(e.NIST, ", "), e.Location)
		}
	}
}

func (rv Review) appendix(b *strings.Builder) {
	b.WriteString("\n---\n\n# Appendix: evidence per control\n")
	for _, r := range rv.Results {
		fmt.Fprintf(b, "\n<a id=\"%s\"></a>\n## %s — %s (%s)\n\n%s\n\n", r.ID, r.Title, r.Status, strings.Join(r.NIST, ", "), r.Description)
		b.WriteString("| Status | Resource | Attribute | Value | Note |\n|---|---|---|---|---|\n")
		for _, e := range r.Evidence {
			fmt.Fprintf(b, "| %s | `%s` | %s | %s | %s |\n", e.Status, e.Resource, cell(e.Attribute), cell(e.Value), cell(e.Note))
		}
	}
}

func providers(m map[string]string) string {
	if len(m) == 0 {
		return "(not recorded: a saved plan without its lock file)"
	}
	var parts []string
	for k, v := range m {
		parts = append(parts, k+" "+v)
	}
	sort.Strings(parts)
	return strings.Join(parts, ", ")
}

func short(s string) string {
	if len(s) > 16 {
		return s[:16] + "…"
	}
	return orNone(s)
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// cell escapes text for a Markdown table cell.
func cell(s string) string {
	s = strings.ReplaceAll(s, "|", "\\|")
	return strings.ReplaceAll(s, "\n", " ")
}
