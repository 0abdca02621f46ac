package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"io"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/advana-export/terraform-aws-advana-export/task/config"
	"github.com/advana-export/terraform-aws-advana-export/task/export"
	"github.com/advana-export/terraform-aws-advana-export/task/logging"
)

func runExport(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	log, redactor := logging.New(stdout)
	cfg, err := config.Load(args, getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		usage(stdout)
		return exitOK
	}
	redactor.Add(cfg.Secrets()...)
	if err != nil {
		return failed(log, exitConfig, err)
	}
	awsCfg, err := loadAWS(ctx, log, cfg.Region)
	if err != nil {
		return failed(log, exitConfig, err)
	}
	_, err = export.Run(ctx, cfg, export.Deps{
		Log: log, S3: s3Client(awsCfg, cfg.S3ForcePathStyle), KMS: kmsClient(awsCfg), AWS: awsCfg, Version: Version,
		Secret: func(s string) { redactor.Add(s) },
		Now:    time.Now, RandID: randomID,
	})
	if err != nil {
		code := exitCode(export.KindOf(err))
		if ctx.Err() != nil {
			code = exitInterrupted
		}
		return failed(log, code, err)
	}
	return exitOK
}

func exitCode(k export.Kind) int {
	switch k {
	case export.KindConfig:
		return exitConfig
	case export.KindDump:
		return exitDump
	case export.KindInterrupted:
		return exitInterrupted
	default:
		return exitStorage
	}
}

func failed(log *logrus.Logger, code int, err error) int {
	log.WithFields(logrus.Fields{"event": "export_failed", "exit_code": code}).WithError(err).Error("export failed")
	return code
}

func randomID() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
