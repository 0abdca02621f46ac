package main

import (
	"context"
	"errors"
	"flag"
	"io"
	"os"
	"strconv"

	"github.com/sirupsen/logrus"

	"github.com/advana-export/terraform-aws-advana-export/task/config"
	"github.com/advana-export/terraform-aws-advana-export/task/logging"
	"github.com/advana-export/terraform-aws-advana-export/task/scratch"
)

// Defaults of prepare-scratch match the image's user and the module's
// container_uid/container_gid.
const (
	defaultUID = 1000
	defaultGID = 1000
)

// runPrepareScratch is what the permissions-init container runs as root:
// hand the scratch volume to the export user, then exit.
func runPrepareScratch(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	log, _ := logging.New(stdout)
	envInt := func(name string, def int) int {
		if n, err := strconv.Atoi(getenv(name)); err == nil {
			return n
		}
		return def
	}
	path := getenv(config.EnvScratchDir)
	if path == "" {
		path = config.DefaultScratchDir
	}
	fs := flag.NewFlagSet("prepare-scratch", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&path, "path", path, "scratch directory to hand over ("+config.EnvScratchDir+")")
	uid := fs.Int("uid", envInt(envUID, defaultUID), "owner uid, the export container's user ("+envUID+")")
	gid := fs.Int("gid", envInt(envGID, defaultGID), "owner gid ("+envGID+")")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return prepareFailed(log, err)
	}
	if *uid <= 0 || *gid <= 0 {
		return prepareFailed(log, errors.New("--uid and --gid must name a non-root user (the export container's), e.g. 1000"))
	}
	if err := scratch.Prepare(ctx, path, *uid, *gid, log.WithField("pid", os.Getpid())); err != nil {
		return prepareFailed(log, err)
	}
	return exitOK
}

func prepareFailed(log *logrus.Logger, err error) int {
	log.WithFields(logrus.Fields{"event": "prepare_scratch_failed", "exit_code": exitConfig}).WithError(err).Error("prepare-scratch failed")
	return exitConfig
}
