// Command sharedchecks is `make docs`'s step that copies the root module's
// shared input checks into the partner's module (package sharedchecks).
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/advana-export/terraform-aws-advana-export/test/sharedchecks"
)

func main() {
	repo := flag.String("repo", ".", "the repository")
	check := flag.Bool("check", false, "only report whether the partner's file is up to date")
	flag.Parse()
	if err := sharedchecks.Update(*repo, *check); err != nil {
		fmt.Fprintln(os.Stderr, "sharedchecks:", err)
		os.Exit(1)
	}
}
