// Package review is plan-review's entry point as a library: a plan in, the
// control results out. The command and the tests both call it.
package review

import (
	tfjson "github.com/hashicorp/terraform-json"

	"github.com/advana-export/terraform-aws-advana-export/internal/planreview/controls"
	"github.com/advana-export/terraform-aws-advana-export/internal/planreview/model"
	"github.com/advana-export/terraform-aws-advana-export/internal/planreview/report"
)

// Plan reviews a plan; name says where it came from.
func Plan(p *tfjson.Plan, name string) report.Review {
	results := controls.Run(controls.NewContext(model.New(p)))
	return report.New(name, p.TerraformVersion, results)
}
