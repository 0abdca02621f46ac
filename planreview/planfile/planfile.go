// Package planfile produces the JSON form of a Terraform plan: by running
// init, plan and show on a configuration (terraform-exec), or by reading a
// saved plan (JSON as written by `terraform show -json`, or a binary plan
// file shown through Terraform).
package planfile

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-exec/tfexec"
	tfjson "github.com/hashicorp/terraform-json"

	"github.com/advana-export/terraform-aws-advana-export/planreview/emulator"
	"github.com/advana-export/terraform-aws-advana-export/planreview/offline"
)

// Mode is how a configuration is planned.
type Mode string

// Modes.
const (
	// Fresh plans a copy with fake credentials and a local STS: what a first
	// deployment's plan shows (new resources' ARNs are known after apply).
	Fresh Mode = "fresh"
	// Deployed applies a copy to a local AWS emulator (moto, one account per
	// provider configuration) and plans again: what the plan of a change to a
	// deployed stack shows, with every value known.
	Deployed Mode = "deployed"
	// Live plans in place with the caller's own credentials.
	Live Mode = "live"
)

// RunOptions says what to plan and how.
type RunOptions struct {
	// Root is the tree copied for an offline plan (the repository); Dir is the
	// configuration to plan, relative to Root.
	Root string
	Dir  string
	// VarFiles are absolute paths of variable files.
	VarFiles []string
	Mode     Mode
	// Terraform is the terraform binary; empty looks it up on PATH.
	Terraform string
	// Providers, when not nil, receives the provider versions the plan used
	// (from the configuration's dependency lock file).
	Providers map[string]string
	// Emulator, in Deployed mode, is the moto the configuration is applied
	// to; the caller keeps it, and what was applied, after Run (the image
	// test runs the applied task definition). Empty starts one for the run.
	Emulator string
}

// Run plans the configuration and returns the plan as JSON.
func Run(ctx context.Context, o RunOptions) (*tfjson.Plan, error) {
	bin := o.Terraform
	if bin == "" {
		p, err := exec.LookPath("terraform")
		if err != nil {
			return nil, fmt.Errorf("find terraform: %w", err)
		}
		bin = p
	}
	if o.Mode == Live {
		return plan(ctx, bin, filepath.Join(o.Root, o.Dir), o.VarFiles, nil, false, o.Providers)
	}
	tmp, err := os.MkdirTemp("", "plan-review-")
	if err != nil {
		return nil, fmt.Errorf("offline plan: %w", err)
	}
	defer os.RemoveAll(tmp)
	if err := offline.CopyTerraform(o.Root, tmp); err != nil {
		return nil, fmt.Errorf("offline plan: copy %s: %w", o.Root, err)
	}
	dir := filepath.Join(tmp, o.Dir)
	switch o.Mode {
	case Fresh:
		off, err := offline.Setup(dir)
		if err != nil {
			return nil, fmt.Errorf("offline plan: %w", err)
		}
		defer off.Close()
		return plan(ctx, bin, dir, o.VarFiles, offline.Env(), false, o.Providers)
	case Deployed:
		endpoint := o.Emulator
		if endpoint == "" {
			moto, err := emulator.StartMoto(ctx)
			if err != nil {
				return nil, fmt.Errorf("deployed plan: %w", err)
			}
			defer moto.Stop()
			endpoint = moto.Endpoint
		}
		off, err := offline.SetupEmulator(dir, endpoint)
		if err != nil {
			return nil, fmt.Errorf("deployed plan: %w", err)
		}
		defer off.Close()
		// The landing zone's access-log buckets the inputs name must exist.
		logBuckets, err := offline.LogBucketsFromVarFiles(o.VarFiles)
		if err != nil {
			return nil, fmt.Errorf("deployed plan: %w", err)
		}
		if err := off.CreateLogBuckets(endpoint, logBuckets); err != nil {
			return nil, fmt.Errorf("deployed plan: %w", err)
		}
		return plan(ctx, bin, dir, o.VarFiles, offline.Env(), true, o.Providers)
	}
	return nil, fmt.Errorf("unknown mode %q (fresh, deployed or live)", o.Mode)
}

