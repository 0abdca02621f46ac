#!/usr/bin/env bash
# Builds the task image's Debian base for podman from Debian's archive alone,
# the way debian:SUITE-slim is made (debootstrap minbase, documentation and
# locales left out), and imports it as localhost/advana-export-base:SUITE.
# The root filesystem is cached as a tarball in CACHE (bin/, gitignored), so
# only the first run downloads (~30 s). Prints the image pinned by digest, the
# value for the Dockerfile's BASE_IMAGE build argument.
#
#   task/image/base.sh [SUITE]        SUITE defaults to trixie
#   MIRROR=http://... task/image/base.sh   (default: the Debian mirror apt uses here)
set -euo pipefail

suite=${1:-trixie}
cache=${CACHE:-bin/image-base}
name=localhost/advana-export-base:$suite
podman=(podman --runtime runc --cgroup-manager cgroupfs)

for tool in debootstrap podman runc; do
  command -v "$tool" >/dev/null || {
    echo "base.sh: $tool not found: install it from Debian (apt-get install podman runc debootstrap; .ci/run does)" >&2
    exit 1
  }
done

# The mirror apt already uses on this machine: deb822 sources first, then
# one-line ones; the security archive is not a base mirror.
mirror() {
  local uri
  uri=$(sed -n 's/^URIs:[[:space:]]*//p' /etc/apt/sources.list.d/*.sources 2>/dev/null | tr ' ' '\n' | grep -v security | awk '/\/debian\/?$/ && !seen++' || true)
  [ -n "$uri" ] || uri=$(awk '$1 == "deb" && $2 !~ /security/ && $2 ~ /\/debian\/?$/ { print $2; exit }' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null || true)
  echo "${uri:-http://deb.debian.org/debian}"
}

tarball=$cache/debian-$suite-minbase.tar
if [ ! -s "$tarball" ]; then
  m=${MIRROR:-$(mirror)}
  echo "base.sh: debootstrap --variant=minbase $suite from $m into $cache (once; about 30 s)" >&2
  mkdir -p "$cache"
  root=$cache/rootfs-$suite
  rm -rf "$root"
  debootstrap --variant=minbase "$suite" "$root" "$m" >"$cache/debootstrap-$suite.log" 2>&1 || {
    tail -n 20 "$cache/debootstrap-$suite.log" >&2
    exit 1
  }
  # What debian:SUITE-slim leaves out, and keeps out of later installs.
  cat >"$root/etc/dpkg/dpkg.cfg.d/docker" <<'CFG'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-exclude /usr/share/lintian/*
CFG
  find "$root/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
  rm -rf "$root"/usr/share/{man,info,locale,lintian}/* "$root"/var/cache/apt/*.bin \
    "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root"/var/log/*.log
  tar --numeric-owner -C "$root" -cf "$tarball.tmp" .
  mv "$tarball.tmp" "$tarball"
  rm -rf "$root"
fi

# Import again only when the tarball changed since the image was made.
sum=$(sha256sum "$tarball" | cut -c1-64)
if [ "$("${podman[@]}" image inspect --format '{{index .Labels "advana-export.base.tar-sha256"}}' "$name" 2>/dev/null || true)" != "$sum" ]; then
  echo "base.sh: importing $tarball as $name" >&2
  "${podman[@]}" import -q --change "LABEL advana-export.base.tar-sha256=$sum" --change 'CMD ["bash"]' "$tarball" "$name" >/dev/null
fi
digest=$("${podman[@]}" image inspect --format '{{.Digest}}' "$name")
echo "$name@$digest"
