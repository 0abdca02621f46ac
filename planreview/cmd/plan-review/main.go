// Command plan-review turns a Terraform plan into an InfraSec review: each
// control, whether the plan meets it, and the evidence (resource address,
// attribute, value). It plans a configuration itself (init, plan, show with
// terraform-exec; offline with fake credentials for the examples) or reads a
// saved plan, writes plan-review.md and plan-review.json, and exits 1 when
// any control fails or cannot be shown.
//
//	plan-review                                   # examples/complete, deployed to moto, planned again
//	plan-review -dir examples/minimal -mode fresh # a first deployment's plan, offline
//	plan-review -plan tfplan.json                 # terraform show -json tfplan > tfplan.json
//	plan-review -plan tfplan -dir path/to/config  # a binary plan, shown from its config
//	plan-review -baseline approved.json           # also: what changed since an approved review
//	plan-review -oscal-dir oscal/                 # also: OSCAL component definition and assessment results
package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/advana-export/terraform-aws-advana-export/planreview/oscal"
	"github.com/advana-export/terraform-aws-advana-export/planreview/planfile"
	"github.com/advana-export/terraform-aws-advana-export/planreview/report"
	"github.com/advana-export/terraform-aws-advana-export/planreview/review"
)

// Exit codes.
const (
	exitPass   = 0
	exitFail   = 1 // a control failed or is unknown
	exitUsage  = 2
	exitError  = 3 // could not produce or read the plan
	defaultDir = "examples/complete"
	// fixtureDir holds NAME.tfvars.json, the inputs of examples/NAME used
	// when an offline plan is given no -var-file.
	fixtureDir = "test/fixtures/plan-review"
)

type options struct {
	dir, root, planPath, mdPath, jsonPath, terraform, savePlan string
	baseline, diffPath, oscalDir                               string
	varFiles                                                   []string
	mode                                                       planfile.Mode
}

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	o, err := parseFlags(args)
	if err != nil {
		fmt.Fprintln(os.Stderr, "plan-review:", err)
		return exitUsage
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	prov := report.Provenance{Time: time.Now().UTC().Format(time.RFC3339), Commit: commit(ctx, o.root), Providers: map[string]string{}}
	plan, name, raw, err := load(ctx, o, prov.Providers)
	if err != nil {
		fmt.Fprintln(os.Stderr, "plan-review:", err)
		return exitError
	}
	sum := sha256.Sum256(raw)
	prov.PlanSHA256 = hex.EncodeToString(sum[:])
	if o.savePlan != "" {
		if err := os.WriteFile(o.savePlan, raw, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "plan-review: save plan:", err)
			return exitError
		}
	}
	rv := review.Plan(plan, name, prov)
	if err := rv.WriteFiles(o.mdPath, o.jsonPath); err != nil {
		fmt.Fprintln(os.Stderr, "plan-review:", err)
		return exitError
	}
	if err := writeExtras(o, rv); err != nil {
		fmt.Fprintln(os.Stderr, "plan-review:", err)
		return exitError
	}
	for _, r := range rv.Results {
		fmt.Printf("%-8s %-20s %v\n", r.Status, r.ID, r.NIST)
	}
	fmt.Printf("report: %s, %s\n", o.mdPath, o.jsonPath)
	if !rv.Passed {
		return exitFail
	}
	return exitPass
}

type varFiles []string

func (v *varFiles) String() string     { return fmt.Sprint(*v) }
func (v *varFiles) Set(s string) error { *v = append(*v, s); return nil }

