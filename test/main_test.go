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

	"github.com/advana-export/terraform-aws-advana-export/internal/testenv"
)

// moto is the one emulator every test in this package talks to; resource
// names carry a random id, so parallel tests never collide in it.
var moto *testenv.Moto

func TestMain(m *testing.M) {
	flag.Parse()
	if testing.Short() {
		// The fast lane runs the pure tests (docs, conventions); every
		// test that needs moto or Terraform skips in its helpers.
		os.Exit(m.Run())
	}
	var err error
	moto, err = testenv.StartMoto(context.Background())
	if err != nil {
		fmt.Fprintln(os.Stderr, "start moto:", err)
		os.Exit(1)
	}
	code := m.Run()
	stopSystem()
	moto.Stop()
	os.Exit(code)
}
