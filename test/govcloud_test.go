package test

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/gruntwork-io/terratest/modules/terraform"
	"github.com/stretchr/testify/assert"
)

var (
	// An ARN's partition, service and region, wherever it appears.
	arnIn = regexp.MustCompile(`arn:([a-z-]+):([a-z0-9-]+):([a-z0-9-]*):`)
	// A region name, wherever it appears (a host, a log option, an ARN).
	regionIn = regexp.MustCompile(`\b(?:us|eu|ap|sa|ca|me|af|il|mx|cn)(?:-gov|-iso|-isob)?-(?:north|south|east|west|central|northeast|southeast|northwest|southwest)-[0-9]\b`)
	// An AWS host name: a service principal, a kms:ViaService value, an ECR registry.
	hostIn = regexp.MustCompile(`\b[a-z0-9][a-z0-9.-]*\.amazonaws\.com(?:\.cn)?\b`)
	// An ECR registry host: ACCOUNT.dkr.ecr.REGION.amazonaws.com.
	ecrHost = regexp.MustCompile(`^[0-9]{12}\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com$`)
)

// dnsSuffix is each partition's DNS suffix (the SDK's partitions.json):
// service principals and endpoints end with it.
var dnsSuffix = map[string]string{"aws": "amazonaws.com", "aws-us-gov": "amazonaws.com", "aws-cn": "amazonaws.com.cn"}

// siteFinding is one value of the plan that does not belong to its site.
type siteFinding struct{ where, what string }

// inSite walks every planned value of every resource (JSON documents such as
// policies and container definitions opened up) and reports each ARN not in
// the site's partition and region, each region name that is not the site's,
// each AWS host outside the partition's DNS suffix, and each service
// principal and condition whose value names another place. It also counts
// what it saw, so a plan that names nothing cannot pass.
func inSite(plan *terraform.PlanStruct, s site) (findings []siteFinding, seen map[string]int) {
	seen = map[string]int{}
	for addr, r := range plan.ResourcePlannedValuesMap {
		walkStrings(r.AttributeValues, addr, func(where, v string) {
			for _, m := range arnIn.FindAllStringSubmatch(v, -1) {
				seen["arn"]++
				if m[1] != s.Partition {
					findings = append(findings, siteFinding{where, fmt.Sprintf("ARN in partition %q, want %q: %s", m[1], s.Partition, v)})
				}
				if m[3] != "" && m[3] != s.Region {
					findings = append(findings, siteFinding{where, fmt.Sprintf("ARN in region %q, want %q: %s", m[3], s.Region, v)})
				}
			}
			for _, r := range regionIn.FindAllString(v, -1) {
				seen["region"]++
				if r != s.Region {
					findings = append(findings, siteFinding{where, fmt.Sprintf("region %q, want %q: %s", r, s.Region, v)})
				}
			}
			for _, h := range hostIn.FindAllString(v, -1) {
				if !strings.HasSuffix(h, "."+dnsSuffix[s.Partition]) || strings.HasSuffix(h, ".cn") != strings.HasSuffix(dnsSuffix[s.Partition], ".cn") {
					findings = append(findings, siteFinding{where, fmt.Sprintf("host %q outside %s's %s", h, s.Partition, dnsSuffix[s.Partition])})
				}
				if m := ecrHost.FindStringSubmatch(h); m != nil {
					seen["ecr host"]++
					if m[1] != s.Region {
						findings = append(findings, siteFinding{where, fmt.Sprintf("ECR host %q, want ACCOUNT.dkr.ecr.%s.%s", h, s.Region, dnsSuffix[s.Partition])})
					}
				}
			}
			if strings.HasSuffix(where, ".Service") || strings.Contains(where, ".Service[") {
				seen["service principal"]++
			}
			if strings.Contains(where, ".Condition.") {
				seen["condition value"]++
			}
		})
	}
	return findings, seen
}

// walkStrings calls f with every string inside v and where it is; a string
// that holds a JSON object or array (a policy, container definitions) is
// opened up, its contents named after its place.
func walkStrings(v interface{}, where string, f func(where, v string)) {
	switch x := v.(type) {
	case map[string]interface{}:
		for k, e := range x {
			walkStrings(e, where+"."+k, f)
		}
	case []interface{}:
		for i, e := range x {
			walkStrings(e, fmt.Sprintf("%s[%d]", where, i), f)
		}
	case string:
		if t := strings.TrimSpace(x); strings.HasPrefix(t, "{") || strings.HasPrefix(t, "[") {
			var doc interface{}
			if json.Unmarshal([]byte(t), &doc) == nil {
				walkStrings(doc, where, f)
				return
			}
		}
		f(where, x)
	}
}

// assertInSite fails on every value of the plan that names another
// partition or region, and when the plan names too little to tell (no ARN,
// no service principal, no condition, no ECR registry).
func assertInSite(t *testing.T, plan *terraform.PlanStruct, s site) {
	t.Helper()
	findings, seen := inSite(plan, s)
	for _, f := range findings {
		t.Errorf("%s: %s: %s", s.Name, f.where, f.what)
	}
	for _, kind := range []string{"arn", "region", "ecr host", "service principal", "condition value"} {
		assert.Positive(t, seen[kind], "%s: the plan names no %s: nothing was checked", s.Name, kind)
	}
	t.Logf("%s: %v checked", s.Name, seen)
}

// TestGovCloudPlan plans examples/complete in AWS GovCloud (US-West), both
// accounts in aws-us-gov, and checks every ARN, host, service principal and
// condition value in it names that partition and region. TestCompletePlan
// makes the same check on its plan in the commercial partition (one plan of
// the example per site), which proves the check follows the site rather than
// a fixed list. (TestCompleteApply repeats it on what was applied.)
func TestGovCloudPlan(t *testing.T) {
	t.Parallel()
	s := govCloud
	dir := copyToTemp(t, "examples/complete")
	pointAtMotoIn(t, dir, moto.Endpoint, s, "", partnerAlias)
	opts := tfOptions(t, dir, completeVarsIn(s, uniqueName("gov")))
	opts.PlanFilePath = filepath.Join(dir, "plan.tfplan")
	plan := terraform.InitAndPlanAndShowWithStruct(t, opts)
	assertInSite(t, plan, s)
	assertPlanControls(t, plan, "rate(12 hours)")
}
