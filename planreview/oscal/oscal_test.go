package oscal

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/advana-export/terraform-aws-advana-export/planreview/controls"
	"github.com/advana-export/terraform-aws-advana-export/planreview/report"
)

func validate(t *testing.T, path string) error {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return Validate(b)
}

// sampleReview is a review with one passing and one failing control.
func sampleReview() report.Review {
	prov := report.Provenance{Time: "2026-12-01T00:00:00Z", Commit: "abc123", PlanSHA256: strings.Repeat("ab", 32), TerraformVersion: "1.11.0"}
	return report.New("examples/complete", prov, report.Inventory{}, []controls.Result{
		{ID: "encryption-at-rest", Title: "Encryption", NIST: []string{"SC-28", "SC-12"}, Status: controls.Pass,
			Evidence: []controls.Evidence{{Resource: "aws_kms_key.this", Attribute: "enable_key_rotation", Value: "true", Status: controls.Pass}}},
		{ID: "logging", Title: "Logging", NIST: []string{"AU-2"}, Status: controls.Fail},
	})
}

// TestDocumentsValidateAgainstNISTSchema: both documents plan-review writes
// validate against NIST's OSCAL schema, and a broken one does not.
func TestDocumentsValidateAgainstNISTSchema(t *testing.T) {
	dir := t.TempDir()
	if err := WriteFiles(dir, sampleReview()); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"component-definition.json", "assessment-results.json"} {
		if err := validate(t, filepath.Join(dir, name)); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	// The schema is not a formality: a component definition without its
	// metadata's OSCAL version is refused.
	var cd map[string]any
	b, _ := os.ReadFile(filepath.Join(dir, "component-definition.json"))
	if err := json.Unmarshal(b, &cd); err != nil {
		t.Fatal(err)
	}
	delete(cd["component-definition"].(map[string]any)["metadata"].(map[string]any), "oscal-version")
	broken := filepath.Join(dir, "broken.json")
	b, _ = json.Marshal(cd)
	if err := os.WriteFile(broken, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := validate(t, broken); err == nil {
		t.Error("a component definition without oscal-version validated")
	}
}

// TestComponentDefinitionCoversEveryControl: every NIST id any control names
// is an implemented requirement, with the plan-review controls that verify it.
func TestComponentDefinitionCoversEveryControl(t *testing.T) {
	b, _ := json.Marshal(ComponentDefinition("2026-12-01T00:00:00Z"))
	text := string(b)
	for _, c := range controls.All() {
		for _, id := range c.NIST {
			if !strings.Contains(text, `"control-id":"`+strings.ToLower(id)+`"`) {
				t.Errorf("control %s (%s) missing", id, c.ID)
			}
		}
		if !strings.Contains(text, `"value":"`+c.ID+`"`) {
			t.Errorf("plan-review control %s not named", c.ID)
		}
	}
}

// TestAssessmentResultsCarryVerdicts: a failing control is not-satisfied.
func TestAssessmentResultsCarryVerdicts(t *testing.T) {
	b, _ := json.Marshal(AssessmentResults(sampleReview()))
	text := string(b)
	if !strings.Contains(text, `"target-id":"au-2_obj"`) || !strings.Contains(text, `"state":"not-satisfied"`) || !strings.Contains(text, `"state":"satisfied"`) {
		t.Errorf("verdicts missing: %s", text)
	}
}
