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

# Offline Terraform: the aws provider comes from the mirror in /opt/tf-plugins.
export TF_CLI_CONFIG_FILE := $(CURDIR)/test/terraform.tfrc
export TF_IN_AUTOMATION := 1
export PG_BIN_DIR ?= /usr/lib/postgresql/15/bin
export PATH := $(PATH):/root/.pyenv/shims

TF_DIRS := . $(wildcard modules/*) $(wildcard examples/*)

# IaC scanner, pinned and built from the Go module proxy into bin/ (gitignored).
# It runs offline: tfsec's checks are compiled in; no module downloads.
TFSEC_VERSION := v1.28.14
TFSEC         := bin/tfsec-$(TFSEC_VERSION)

# plan-review: which configuration, its variables, and how it is planned
# (deployed: applied to moto, then planned again; fresh: a first deployment's
# plan, offline; live: your own credentials). PLAN=file reviews a saved plan.
PLAN_DIR  ?= examples/complete
PLAN_VARS ?= test/fixtures/plan-review/$(notdir $(PLAN_DIR)).tfvars.json
PLAN_MODE ?= deployed
PLAN      ?=

.PHONY: help build image push test test-go demo bench fmt lint scan plan-review docs clean

help: ## list targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

build: ## build bin/advana-export (static, version stamped)
	CGO_ENABLED=0 go build -trimpath -ldflags "$(LDFLAGS)" -o $(BIN) ./task/cmd/advana-export

image: ## build the task image IMAGE with Docker (PG_MAJOR, PLATFORM; docs/image.md)
	docker build --platform $(PLATFORM) --build-arg VERSION=$(VERSION) --build-arg PG_MAJOR=$(PG_MAJOR) -t $(IMAGE) .

push: ## push IMAGE to its registry (log in to ECR first: docs/image.md)
	docker push $(IMAGE)

test: ## run every test: Go unit + end-to-end task tests, Terratest plan/apply tests
	go vet ./...
	go test -count=1 -timeout 25m ./...

demo: build ## export a sample database to a local S3 (moto), restore it, compare
	go run ./internal/demo -binary $(BIN)

# The benchmark (docs/benchmarks.md): database size in GB, runs per contender,
# and the second size for the memory rows (0 skips it).
BENCH_SCALE      ?= 1
BENCH_REPEAT     ?= 3
BENCH_MEM_SCALE  ?= 4
BENCH_MEM_REPEAT ?= 1

bench: ## benchmark the export against pg_dump and the aws CLI; writes docs/benchmarks.md (BENCH_SCALE GB, BENCH_REPEAT)
	BENCH_SCALE=$(BENCH_SCALE) BENCH_REPEAT=$(BENCH_REPEAT) BENCH_MEM_SCALE=$(BENCH_MEM_SCALE) \
	BENCH_MEM_REPEAT=$(BENCH_MEM_REPEAT) go run ./bench -out docs -data bench/out

fmt: ## format Go and Terraform
	gofmt -w $$(git ls-files '*.go')
	terraform fmt -recursive

lint: scan ## gofmt, go vet, terraform fmt -check, terraform validate on every module and example, tfsec
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed: $$out"; exit 1; fi
	go vet ./...
	terraform fmt -check -recursive
	@set -e; for d in $(TF_DIRS); do \
		[ -n "$$(ls $$d/*.tf 2>/dev/null)" ] || continue; \
		echo "terraform validate $$d"; \
		terraform -chdir=$$d init -backend=false -input=false >/dev/null; \
		terraform -chdir=$$d validate -no-color; \
	done

docs: ## regenerate the inputs/outputs tables in every module README (terraform-docs, a Go tool in tools/go.mod)
	@set -e; for d in . $(wildcard modules/*); do \
		go tool -modfile=tools/go.mod terraform-docs markdown table --lockfile=false --output-file README.md --output-mode inject $$d >/dev/null; \
		echo "docs: $$d/README.md"; \
	done

$(TFSEC):
	@echo "installing tfsec $(TFSEC_VERSION) into bin/ (about a minute, once)"
	@mkdir -p bin/.tfsec-build
	GOBIN=$(CURDIR)/bin/.tfsec-build go install github.com/aquasecurity/tfsec/cmd/tfsec@$(TFSEC_VERSION)
	mv bin/.tfsec-build/tfsec $@ && rmdir bin/.tfsec-build

# tfsec prints only a notice about its move to Trivy on stderr; findings and errors go to stdout.
scan: $(TFSEC) ## tfsec over the module, every submodule and example: zero findings (suppressions in docs/review.md's exceptions table)
	@set -e; for d in $(TF_DIRS); do \
		[ -n "$$(ls $$d/*.tf 2>/dev/null)" ] || continue; \
		echo "tfsec $$d"; \
		$(TFSEC) $$d --no-colour --no-module-downloads --concise-output 2>/dev/null; \
	done

plan-review: ## InfraSec report of a plan: plan-review.md/.json (PLAN_DIR, PLAN_VARS, PLAN_MODE, or PLAN=saved plan)
	go run ./task/cmd/plan-review $(if $(PLAN),-plan $(PLAN) -dir $(PLAN_DIR),-dir $(PLAN_DIR) -mode $(PLAN_MODE) $(if $(wildcard $(PLAN_VARS)),-var-file $(PLAN_VARS)))

clean: ## remove build output and Terraform working files
	rm -rf bin dist
	find . -name .terraform -type d -prune -exec rm -rf {} +
	find . -name .terraform.lock.hcl -delete
