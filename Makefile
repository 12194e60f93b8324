# jobsplit: make build | make test | make demo | make bench
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
GO      ?= go
LDFLAGS := -s -w -X main.version=$(VERSION)
BIN     := bin/jobsplit
# make dist: one static binary for each of these, named jobsplit-OS-ARCH.
DIST_TARGETS := linux/amd64 linux/arm64 linux/386 darwin/amd64 darwin/arm64 windows/amd64

.PHONY: build dist test test-386 race demo bench bench-quick bench-scale fmt-check vet clean

build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags "$(LDFLAGS)" -o $(BIN) .

# Static binaries for every host in dist/, and their SHA-256 list
# (check on a host with: sha256sum -c SHA256SUMS).
dist:
	@rm -rf dist && mkdir -p dist
	@set -e; for target in $(DIST_TARGETS); do \
		os=$${target%/*}; arch=$${target#*/}; ext=; [ $$os = windows ] && ext=.exe; \
		echo "dist/jobsplit-$$os-$$arch$$ext"; \
		CGO_ENABLED=0 GOOS=$$os GOARCH=$$arch $(GO) build -trimpath -ldflags "$(LDFLAGS)" \
			-o dist/jobsplit-$$os-$$arch$$ext .; \
	done
	@cd dist && sha256sum jobsplit-* >SHA256SUMS
	@echo dist/SHA256SUMS

# The tests: every package, the end-to-end scripts, and the golden plans
# again as a 32-bit build, which must split exactly alike.
test: build
	$(GO) vet ./...
	$(GO) test ./...
	GOARCH=386 CGO_ENABLED=0 $(GO) test -run 'Golden|Property' ./split/ ./jobs/

race:
	$(GO) test -race ./...

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed: $$out"; exit 1; fi

# The bundled example, end to end, in a temporary directory.
demo: build
	@scripts/demo.sh $(BIN)

# Benchmarks against peers measured side by side in one run, ending with
# one table (about 20 minutes on 2 cores); bench-quick: small sizes, once.
bench: build
	@scripts/bench.sh $(BIN)

bench-quick: build
	@BENCH_QUICK=1 scripts/bench.sh $(BIN)

# A 10-million-job sweep (generated files): time and peak memory of plan, a
# resuming run, status, collect-results, merge-logs and report next to their
# peers'. Needs about 4 GiB of disk; BENCH_SCALE_JOBS=N scales it down.
bench-scale: build
	@scripts/bench-scale.sh $(BIN)

clean:
	rm -rf bin dist