// plan runs init, (apply,) plan and show in dir.
func plan(ctx context.Context, bin, dir string, varFiles []string, env map[string]string, applyFirst bool, providers map[string]string) (*tfjson.Plan, error) {
	tf, err := tfexec.NewTerraform(dir, bin)
	if err != nil {
		return nil, fmt.Errorf("terraform in %s: %w", dir, err)
	}
	if err := setEnv(tf, env); err != nil {
		return nil, err
	}
	if err := tf.Init(ctx, tfexec.Backend(false)); err != nil {
		return nil, fmt.Errorf("terraform init in %s: %w", dir, err)
	}
	if providers != nil {
		for k, v := range LockedProviders(dir) {
			providers[k] = v
		}
	}
	if applyFirst {
		var opts []tfexec.ApplyOption
		for _, f := range varFiles {
			opts = append(opts, tfexec.VarFile(f))
		}
		if err := tf.Apply(ctx, opts...); err != nil {
			return nil, fmt.Errorf("terraform apply (emulator) in %s: %w", dir, err)
		}
	}
	out := filepath.Join(dir, "plan-review.tfplan")
	opts := []tfexec.PlanOption{tfexec.Out(out), tfexec.Refresh(applyFirst)}
	for _, f := range varFiles {
		opts = append(opts, tfexec.VarFile(f))
	}
	if _, err := tf.Plan(ctx, opts...); err != nil {
		return nil, fmt.Errorf("terraform plan in %s: %w", dir, err)
	}
	p, err := tf.ShowPlanFile(ctx, out)
	if err != nil {
		return nil, fmt.Errorf("terraform show %s: %w", out, err)
	}
	return p, nil
}

// setEnv passes the process environment plus extra to Terraform. The
// variables terraform-exec manages itself (TF_IN_AUTOMATION, TF_LOG, TF_VAR_*,
// ...) are left out: it refuses them and sets its own. TF_CLI_CONFIG_FILE (the
// offline provider mirror) is passed on.
func setEnv(tf *tfexec.Terraform, extra map[string]string) error {
	if len(extra) == 0 {
		return nil
	}
	env := map[string]string{}
	for _, kv := range os.Environ() {
		if k, v, ok := strings.Cut(kv, "="); ok {
			env[k] = v
		}
	}
	for _, k := range tfexec.ProhibitedEnv(env) {
		delete(env, k)
	}
	for k, v := range extra {
		env[k] = v
	}
	if err := tf.SetEnv(env); err != nil {
		return fmt.Errorf("terraform environment: %w", err)
	}
	return nil
}

// Read loads a saved plan: JSON from `terraform show -json`, or a binary
// plan file, which Terraform shows from the (initialised) configuration dir.
func Read(ctx context.Context, path, dir, bin string) (*tfjson.Plan, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read plan: %w", err)
	}
	if trimmed := bytes.TrimSpace(b); len(trimmed) > 0 && trimmed[0] == '{' {
		var p tfjson.Plan
		if err := json.Unmarshal(b, &p); err != nil {
			return nil, fmt.Errorf("parse plan JSON %s: %w", path, err)
		}
		return &p, nil
	}
	if bin == "" {
		if bin, err = exec.LookPath("terraform"); err != nil {
			return nil, fmt.Errorf("find terraform to show %s: %w", path, err)
		}
	}
	tf, err := tfexec.NewTerraform(dir, bin)
	if err != nil {
		return nil, fmt.Errorf("terraform in %s: %w", dir, err)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("plan path: %w", err)
	}
	p, err := tf.ShowPlanFile(ctx, abs)
	if err != nil {
		return nil, fmt.Errorf("terraform show %s (run it from the initialised configuration, -dir): %w", path, err)
	}
	return p, nil
}

// Write saves a plan as JSON (the form Read accepts).
func Write(path string, p *tfjson.Plan) error {
	b, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("encode plan: %w", err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return fmt.Errorf("save plan: %w", err)
	}
	return nil
}

var lockedProvider = regexp.MustCompile(`(?m)^provider "([^"]+)" \{\s*\n\s*version\s*=\s*"([^"]+)"`)

// LockedProviders reads the provider versions of dir's dependency lock
// file (.terraform.lock.hcl); empty when there is none.
func LockedProviders(dir string) map[string]string {
	out := map[string]string{}
	b, err := os.ReadFile(filepath.Join(dir, ".terraform.lock.hcl"))
	if err != nil {
		return out
	}
	for _, m := range lockedProvider.FindAllStringSubmatch(string(b), -1) {
		out[m[1]] = m[2]
	}
	return out
}
