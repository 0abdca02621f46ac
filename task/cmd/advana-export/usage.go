package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/advana-export/terraform-aws-advana-export/task/config"
)

// Environment variables of prepare-scratch (the permissions-init container).
const (
	envUID = "ADVANA_EXPORT_UID"
	envGID = "ADVANA_EXPORT_GID"
)

// usage is the whole help: commands, every export flag with its environment
// variable, the database settings that are environment only, and the exit
// codes. It is built from config's own lists, so it cannot drift from what
// the loader reads (usage_test.go checks).
func usage(w io.Writer) {
	fmt.Fprintf(w, `advana-export %s: export a PostgreSQL database with pg_dump into a KMS-encrypted
S3 bucket; manifest.json is written last, after every object is in place.

usage:
  advana-export [export] [flags]          dump the database into S3 (the default command)
  advana-export latest [flags]            partner side: the newest complete run in a bucket (JSON)
  advana-export verify MANIFEST_URL       partner side: check every object of a manifest (size, SHA-256)
  advana-export restore MANIFEST_URL      partner side: download, verify, decompress and pg_restore a run
                                          ("advana-export COMMAND -h" lists each one's flags)
  advana-export prepare-scratch [flags]   as root: hand the scratch volume to the export user
                                          (the permissions-init container), then exit
  advana-export version | --version       print the version
  advana-export help | -h | --help        print this help

export flags (each defaults to the environment variable in brackets; a flag wins):
`, Version)
	config.PrintFlags(w)
	fmt.Fprintf(w, `
database connection (environment only, so the password never reaches argv or a log):
  %s
        JSON of an RDS / Secrets Manager database secret, which ECS injects from
        the secret's ARN. Keys used: %s (port a number or a string);
        other keys are ignored.
  %s
        libpq settings; each overrides the secret's field of the same meaning.
        PGSSLMODE defaults to require (verify-full in the module, with the RDS CA bundle).
  AWS credentials and endpoints: the AWS SDK's standard chain (on ECS, the task role).

prepare-scratch flags: --path (%s, default %s), --uid (%s, default 1000),
  --gid (%s, default 1000)

exit codes:
  %d  success (also help and version)
  %d  configuration: a flag, variable or the secret is wrong (every problem listed); nothing uploaded
  %d  database or dump: connection, permissions, pg_dump or pg_restore --list failed
  %d  storage: S3 or KMS refused or failed; open multipart uploads aborted
  %d  interrupted: SIGTERM or SIGINT (ECS stopping the task); uploads aborted

Logs are JSON lines on stdout (one event each, never a secret).
`, config.EnvDBSecret, strings.Join(config.SecretKeys, ", "), strings.Join(config.LibpqEnvVars, ", "),
		config.EnvScratchDir, config.DefaultScratchDir, envUID, envGID,
		exitOK, exitConfig, exitDump, exitStorage, exitInterrupted)
}
