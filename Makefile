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

.PHONY: help build image push test test-go demo fmt lint clean

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

fmt: ## format Go and Terraform
	gofmt -w $$(git ls-files '*.go')
	terraform fmt -recursive

lint: ## gofmt, go vet, terraform fmt -check, terraform validate on every module and example
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed: $$out"; exit 1; fi
	go vet ./...
	terraform fmt -check -recursive
	@set -e; for d in $(TF_DIRS); do \
		[ -n "$$(ls $$d/*.tf 2>/dev/null)" ] || continue; \
		echo "terraform validate $$d"; \
		terraform -chdir=$$d init -backend=false -input=false >/dev/null; \
		terraform -chdir=$$d validate -no-color; \
	done

clean: ## remove build output and Terraform working files
	rm -rf bin dist
	find . -name .terraform -type d -prune -exec rm -rf {} +
	find . -name .terraform.lock.hcl -delete
