# jobsplit: make build | make test | make demo | make bench
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
GO      ?= go
LDFLAGS := -s -w -X main.version=$(VERSION)
BIN     := bin/jobsplit

.PHONY: build test test-386 race demo bench fmt-check vet clean

build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags "$(LDFLAGS)" -o $(BIN) .

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

# Benchmarks against peers measured side by side in one run.
bench: build
	@scripts/bench.sh $(BIN)

clean:
	rm -rf bin dist
