// Package test is the Terratest suite of the Terraform module: plan tests on
// the examples, validation tests on the root module, apply tests against a
// local AWS emulator (moto) that then run the applied task definition's
// containers against a real PostgreSQL, and documentation checks. Nothing
// here needs a cloud account or the Terraform registry: the aws provider
// comes from the filesystem mirror named in terraform.tfrc.
package test

import (
	"context"
	"flag"
	"fmt"
	"os"
	"testing"

	"github.com/advana-export/terraform-aws-advana-export/test/harness/testenv"
)

// moto is the one emulator every test in this package talks to; resource
// names carry a random id, so parallel tests never collide in it.
var moto *testenv.Moto

// motoIAM is the emulator the apply-and-run tests deploy to: it enforces
// IAM, so the task runs with its own roles' permissions, as on ECS.
// Terraform and the tests' read-backs sign as its administrator.
var motoIAM *testenv.Moto

func TestMain(m *testing.M) {
	flag.Parse()
	if testing.Short() {
		// The fast lane runs the pure tests (docs, conventions); every
		// test that needs moto or Terraform skips in its helpers.
		os.Exit(m.Run())
	}
	// Four at a time, not GOMAXPROCS (2 here): the tests wait on Terraform,
	// moto, the provider's propagation waits and PostgreSQL far more than
	// they compute.
	testenv.DefaultParallel(4)
	var err error
	moto, err = testenv.StartMoto(context.Background())
	if err != nil {
		fmt.Fprintln(os.Stderr, "start moto:", err)
		os.Exit(1)
	}
	if motoIAM, err = startMotoIAM(); err != nil {
		fmt.Fprintln(os.Stderr, "start moto with IAM enforcement:", err)
		moto.Stop()
		os.Exit(1)
	}
	code := m.Run()
	stopSystem()
	moto.Stop()
	motoIAM.Stop()
	os.Exit(code)
}

// startMotoIAM starts the emulator of appliedSites and, before it enforces
// IAM, makes in each partition what must exist before anyone signs: the
// partner's Terraform role (its assumed credentials need a role with a policy).
func startMotoIAM() (*testenv.Moto, error) {
	ctx := context.Background()
	m, err := testenv.StartMotoIAM(ctx)
	if err != nil {
		return nil, err
	}
	var regions []string
	for _, s := range appliedSites {
		cfg := testenv.AWSConfig(m.Endpoint)
		cfg.Region = s.Region
		if err := createPartnerRole(ctx, cfg, s); err != nil {
			m.Stop()
			return nil, err
		}
		partnerRoles.Store(m.Endpoint+" "+s.Partition, struct{}{})
		regions = append(regions, s.Region)
	}
	if err := m.EnforceIAM(ctx, regions...); err != nil {
		m.Stop()
		return nil, err
	}
	return m, nil
}
