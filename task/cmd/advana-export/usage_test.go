package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/advana-export/terraform-aws-advana-export/task/config"
)

// TestHelpListsEverything: every way of asking for help exits 0, prints to
// stdout only, and names every environment variable the config loader reads
// (config.EnvVars, itself checked against Load), every export flag, the
// secret's JSON keys, prepare-scratch's variables and every exit code.
func TestHelpListsEverything(t *testing.T) {
	t.Parallel()
	noEnv := func(string) string { return "" }
	for _, args := range [][]string{{"-h"}, {"--help"}, {"-help"}, {"help"}, {"export", "-h"}, {"export", "--help"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), args, noEnv, &stdout, &stderr)
			if code != exitOK {
				t.Fatalf("exit %d, want 0; stderr %q", code, stderr.String())
			}
			if stderr.Len() > 0 {
				t.Errorf("help wrote to stderr: %q", stderr.String())
			}
			help := stdout.String()
			want := append(config.EnvVars(), config.SecretKeys...)
			want = append(want, config.EnvScratchDir, envUID, envGID, "prepare-scratch", "--version")
			for _, code := range []int{exitOK, exitConfig, exitDump, exitStorage, exitInterrupted} {
				want = append(want, fmt.Sprintf("\n  %d  ", code))
			}
			for _, w := range want {
				if !strings.Contains(help, w) {
					t.Errorf("help does not mention %q", strings.TrimSpace(w))
				}
			}
			// Every export flag, as the flag set itself prints it.
			var flags bytes.Buffer
			config.PrintFlags(&flags)
			if !strings.Contains(flags.String(), "  -jobs int") || !strings.Contains(help, flags.String()) {
				t.Errorf("help does not list the export flags:\n%s", flags.String())
			}
		})
	}
}

// TestVersion: version, --version and -version print the stamped version and exit 0.
func TestVersion(t *testing.T) {
	t.Parallel()
	for _, arg := range []string{"version", "--version", "-version"} {
		var stdout bytes.Buffer
		if code := run(context.Background(), []string{arg}, func(string) string { return "" }, &stdout, io.Discard); code != exitOK {
			t.Errorf("%s: exit %d", arg, code)
		}
		if got := stdout.String(); got != "advana-export "+Version+"\n" {
			t.Errorf("%s printed %q", arg, got)
		}
	}
}
