package main

import (
	"bytes"
	"context"
	"crypto/fips140"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
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

// TestVersion: version, --version and -version print the stamped version
// and the FIPS 140-3 mode of this binary, and exit 0.
func TestVersion(t *testing.T) {
	t.Parallel()
	mode := "off"
	if fips140.Enabled() {
		mode = "on"
	}
	for _, arg := range []string{"version", "--version", "-version"} {
		var stdout bytes.Buffer
		if code := run(context.Background(), []string{arg}, func(string) string { return "" }, &stdout, io.Discard); code != exitOK {
			t.Errorf("%s: exit %d", arg, code)
		}
		want := regexp.MustCompile(`^advana-export ` + regexp.QuoteMeta(Version) + `\nfips140: ` + mode + ` \(Go Cryptographic Module (latest|v[0-9.]+)\)\n$`)
		if got := stdout.String(); !want.MatchString(got) {
			t.Errorf("%s printed %q, want %s", arg, got, want)
		}
	}
}

// TestVersionFIPSBuild builds the binary as make dist does (GOFIPS140=v1.0.0)
// and runs it with no GODEBUG: it reports FIPS 140-3 mode on with module
// v1.0.0; built without GOFIPS140 it reports off (so the line can tell).
func TestVersionFIPSBuild(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ gofips, want string }{
		{"v1.0.0", "fips140: on (Go Cryptographic Module v1.0.0)"},
		{"off", "fips140: off (Go Cryptographic Module latest)"},
	} {
		bin := filepath.Join(t.TempDir(), "advana-export")
		build := exec.Command("go", "build", "-trimpath", "-o", bin, ".")
		build.Env = append(os.Environ(), "CGO_ENABLED=0", "GOFIPS140="+tc.gofips, "GODEBUG=")
		if out, err := build.CombinedOutput(); err != nil {
			t.Fatalf("GOFIPS140=%s go build: %v\n%s", tc.gofips, err, out)
		}
		cmd := exec.Command(bin, "version")
		cmd.Env = []string{"PATH=/usr/bin:/bin"}
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("%s version: %v", bin, err)
		}
		if lines := strings.Split(strings.TrimSpace(string(out)), "\n"); len(lines) != 2 || lines[1] != tc.want {
			t.Errorf("GOFIPS140=%s: version printed %q, want second line %q", tc.gofips, out, tc.want)
		}
	}
}