func parseFlags(args []string) (options, error) {
	var o options
	var vf varFiles
	fs := flag.NewFlagSet("plan-review", flag.ContinueOnError)
	fs.StringVar(&o.dir, "dir", defaultDir, "configuration to plan (relative to -root), or where a binary -plan is shown from")
	fs.StringVar(&o.root, "root", ".", "tree copied for an offline plan (the repository: examples refer to ../../)")
	fs.Var(&vf, "var-file", "variable file for the plan (repeatable); offline, the default is "+fixtureDir+"/BASENAME-OF-DIR.tfvars.json if it exists")
	mode := fs.String("mode", string(planfile.Deployed), "deployed: apply a copy to a local AWS emulator, then plan again (every value known, as in the plan of a change); "+
		"fresh: plan a copy with fake credentials and a local STS (a first deployment: new ARNs unknown); live: plan in place with your own credentials")
	fs.StringVar(&o.planPath, "plan", "", "review this saved plan (JSON from `terraform show -json`, or a binary plan file) instead of planning")
	fs.StringVar(&o.mdPath, "out", "plan-review.md", "Markdown report")
	fs.StringVar(&o.jsonPath, "json", "plan-review.json", "JSON report")
	fs.StringVar(&o.savePlan, "save-plan", "", "also write the reviewed plan's JSON here (evidence to archive with the report)")
	fs.StringVar(&o.terraform, "terraform", "", "terraform binary (default: from PATH)")
	fs.StringVar(&o.baseline, "baseline", "", "JSON report of the last approved review: print what changed since (new principals, actions, keys, exceptions); nothing when nothing did")
	fs.StringVar(&o.diffPath, "diff", "", "with -baseline: also write the changes to this Markdown file")
	fs.StringVar(&o.oscalDir, "oscal-dir", "", "write OSCAL 1.1.3 JSON here: component-definition.json (the module) and assessment-results.json (this review)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	o.mode = planfile.Mode(*mode)
	if o.mode != planfile.Deployed && o.mode != planfile.Fresh && o.mode != planfile.Live {
		return o, fmt.Errorf("-mode %q: want deployed, fresh or live", *mode)
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments %v", fs.Args())
	}
	for _, f := range vf {
		abs, err := filepath.Abs(f)
		if err != nil {
			return o, fmt.Errorf("-var-file %s: %w", f, err)
		}
		o.varFiles = append(o.varFiles, abs)
	}
	return o, nil
}

var modeText = map[planfile.Mode]string{
	planfile.Deployed: "deployed: applied to a local AWS emulator, then planned again; accounts 111111111111 = default provider, 222222222222 = next alias",
	planfile.Fresh:    "fresh: planned offline with fake credentials, nothing deployed; accounts 111111111111 = default provider, 222222222222 = next alias",
	planfile.Live:     "live: planned with the caller's credentials",
}

// load produces the plan (a saved one, or a new plan of -dir) and the exact
// JSON bytes it was read from or saved as (what the plan hash covers).
func load(ctx context.Context, o options, providers map[string]string) (*tfjson.Plan, string, []byte, error) {
	if o.planPath != "" {
		p, err := planfile.Read(ctx, o.planPath, o.dir, o.terraform)
		if err != nil {
			return nil, "", nil, err
		}
		for k, v := range planfile.LockedProviders(o.dir) {
			providers[k] = v
		}
		raw, err := os.ReadFile(o.planPath)
		if err != nil {
			return nil, "", nil, fmt.Errorf("read plan: %w", err)
		}
		if len(bytes.TrimSpace(raw)) == 0 || bytes.TrimSpace(raw)[0] != '{' {
			// A binary plan: the hash covers its JSON form, as -save-plan writes it.
			if raw, err = json.Marshal(p); err != nil {
				return nil, "", nil, fmt.Errorf("encode plan: %w", err)
			}
		}
		return p, o.planPath, raw, nil
	}
	root, err := filepath.Abs(o.root)
	if err != nil {
		return nil, "", nil, fmt.Errorf("-root: %w", err)
	}
	if _, err := os.Stat(filepath.Join(root, o.dir)); err != nil {
		return nil, "", nil, errors.Join(fmt.Errorf("configuration %s", o.dir), err)
	}
	if len(o.varFiles) == 0 && o.mode != planfile.Live {
		// The examples' inputs for an offline plan, when there are some.
		fixture := filepath.Join(root, fixtureDir, filepath.Base(o.dir)+".tfvars.json")
		if _, err := os.Stat(fixture); err == nil {
			o.varFiles = []string{fixture}
		}
	}
	p, err := planfile.Run(ctx, planfile.RunOptions{Root: root, Dir: o.dir, VarFiles: o.varFiles, Mode: o.mode, Terraform: o.terraform, Providers: providers})
	if err != nil {
		return nil, "", nil, err
	}
	raw, err := json.Marshal(p)
	if err != nil {
		return nil, "", nil, fmt.Errorf("encode plan: %w", err)
	}
	return p, o.dir + " (" + modeText[o.mode] + ")", raw, nil
}

// commit is the repository's commit at root ("+dirty" with local changes);
// "" outside a git work tree.
func commit(ctx context.Context, root string) string {
	out, err := exec.CommandContext(ctx, "git", "-C", root, "rev-parse", "HEAD").Output()
	if err != nil {
		return ""
	}
	c := strings.TrimSpace(string(out))
	if st, err := exec.CommandContext(ctx, "git", "-C", root, "status", "--porcelain", "--untracked-files=no").Output(); err == nil && len(bytes.TrimSpace(st)) > 0 {
		c += "+dirty"
	}
	return c
}

// writeExtras prints the baseline diff and writes the OSCAL documents.
func writeExtras(o options, rv report.Review) error {
	if o.baseline != "" {
		base, err := report.Read(o.baseline)
		if err != nil {
			return fmt.Errorf("-baseline: %w", err)
		}
		d := report.Compare(base, rv)
		if err := d.Write(os.Stdout); err != nil {
			return err
		}
		if o.diffPath != "" {
			if err := report.WriteFile(o.diffPath, d.Write); err != nil {
				return err
			}
		}
	}
	if o.oscalDir != "" {
		if err := oscal.WriteFiles(o.oscalDir, rv); err != nil {
			return fmt.Errorf("-oscal-dir: %w", err)
		}
	}
	return nil
}
