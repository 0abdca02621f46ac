# syntax=docker/dockerfile:1
# The advana-export task image: one image for both containers of the ECS task,
# permissions-init (`prepare-scratch`, as root) and the export (`export`, as
# APP_UID). docs/image.md explains the design; `make image` builds it.
# test/image checks this file's promises (user, entrypoint, client version).

ARG GO_VERSION=1.26.8

# --- build: a static advana-export, version stamped --------------------------
# Runs on the builder's platform and cross-compiles for the target one, so an
# arm64 laptop builds an amd64 image without emulating the compiler.
FROM --platform=$BUILDPLATFORM golang:${GO_VERSION}-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
ARG VERSION=dev
ARG TARGETOS TARGETARCH
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 GOOS=${TARGETOS} GOARCH=${TARGETARCH} \
    go build -trimpath -ldflags "-s -w -X main.Version=${VERSION}" \
      -o /out/advana-export ./task/cmd/advana-export

# --- runtime: Debian slim with pg_dump ----------------------------------------
# Not distroless: pg_dump needs its shared libraries, and the image must run
# prepare-scratch as root on Fargate's root-owned volume.
FROM debian:bookworm-slim

# The newest PostgreSQL major the module documents. pg_dump refuses servers
# newer than itself and dumps older ones, so build with the newest major you
# run (`make image PG_MAJOR=...`).
ARG PG_MAJOR=17
# The export user; the module's container_uid/container_gid default to these.
ARG APP_UID=1000
ARG APP_GID=1000
ARG VERSION=dev
# Fingerprint of the PostgreSQL apt repository's public signing key (ACCC4CF8);
# "PUBLIC" in the name tells scanners (trivy DS-0031) it is not a secret.
ARG PGDG_PUBLIC_KEY_FINGERPRINT=B97B0AFCAA1A47F044F244A07FCC7D46ACCC4CF8

LABEL org.opencontainers.image.title="advana-export" \
      org.opencontainers.image.description="Exports a PostgreSQL database with pg_dump to a KMS-encrypted S3 bucket; the ECS Fargate task of terraform-aws-advana-export." \
      org.opencontainers.image.source="https://github.com/advana-export/terraform-aws-advana-export" \
      org.opencontainers.image.version="${VERSION}"

# postgresql-client-${PG_MAJOR} from apt.postgresql.org (Debian carries only
# one major per release). apt trusts the key only after its fingerprint is
# checked; curl and gnupg leave with the apt lists.
RUN set -eux; \
    export DEBIAN_FRONTEND=noninteractive; \
    apt-get update; \
    apt-get install -y --no-install-recommends bash ca-certificates curl gnupg; \
    key=/usr/share/postgresql-common/pgdg/apt.postgresql.org.asc; \
    install -d -m 0755 "$(dirname "$key")"; \
    curl -fsSL -o "$key" https://www.postgresql.org/media/keys/ACCC4CF8.asc; \
    fpr="$(gpg --batch --with-colons --show-keys "$key" | awk -F: '$1 == "fpr" { print $10; exit }')"; \
    test "$fpr" = "$PGDG_PUBLIC_KEY_FINGERPRINT"; \
    codename="$(. /etc/os-release && echo "$VERSION_CODENAME")"; \
    echo "deb [signed-by=$key] https://apt.postgresql.org/pub/repos/apt ${codename}-pgdg main" \
      > /etc/apt/sources.list.d/pgdg.list; \
    apt-get update; \
    apt-get install -y --no-install-recommends "postgresql-client-${PG_MAJOR}"; \
    apt-get purge -y --auto-remove curl gnupg; \
    rm -rf /var/lib/apt/lists/* /root/.gnupg; \
    "/usr/lib/postgresql/${PG_MAJOR}/bin/pg_dump" --version | grep -q " ${PG_MAJOR}\."

# The RDS certificate authorities, so that sslmode=verify-full (the module's
# default) checks the database server's identity, not only encrypts. AWS
# GovCloud (US) and China publish bundles of their own (RDS user guide,
# "Certificate bundles for specific AWS Regions"): pass that URL instead.
ARG RDS_CA_BUNDLE_URL=https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem
ADD --chmod=0644 ${RDS_CA_BUNDLE_URL} /etc/ssl/certs/rds-ca-bundle.pem

# The client's own directory first: pg_dump is exactly this major, not
# Debian's pg_wrapper guessing one.
ENV PATH="/usr/lib/postgresql/${PG_MAJOR}/bin:${PATH}" \
    PGSSLROOTCERT=/etc/ssl/certs/rds-ca-bundle.pem \
    ADVANA_EXPORT_SCRATCH_DIR=/scratch

# A fixed numeric user. /scratch in the image is already theirs (a local
# `docker run -v` volume copies that); on Fargate the volume is mounted
# root:root 0755 over it, which is why permissions-init exists.
RUN set -eux; \
    groupadd --gid "${APP_GID}" advana; \
    useradd --no-log-init --uid "${APP_UID}" --gid "${APP_GID}" \
      --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin advana; \
    install -d -m 0700 -o "${APP_UID}" -g "${APP_GID}" /scratch

COPY --from=build /out/advana-export /usr/local/bin/advana-export

VOLUME ["/scratch"]
USER ${APP_UID}:${APP_GID}
ENTRYPOINT ["/usr/local/bin/advana-export"]
CMD ["export"]
