// Command advana-export exports a PostgreSQL database with pg_dump into a
// KMS-encrypted S3 bucket, writing a manifest only after every object is in
// place. Subcommands: export (default), latest, verify, restore (the
// partner's side), prepare-scratch, version, help. Exit codes are decided here
// and nowhere else: 0 success, 2 configuration, 3 database/dump,
// 4 storage/upload, 5 interrupted.
package main

import (
	"context"
	"fmt"
	"io"
	stdlog "log"
	"os"
	"os/signal"
	"syscall"
)

// Version is set at build time with -ldflags "-X main.Version=...".
var Version = "dev"

// Exit codes.
const (
	exitOK          = 0
	exitConfig      = 2
	exitDump        = 3
	exitStorage     = 4
	exitInterrupted = 5
)

func main() {
	// The SDK's transfer manager prints a plain-text line through the
	// standard logger when CompleteMultipartUpload fails (with the upload id
	// as a memory address). Our JSON export_failed line carries the same
	// error, and awslogs needs one JSON event per line, so it is silenced.
	stdlog.SetOutput(io.Discard)
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	cmd := "export"
	if len(args) > 0 {
		switch a := args[0]; {
		case a == "-h" || a == "-help" || a == "--help":
			cmd, args = "help", args[1:]
		case a == "-version" || a == "--version":
			cmd, args = "version", args[1:]
		case len(a) > 0 && a[0] != '-':
			cmd, args = a, args[1:]
		}
	}
	switch cmd {
	case "export":
		return runExport(ctx, args, getenv, stdout, stderr)
	case "latest":
		return runLatest(ctx, args, getenv, stdout, stderr)
	case "verify":
		return runVerify(ctx, args, getenv, stdout, stderr)
	case "restore":
		return runRestore(ctx, args, getenv, stdout, stderr)
	case "prepare-scratch":
		return runPrepareScratch(ctx, args, getenv, stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "advana-export", Version)
		fmt.Fprintln(stdout, fipsLine())
		return exitOK
	case "help":
		usage(stdout)
		return exitOK
	default:
		fmt.Fprintf(stderr, "advana-export: unknown command %q (advana-export --help lists them)\n", cmd)
		return exitConfig
	}
}
