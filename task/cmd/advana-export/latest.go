package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/advana-export/terraform-aws-advana-export/task/logging"
	"github.com/advana-export/terraform-aws-advana-export/task/partner"
)

// runLatest prints, as one JSON document on stdout, the newest complete run
// under the prefix (its manifest's s3:// address in .latest.manifest), every
// complete run, runs whose manifest is there but not all of their objects
// (yet), complete runs of another format than --format asks for, and
// orphans (folders without a manifest, never chosen). Exit 4 when there is
// no complete run.
func runLatest(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	log, _ := logging.New(stderr)
	fs := flag.NewFlagSet("latest", flag.ContinueOnError)
	var pf partnerFlags
	pf.register(fs, getenv)
	bucket := fs.String("bucket", "", "bucket that receives the exports (required)")
	prefix := fs.String("prefix", "exports", "key prefix of the exports")
	database := fs.String("database", "", "only runs of this database")
	format := fs.String("format", "", "only runs of this format ("+strings.Join(partner.Formats, ", ")+"); a loader sharing a prefix with other schedules should always set it")
	if _, code, done := parseFlags(fs, args, stderr); done {
		return code
	}
	if *bucket == "" {
		return partnerExit(ctx, log, "latest_failed", exitConfig, errors.New("--bucket is required"))
	}
	if *format != "" && !slices.Contains(partner.Formats, *format) {
		return partnerExit(ctx, log, "latest_failed", exitConfig, fmt.Errorf("--format %q: want one of %s", *format, strings.Join(partner.Formats, ", ")))
	}
	c, err := pf.client(ctx)
	if err != nil {
		return partnerExit(ctx, log, "latest_failed", exitConfig, err)
	}
	l, err := partner.Latest(ctx, c, *bucket, *prefix, *database, *format)
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
			fmt.Errorf("no complete run under s3://%s/%s/ (%d incomplete, %d of another format, %d orphan folders)", *bucket, *prefix, len(l.Incomplete), len(l.OtherFormat), len(l.Orphans)))
	}
	return exitOK
}
