package main

import (
	"context"
	"errors"
	"flag"
	"io"
	"strconv"
	"strings"

	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/sirupsen/logrus"

	"github.com/advana-export/terraform-aws-advana-export/task/config"
)

// partnerFlags are the settings latest, verify and restore share: how to
// reach S3 (the SDK's usual environment: AWS_REGION, credentials,
// AWS_ENDPOINT_URL) and path-style addressing for S3-compatible servers.
type partnerFlags struct {
	region    string
	pathStyle bool
}

func (p *partnerFlags) register(fs *flag.FlagSet, getenv func(string) string) {
	region := getenv("AWS_REGION")
	if region == "" {
		region = getenv("AWS_DEFAULT_REGION")
	}
	ps, _ := strconv.ParseBool(getenv(config.EnvPathStyle))
	fs.StringVar(&p.region, "region", region, "AWS region of the bucket (AWS_REGION)")
	fs.BoolVar(&p.pathStyle, "s3-force-path-style", ps, "path-style S3 addressing, for S3-compatible servers ("+config.EnvPathStyle+")")
}

func (p *partnerFlags) client(ctx context.Context) (*s3.Client, error) {
	cfg, err := awsconfig.LoadDefaultConfig(ctx, awsconfig.WithRegion(p.region))
	if err != nil {
		return nil, err
	}
	return s3Client(cfg, p.pathStyle), nil
}

// parseFlags parses a partner subcommand's flags; positional arguments may
// come before or after them. It returns the positional arguments, or an
// exit code when it is done (help, or a usage error already reported).
func parseFlags(fs *flag.FlagSet, args []string, stderr io.Writer) ([]string, int, bool) {
	fs.SetOutput(stderr)
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, exitOK, true
			}
			return nil, exitConfig, true
		}
		if fs.NArg() == 0 {
			return pos, 0, false
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// partnerExit logs a partner subcommand's failure and picks its exit code.
func partnerExit(ctx context.Context, log *logrus.Logger, event string, code int, err error) int {
	if ctx.Err() != nil {
		code = exitInterrupted
	}
	log.WithFields(logrus.Fields{"event": event, "exit_code": code}).WithError(err).Error(strings.ReplaceAll(event, "_", " "))
	return code
}
