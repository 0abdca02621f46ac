// Package controls holds the InfraSec controls a plan is reviewed against.
// Each control walks every resource of the types it cares about, in every
// module, and records evidence lines (resource address, attribute, value,
// verdict). A control passes only on evidence: no evidence at all, or a
// value the plan cannot show, is UNKNOWN, which fails the gate like FAIL.
package controls

import (
	"sort"

	"github.com/advana-export/terraform-aws-advana-export/planreview/model"
	"github.com/advana-export/terraform-aws-advana-export/planreview/policy"
)

// Status is a control's or an evidence line's verdict.
type Status string

// Verdicts. INFO lines are context and never decide a control.
const (
	Pass    Status = "PASS"
	Fail    Status = "FAIL"
	Unknown Status = "UNKNOWN"
	Info    Status = "INFO"
)

// Evidence is one observation: what the plan says about one attribute.
type Evidence struct {
	Resource  string `json:"resource"`
	Attribute string `json:"attribute"`
	Value     string `json:"value"`
	Status    Status `json:"status"`
	Note      string `json:"note,omitempty"`
}

// Result is one control evaluated on one plan.
type Result struct {
	ID          string     `json:"id"`
	Title       string     `json:"title"`
	NIST        []string   `json:"nist"`
	Description string     `json:"description"`
	Status      Status     `json:"status"`
	Evidence    []Evidence `json:"evidence"`
	// Exceptions are accepted deviations, each with its reason.
	Exceptions []Exception `json:"exceptions,omitempty"`
	// Summary is the control's answer in one line, for page one (set by
	// controls that answer a reviewer's question, e.g. "FIPS?").
	Summary string `json:"summary,omitempty"`
}

// Control is a check with its identity.
type Control struct {
	ID          string
	Title       string
	NIST        []string
	Description string
	Check       func(c *Context, r *Result)
}

// Context is what every check reads: the plan and its policies.
type Context struct {
	Plan     *model.Plan
	Policies []policy.Document
	accounts map[string]string
	// The deployment's own buckets and keys (scope.go), read once: every
	// resource of every role statement is judged against them.
	buckets, keys map[string]bool
}

// NewContext indexes a plan for the checks.
func NewContext(p *model.Plan) *Context {
	c := &Context{Plan: p, Policies: policy.Collect(p), accounts: map[string]string{}}
	for _, r := range p.OfType("data.aws_caller_identity") {
		if id, ok := r.String("account_id"); ok && id != "" {
			c.accounts[r.Module] = id
		}
	}
	c.buckets, c.keys = c.knownBuckets(), c.knownKeys()
	return c
}

// AccountOf is the account a module's resources are created in, from the
// nearest aws_caller_identity in it or its callers ("" when unknown).
func (c *Context) AccountOf(module string) string {
	for {
		if id, ok := c.accounts[module]; ok {
			return id
		}
		if module == "" {
			return ""
		}
		module, _ = model.Parent(module)
	}
}

// All is every control, in report order.
func All() []Control {
	return []Control{
		encryptionControl, tlsControl, publicAccessControl, leastPrivilegeControl, keyAdminControl,
		crossAccountControl, containersControl, imageControl, loggingControl, backupControl, secretsControl, fipsControl,
	}
}

// Run evaluates every control on the plan.
func Run(c *Context) []Result {
	var out []Result
	for _, ctl := range All() {
		out = append(out, Evaluate(c, ctl))
	}
	return out
}

// Evaluate runs one control and derives its status from its evidence.
func Evaluate(c *Context, ctl Control) Result {
	r := Result{ID: ctl.ID, Title: ctl.Title, NIST: ctl.NIST, Description: ctl.Description}
	ctl.Check(c, &r)
	r.Status = verdict(r.Evidence)
	if r.Status == Unknown && !has(r.Evidence, Unknown) {
		r.Evidence = append(r.Evidence, Evidence{Resource: "(plan)", Attribute: "-", Value: "no evidence", Status: Unknown,
			Note: "the plan holds no resource this control can be judged on"})
	}
	return r
}

func verdict(ev []Evidence) Status {
	switch {
	case has(ev, Fail):
		return Fail
	case has(ev, Unknown):
		return Unknown
	case has(ev, Pass):
		return Pass
	}
	return Unknown
}

func has(ev []Evidence, s Status) bool {
	for _, e := range ev {
		if e.Status == s {
			return true
		}
	}
	return false
}

// add appends an evidence line.
func (r *Result) add(res, attr, value string, s Status, note string) {
	r.Evidence = append(r.Evidence, Evidence{Resource: res, Attribute: attr, Value: value, Status: s, Note: note})
}

// check records a boolean requirement: PASS when ok, FAIL otherwise.
func (r *Result) check(res, attr, value string, ok bool, note string) {
	s := Fail
	if ok {
		s = Pass
	}
	r.add(res, attr, value, s, note)
}

func sortedModules(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
