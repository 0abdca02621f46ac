// Package review is plan-review's entry point as a library: a plan in, the
// control results, inventory and provenance out. The command and the tests
// both call it.
package review

import (
	tfjson "github.com/hashicorp/terraform-json"

	"github.com/advana-export/terraform-aws-advana-export/planreview/controls"
	"github.com/advana-export/terraform-aws-advana-export/planreview/model"
	"github.com/advana-export/terraform-aws-advana-export/planreview/report"
)

// Plan reviews a plan; name says where it came from, prov what it is.
func Plan(p *tfjson.Plan, name string, prov report.Provenance) report.Review {
	c := controls.NewContext(model.New(p))
	prov.TerraformVersion = p.TerraformVersion
	return report.New(name, prov, report.Take(c), controls.Run(c))
}
