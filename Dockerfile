# The advana-export task image: one image for both containers of the ECS task,
# permissions-init (`prepare-scratch`, as root) and the export (`export`, as
# APP_UID). docs/image.md explains the design; `make image` builds it with
# Docker, `make image-podman` with podman from a base made by debootstrap.
# test/image checks this file's promises; `make image-test` builds and runs it.
#
# It fetches nothing but Debian packages: the binary is the one `make dist`
# cross-compiled (dist/linux-ARCH/, the only other thing in the build
# context with the RDS CA bundle), so no Go image and no module download.
# No `# syntax=` line either: that would pull a frontend image; Docker 23+
# (BuildKit) and podman read this file with their built-in parsers.

# Debian 13 (trixie) slim, pinned by digest: its archive ships
# postgresql-client-17, so no third-party apt repository is needed.
# Refresh: docker buildx imagetools inspect debian:trixie-slim (docs/image.md).
ARG BASE_IMAGE=debian:trixie-slim@sha256:d7e12182ce18b85b93007c1dedf31f2d29e01ccf3182cc4017c709b6259bc132

FROM ${BASE_IMAGE}

# The PostgreSQL client major. pg_dump refuses servers newer than itself and
# dumps older ones; trixie ships 17 (a newer major needs a BASE_IMAGE whose
# Debian suite ships it).
ARG PG_MAJOR=17
# The export user; the module's container_user defaults to these.
ARG APP_UID=1000
ARG APP_GID=1000
# Set by BuildKit and buildah from --platform: picks dist/linux-ARCH.
ARG TARGETARCH
# The RDS certificate authorities, kept in the repository with their SHA-256
# (source and refresh: `make rds-ca-bundle`, docs/image.md). GovCloud (US)
# and China publish bundles of their own: pass the file and its checksum.
ARG RDS_CA_BUNDLE=task/image/rds-global-bundle.pem
ARG RDS_CA_BUNDLE_SHA256=fefac91d6800404461cece76724bc0a2383f4f556a1c9beb0813fac6f2e1e49f

# Debian's own postgresql-client-${PG_MAJOR}; ca-certificates for the AWS
# SDK's TLS to S3, KMS and Secrets Manager; zstd, which the default export
# (custom format, zstd:3) runs to compress with libzstd, about a quarter
# less CPU than the Go encoder it falls back to (docs/profile.md). The
# checks prove pg_dump is exactly this major and zstd runs.
RUN set -eux; \
    export DEBIAN_FRONTEND=noninteractive; \
    apt-get update; \
    apt-get install -y --no-install-recommends ca-certificates "postgresql-client-${PG_MAJOR}" zstd; \
    rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /var/log/apt /var/log/dpkg.log; \
    "/usr/lib/postgresql/${PG_MAJOR}/bin/pg_dump" --version | grep -q " ${PG_MAJOR}\."; \
    zstd --version

# So that sslmode=verify-full (the module's default) checks the database
# server's identity, not only encrypts. The build fails when the file is not
# the one whose checksum is written above.
COPY --chmod=0644 ${RDS_CA_BUNDLE} /etc/ssl/certs/rds-ca-bundle.pem
RUN echo "${RDS_CA_BUNDLE_SHA256}  /etc/ssl/certs/rds-ca-bundle.pem" | sha256sum -c -

# The client's own directory first: pg_dump is this major's ELF binary, not
# Debian's pg_wrapper (a Perl script) guessing one.
# FIPS 140-3 mode of the Go Cryptographic Module (SC-13). The binary built
# with GOFIPS140 defaults to it already; saying it here keeps it on if the
# binary is ever built without, and shows it in `docker inspect`. In the
# image, not the task definition, because it is a property of this binary:
# a task definition's GODEBUG would replace every other GODEBUG setting.
ENV PATH="/usr/lib/postgresql/${PG_MAJOR}/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
    PGSSLROOTCERT=/etc/ssl/certs/rds-ca-bundle.pem \
    ADVANA_EXPORT_SCRATCH_DIR=/scratch \
    GODEBUG=fips140=on

# A fixed numeric user. /scratch in the image is already theirs (a local
# `docker run -v` volume copies that); on Fargate the volume is mounted
# root:root 0755 over it, which is why permissions-init exists.
RUN set -eux; \
    groupadd --gid "${APP_GID}" advana; \
    useradd --no-log-init --uid "${APP_UID}" --gid "${APP_GID}" \
      --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin advana; \
    install -d -m 0700 -o "${APP_UID}" -g "${APP_GID}" /scratch

COPY --chmod=0755 dist/linux-${TARGETARCH}/advana-export /usr/local/bin/advana-export

# Last, so that a new version reuses every layer above.
ARG VERSION=dev
ARG BASE_IMAGE
# The Go Cryptographic Module version `make dist` built the binary with.
ARG GOFIPS140=v1.0.0
LABEL org.opencontainers.image.title="advana-export" \
      io.github.advana-export.fips140-module="${GOFIPS140}" \
      org.opencontainers.image.description="Exports a PostgreSQL database with pg_dump to a KMS-encrypted S3 bucket; the ECS Fargate task of terraform-aws-advana-export." \
      org.opencontainers.image.source="https://github.com/advana-export/terraform-aws-advana-export" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.base.name="${BASE_IMAGE}"

VOLUME ["/scratch"]
USER ${APP_UID}:${APP_GID}
ENTRYPOINT ["/usr/local/bin/advana-export"]
CMD ["export"]
