package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/sirupsen/logrus"

	"github.com/advana-export/terraform-aws-advana-export/task/logging"
	"github.com/advana-export/terraform-aws-advana-export/task/partner"
)

// runVerify checks every object a manifest lists: present, the right size,
// the right SHA-256 (streamed, memory bounded). One JSON line per object,
// then a summary; exit 4 on any mismatch.
func runVerify(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	log, _ := logging.New(stdout)
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	var pf partnerFlags
	pf.register(fs, getenv)
	pos, code, done := parseFlags(fs, args, stderr)
	if done {
		return code
	}
	if len(pos) != 1 {
		return partnerExit(ctx, log, "verify_failed", exitConfig, errors.New("usage: advana-export verify s3://BUCKET/PREFIX/.../manifest.json"))
	}
	bucket, key, err := partner.ParseS3URL(pos[0])
	if err != nil {
		return partnerExit(ctx, log, "verify_failed", exitConfig, err)
	}
	c, err := pf.client(ctx)
	if err != nil {
		return partnerExit(ctx, log, "verify_failed", exitConfig, err)
	}
	m, err := partner.Verify(ctx, c, bucket, key, reportObject(log))
	if err != nil {
		return partnerExit(ctx, log, "verify_failed", exitStorage, err)
	}
	log.WithFields(logrus.Fields{"event": "verify_ok", "run_id": m.RunID, "objects": len(m.Objects), "bytes": m.TotalBytes}).
		Info(fmt.Sprintf("every object of %s matches its manifest", pos[0]))
	return exitOK
}

// reportObject logs one object's check.
func reportObject(log *logrus.Logger) func(partner.Result) {
	return func(r partner.Result) {
		e := log.WithFields(logrus.Fields{"event": "object_checked", "key": r.Key, "size": r.Size, "sha256": r.SHA256, "ok": r.OK})
		if !r.OK {
			e.WithField("problem", r.Problem).Error("object does not match the manifest")
			return
		}
		e.Info("object matches the manifest")
	}
}
