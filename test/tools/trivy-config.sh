#!/usr/bin/env bash
# trivy-config.sh TRIVY ARGS...: `TRIVY config ARGS...`, failing on any file
# trivy could not parse. trivy logs a parse error and carries on, and the
# file it skipped then counts as clean: a plan with an unknown value inside
# a list (every first deployment's plan) scans as "0 misconfigurations",
# exit 0, whatever it holds (docs/review.md, "Scanner").
# Exit: trivy's own code, or 3 when a file was not parsed.
set -uo pipefail
trivy=$1
shift
log=bin/.trivy-config.log
mkdir -p bin
"$trivy" config "$@" 2>"$log"
rc=$?
# What trivy said beyond progress, minus the expected offline fallback.
grep -E 'WARN|ERROR|FATAL' "$log" | grep -v 'Falling back to embedded checks' >&2
if grep -qE 'Error parsing file|failed to parse|parse error' "$log"; then
  echo "scan: trivy could not parse a file above, so it was not scanned: fix it, or leave it out of the scan with its reason" >&2
  exit 3
fi
exit "$rc"
