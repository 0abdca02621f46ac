# terraform-aws-advana-export: build, test, demo. Every target works on a fresh
# clone on a machine with Go, Terraform, PostgreSQL 15 and moto_server.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X main.Version=$(VERSION)
BIN     := bin/advana-export
# The task image (docs/image.md). For ECR: IMAGE=ACCOUNT.dkr.ecr.REGION.amazonaws.com/advana-export:TAG
IMAGE    ?= advana-export:$(VERSION)
PG_MAJOR ?= 17
PLATFORM ?= linux/amd64
# The image's binary, cross-compiled for PLATFORM (the Dockerfile copies it).
ARCH := $(lastword $(subst /, ,$(PLATFORM)))
DIST := dist/linux-$(ARCH)/advana-export
# podman as it runs on these machines (docs/image.md): runc, cgroupfs, no
# default ulimits (task/image/containers.conf).
PODMAN := CONTAINERS_CONF=$(CURDIR)/task/image/containers.conf podman --runtime runc --cgroup-manager cgroupfs

# Offline Terraform: the aws provider comes from the mirror in /opt/tf-plugins.
export TF_CLI_CONFIG_FILE := $(CURDIR)/test/terraform.tfrc
export TF_IN_AUTOMATION := 1
export PG_BIN_DIR ?= /usr/lib/postgresql/15/bin
# moto_server and the aws CLI: pip installs them under pyenv's shims on these
# machines; elsewhere they are expected on PATH already.
export PATH := $(PATH)$(if $(wildcard $(HOME)/.pyenv/shims),:$(HOME)/.pyenv/shims)

