#!/usr/bin/env bash
# test-tools.sh: make sure every tool `make test` needs is on this machine.
# What Debian packages offer is installed (as root, with apt-get); what no
# registry here offers is an error that names it. `make test` and .ci/run
# both start with it, so a fresh machine needs no step by hand.
set -euo pipefail

PG_BIN_DIR=${PG_BIN_DIR:-/usr/lib/postgresql/15/bin}

# Debian packages for what is missing, as "package:check" pairs; a check is a
# command name or an absolute path.
need=(
  # PostgreSQL 15: the tests' databases and pg_dump (the Debian package
  # starts a cluster of its own; the tests never use it).
  "postgresql-15:$PG_BIN_DIR/postgres"
  "postgresql-client-15:$PG_BIN_DIR/pg_dump"
  # zstd: the tests restore exports with the command the manifest records.
  "zstd:zstd"
  # GNU time: the benchmark's smoke run reads peak RSS and CPU from time -v.
  "time:/usr/bin/time"
  # podman, runc, debootstrap: make image-test builds the task image from
  # Debian and runs it as the task definition says (docs/image.md).
  "podman:podman" "runc:runc" "debootstrap:debootstrap"
  "jq:jq"
)
packages=()
for pair in "${need[@]}"; do
  pkg=${pair%%:*} check=${pair#*:}
  if [[ $check == /* ]]; then [ -x "$check" ] && continue; else command -v "$check" >/dev/null && continue; fi
  packages+=("$pkg")
done
if [ ${#packages[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
    echo "test-tools: missing Debian packages: ${packages[*]}; install them (apt-get install ${packages[*]}) or run this as root on Debian" >&2
    exit 1
  fi
  echo "test-tools: installing from Debian: ${packages[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
fi

# What no package registry here offers.
missing=()
for tool in go terraform moto_server aws node npm setpriv unshare mount; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "test-tools: missing: ${missing[*]}" >&2
  echo "test-tools: go, terraform (>= 1.9), moto_server (Python moto 5), the aws CLI, Node.js 20+ with npm (DuckDB reads the Parquet exports back) and util-linux (setpriv, unshare, mount) must be on the machine; the registries here do not serve them." >&2
  exit 1
fi
if [ ! -d /opt/tf-plugins/registry.terraform.io/hashicorp/aws ]; then
  echo "test-tools: the hashicorp/aws provider mirror is missing from /opt/tf-plugins (test/terraform.tfrc reads it; no registry access here)" >&2
  exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "test-tools: the tests run the task as Fargate does (unshare, mount, setpriv) and build the image with podman as root: run make test as root" >&2
  exit 1
fi
