package main

import (
	"os"
	"testing"

	"github.com/advana-export/terraform-aws-advana-export/internal/testenv"
)

func TestMain(m *testing.M) {
	testenv.UseOfflineTerraform()
	os.Exit(m.Run())
}
