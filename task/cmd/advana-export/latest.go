package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/advana-export/terraform-aws-advana-export/task/logging"
	"github.com/advana-export/terraform-aws-advana-export/task/partner"
)

// runLatest prints, as one JSON document on stdout, the newest complete run
// under the prefix (its manifest's s3:// address in .latest.manifest), every
// complete run, runs whose manifest is there but not all of their objects
// (yet), and orphans (folders without a manifest, never chosen). Exit 4 when
// there is no complete run.
func runLatest(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	log, _ := logging.New(stderr)
	fs := flag.NewFlagSet("latest", flag.ContinueOnError)
	var pf partnerFlags
	pf.register(fs, getenv)
	bucket := fs.String("bucket", "", "bucket that receives the exports (required)")
	prefix := fs.String("prefix", "exports", "key prefix of the exports")
	database := fs.String("database", "", "only runs of this database")
	if _, code, done := parseFlags(fs, args, stderr); done {
		return code
	}
	if *bucket == "" {
		return partnerExit(ctx, log, "latest_failed", exitConfig, errors.New("--bucket is required"))
	}
	c, err := pf.client(ctx)
	if err != nil {
		return partnerExit(ctx, log, "latest_failed", exitConfig, err)
	}
	l, err := partner.Latest(ctx, c, *bucket, *prefix, *database)
	if err != nil {
		return partnerExit(ctx, log, "latest_failed", exitStorage, err)
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(l); err != nil {
		return partnerExit(ctx, log, "latest_failed", exitStorage, err)
	}
	if l.Latest == nil {
		return partnerExit(ctx, log, "latest_failed", exitStorage,
			fmt.Errorf("no complete run under s3://%s/%s/ (%d incomplete, %d orphan folders)", *bucket, *prefix, len(l.Incomplete), len(l.Orphans)))
	}
	return exitOK
}