TF_DIRS := . $(wildcard modules/*) $(wildcard examples/*)

# IaC scanner: trivy (tfsec's successor), pinned and built from the Go module
# proxy into bin/ (gitignored) once, so a warm `make lint` reuses it. It runs
# offline with its embedded checks (no check or version download).
TRIVY_VERSION := v0.74.0
TRIVY         := bin/trivy-$(TRIVY_VERSION)

# plan-review: which configuration, its variables, and how it is planned
# (deployed: applied to moto, then planned again; fresh: a first deployment's
# plan, offline; live: your own credentials). PLAN=file reviews a saved plan.
PLAN_DIR  ?= examples/complete
PLAN_VARS ?= test/fixtures/plan-review/$(notdir $(PLAN_DIR)).tfvars.json
PLAN_MODE ?= deployed
PLAN      ?=
BASELINE  ?=

.PHONY: help build dist image image-podman image-test rds-ca-bundle push test test-go demo bench fmt lint scan plan-review docs clean

help: ## list targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

build: ## build bin/advana-export (static, version stamped)
	CGO_ENABLED=0 go build -trimpath -ldflags "$(LDFLAGS)" -o $(BIN) ./task/cmd/advana-export

# The image's binary uses the Go Cryptographic Module frozen at GOFIPS140
# (v1.0.0: the version submitted for FIPS 140-3 validation; docs/govcloud.md)
# and so starts in FIPS 140-3 mode (GODEBUG default fips140=on).
GOFIPS140 ?= v1.0.0
dist: ## cross-compile the image's binary into dist/linux-ARCH/ (PLATFORM, GOFIPS140)
	CGO_ENABLED=0 GOFIPS140=$(GOFIPS140) GOOS=linux GOARCH=$(ARCH) go build -trimpath -ldflags "$(LDFLAGS)" -o $(DIST) ./task/cmd/advana-export

image: dist ## build the task image IMAGE with Docker (PG_MAJOR, PLATFORM; docs/image.md)
	docker build --platform $(PLATFORM) --build-arg VERSION=$(VERSION) --build-arg PG_MAJOR=$(PG_MAJOR) --build-arg GOFIPS140=$(GOFIPS140) -t $(IMAGE) .

# The same Dockerfile with podman, on a Debian base made here by debootstrap
# (task/image/base.sh, cached in bin/image-base) and pinned by its digest.
image-podman: dist ## build IMAGE with podman from a debootstrap base (no registry needed; docs/image.md)
	base=$$(task/image/base.sh) && $(PODMAN) build --network host --platform $(PLATFORM) \
		--build-arg BASE_IMAGE=$$base --build-arg VERSION=$(VERSION) --build-arg PG_MAJOR=$(PG_MAJOR) --build-arg GOFIPS140=$(GOFIPS140) -t $(IMAGE) .

# Refresh the RDS CA bundle and its checksum in the Dockerfile (needs the internet).
RDS_CA_BUNDLE_URL ?= https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem
rds-ca-bundle: ## download the RDS CA bundle into image/ and pin its SHA-256 in the Dockerfile
	curl -fsSL -o task/image/rds-global-bundle.pem.tmp $(RDS_CA_BUNDLE_URL)
	grep -q 'BEGIN CERTIFICATE' task/image/rds-global-bundle.pem.tmp
	mv task/image/rds-global-bundle.pem.tmp task/image/rds-global-bundle.pem
	sum=$$(sha256sum task/image/rds-global-bundle.pem | cut -c1-64) && \
		sed -i "s/^ARG RDS_CA_BUNDLE_SHA256=.*/ARG RDS_CA_BUNDLE_SHA256=$$sum/" Dockerfile && \
		echo "task/image/rds-global-bundle.pem: sha256 $$sum (Dockerfile updated; note the date in docs/image.md)"

push: ## push IMAGE to its registry (log in to ECR first: docs/image.md)
	docker push $(IMAGE)

test-unit: ## the fast lane: every pure unit test with Go alone on PATH (about 30 s warm); make test is the whole proof
	@# A PATH holding only go proves the lane needs nothing else: a test that
	@# needs PostgreSQL, moto, Terraform, podman or zstd skips under -short.
	@d=$$(mktemp -d) && trap 'rm -rf "$$d"' EXIT && ln -s "$$(command -v go)" "$$d/go" && \
	env -i HOME="$$HOME" PATH="$$d" CGO_ENABLED=0 PG_BIN_DIR=/nonexistent GOTOOLCHAIN=local \
		GOPATH="$$(go env GOPATH)" GOCACHE="$$(go env GOCACHE)" GOMODCACHE="$$(go env GOMODCACHE)" \
		GOPROXY="$$(go env GOPROXY)" GOFLAGS="$$(go env GOFLAGS)" \
		go test -short -count=1 ./...

test: ## run every test: Go unit + end-to-end task tests, Terratest plan/apply tests, the image (installs missing Debian tools first)
	test/tools/test-tools.sh
	go vet ./...
	go test -count=1 -timeout 25m ./...
	$(MAKE) --no-print-directory image-test

# The task image built with podman and run as the module's task definition
# says (test/image, docs/image.md). Its own tag, so a user's IMAGE is untouched.
IMAGE_TEST := localhost/advana-export:image-test
image-test: ## build the image with podman, check its promises, run permissions-init and the export in it
	$(MAKE) --no-print-directory image-podman IMAGE=$(IMAGE_TEST)
	go vet -tags imagetest ./test/image/
	ADVANA_EXPORT_IMAGE=$(IMAGE_TEST) go test -count=1 -tags imagetest -timeout 20m -v ./test/image/
	@# Each build leaves the last one untagged: drop those (this image's label only).
	@$(PODMAN) image prune -f --filter label=org.opencontainers.image.title=advana-export >/dev/null

demo: build ## export a sample database to a local S3 (moto), restore it, compare
	go run ./test/demo -binary $(BIN)

SHARED_CHECKS_COPY := modules/replication-destination/variables.tf

# The benchmark (docs/benchmarks.md): database size in GB, runs per contender,
# and the second size, where the memory and speed targets' rows run again on
# both data sets (0 skips it; a target not measured there counts as not met).
BENCH_SCALE      ?= 1
BENCH_REPEAT     ?= 3
BENCH_MEM_SCALE  ?= 4
BENCH_MEM_REPEAT ?= 1

bench: ## benchmark the export against pg_dump and the aws CLI; writes docs/benchmarks.md (BENCH_SCALE GB, BENCH_REPEAT)
	BENCH_SCALE=$(BENCH_SCALE) BENCH_REPEAT=$(BENCH_REPEAT) BENCH_MEM_SCALE=$(BENCH_MEM_SCALE) \
	BENCH_MEM_REPEAT=$(BENCH_MEM_REPEAT) go run ./test/bench -out docs -data test/bench/out

fmt: ## format Go and Terraform
	gofmt -w $$(git ls-files '*.go')
	terraform fmt -recursive

lint: scan ## gofmt, go vet, terraform fmt -check, terraform validate on every module and example, trivy
	@# Under pipefail, a reader that stops early (head, grep -q) kills a producer
	@# that is still writing with SIGPIPE, and the script fails by chance (#25).
	@if git grep -nE '[|][[:space:]]*(head|grep[[:space:]]+-[a-zA-Z]*[qm])' -- .ci/run '*.sh'; then \
		echo "lint: a pipe closed early under pipefail (above): read the whole stream (sed -n 1p, awk '!n++')"; exit 1; fi
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed: $$out"; exit 1; fi
	go vet ./...
	terraform fmt -check -recursive
	@set -e; for d in $(TF_DIRS); do \
		[ -n "$$(ls $$d/*.tf 2>/dev/null)" ] || continue; \
		echo "terraform validate $$d"; \
		terraform -chdir=$$d init -backend=false -input=false >/dev/null; \
		terraform -chdir=$$d validate -no-color; \
	done

docs: ## copy the root's shared input checks into the partner's module (test/sharedchecks), regenerate the inputs/outputs tables: docs/reference.md (root module) and each submodule's README (terraform-docs, a Go tool in test/tools/go.mod)
	go run ./test/sharedchecks/cmd/sharedchecks
	@echo "docs: $(SHARED_CHECKS_COPY)"
	go tool -modfile=test/tools/go.mod terraform-docs markdown table --lockfile=false --output-file docs/reference.md --output-mode inject . >/dev/null
	@echo "docs: docs/reference.md"
	@set -e; for d in $(wildcard modules/*); do \
		go tool -modfile=test/tools/go.mod terraform-docs markdown table --lockfile=false --output-file README.md --output-mode inject $$d >/dev/null; \
		echo "docs: $$d/README.md"; \
	done

$(TRIVY):
	@echo "building trivy $(TRIVY_VERSION) into bin/ (once: about 5 minutes on 2 cores, 340 MB)"
	@mkdir -p bin/.trivy-build
	GOEXPERIMENT=jsonv2 GOBIN=$(CURDIR)/bin/.trivy-build go install github.com/aquasecurity/trivy/cmd/trivy@$(TRIVY_VERSION)
	mv bin/.trivy-build/trivy $@ && rmdir bin/.trivy-build

# Terraform (root module, submodules, examples) and the Dockerfile; the Go
# sources, test data and Terraform working directories are not configuration.
TRIVY_SKIP := --skip-dirs '**/.terraform' --skip-dirs task --skip-dirs test --skip-dirs planreview

TRIVY_FLAGS := --skip-check-update --skip-version-check --cache-dir bin/.trivy-cache --exit-code 1

# A file trivy cannot parse fails the scan (test/tools/trivy-config.sh): it would
# otherwise count as clean. The fixture is a plan trivy $(TRIVY_VERSION) cannot
# parse, holding an open security group; the guard must refuse it (exit 3).
scan: $(TRIVY) ## trivy config over the Terraform and the Dockerfile: zero findings (suppressions in docs/review.md)
	@test/tools/trivy-config.sh $(TRIVY) $(TRIVY_FLAGS) test/fixtures/trivy/unknown-in-list.tfplan.json >/dev/null 2>&1; rc=$$?; \
	if [ $$rc -eq 1 ]; then echo "scan: trivy now parses plans with unknown values (it found the fixture's open security group): plans could be scanned too (docs/review.md, Scanner)"; exit 1; \
	elif [ $$rc -ne 3 ]; then echo "scan: the parse guard let test/fixtures/trivy/unknown-in-list.tfplan.json through (exit $$rc): check test/tools/trivy-config.sh"; exit 1; fi
	test/tools/trivy-config.sh $(TRIVY) $(TRIVY_FLAGS) $(TRIVY_SKIP) .

plan-review: ## InfraSec review of a plan: plan-review.md/.json, OSCAL in plan-review-oscal/ (PLAN_DIR, PLAN_VARS, PLAN_MODE, PLAN=saved plan, BASELINE=approved plan-review.json)
	go run ./planreview/cmd/plan-review $(if $(PLAN),-plan $(PLAN) -dir $(PLAN_DIR),-dir $(PLAN_DIR) -mode $(PLAN_MODE) $(if $(wildcard $(PLAN_VARS)),-var-file $(PLAN_VARS))) \
		-oscal-dir plan-review-oscal $(if $(BASELINE),-baseline $(BASELINE))

clean: ## remove build output and Terraform working files
	rm -rf bin dist
	find . -name .terraform -type d -prune -exec rm -rf {} +
	find . -name .terraform.lock.hcl -delete
