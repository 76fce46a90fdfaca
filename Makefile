# CloudLoom. `make run` starts the whole stack on loopback; `make test` runs every test.
SHELL := /bin/bash
SWIFT ?= swift

.PHONY: run stop test deps build build-release proto-check clean

deps:
	@bash scripts/install-deps.sh

build: deps
	$(SWIFT) build

build-release: deps
	$(SWIFT) build -c release

run: build-release
	@CL_BIN_DIR="$$($(SWIFT) build -c release --show-bin-path)" bash scripts/run-local.sh

stop:
	@bash scripts/stop-local.sh

# Builds every product first (the integration tests start the real service executables), then runs all tests.
test: deps
	$(SWIFT) build --build-tests
	CL_BIN_DIR="$$($(SWIFT) build --show-bin-path)" $(SWIFT) test

proto-check:
	@bash proto/generate.sh --check

clean:
	rm -rf .build
