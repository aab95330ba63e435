# groundwork's two entry points on a fresh machine:
#   make demo   the whole flow against a local AWS API server (moto)
#   make test   every check CI runs: vet, gofmt, unit and integration tests
GO       ?= go
BIN      := bin/groundwork
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -X github.com/groundwork-aws/groundwork/internal/cli.Version=$(VERSION)

.PHONY: all build venv tools test demo bench bench-scale reliability clean

all: build

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/groundwork

# The pinned moto server and AWS CLI (scripts/requirements.txt) in .venv.
venv:
	scripts/venv.sh

# The SARIF schema and validator (.tools) and Chromium that the report
# tests drive (scripts/tools.sh).
tools:
	scripts/tools.sh

# make test installed the moto server, so a test that cannot start it
# fails instead of skipping (internal/testenv).
test: export GROUNDWORK_REQUIRE_MOTO := 1
test: venv tools
	$(GO) vet ./...
	@unformatted="$$(gofmt -l cmd internal)"; if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	# The e2e suite of internal/cli, the longest package, takes about two
	# minutes on a 2-core machine; the limit leaves room for a busy one and
	# still stops a hung test well within CI's time.
	$(GO) test -race -count=1 -timeout 20m ./...
	# A short fuzz run of every parser of user input, from the seed
	# corpora in each package's testdata/fuzz (docs/benchmarks.md). The
	# budgets are counts of inputs, a few seconds' worth each: a duration
	# races Go's fuzzing coordinator at its deadline on a busy machine and
	# fails with "context deadline exceeded" having found nothing
	# (go.dev/issue/75804, fixed in Go 1.27).
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime 300x ./internal/spec
	$(GO) test -run '^$$' -fuzz '^FuzzParseSuppressions$$' -fuzztime 300x ./internal/audit
	$(GO) test -run '^$$' -fuzz '^FuzzLint$$' -fuzztime 20000x ./internal/policy
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime 20000x ./internal/plan
	$(GO) test -run '^$$' -fuzz '^FuzzYAMLDepth$$' -fuzztime 20000x ./internal/input
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime 20000x ./internal/filterpattern

demo: venv build
	scripts/demo.sh

# The long fault and crash suites (docs/reliability.md): apply through a
# fault-injecting proxy under every fault scenario with many seeds
# (GROUNDWORK_RELIABILITY_SEEDS, default 10), and kill -9 at 20 moments
# of an apply. make test runs the same tests with one seed and 3 kills.
reliability: venv
	GROUNDWORK_RELIABILITY=1 $(GO) test -count=1 -timeout 60m -v \
		-run 'TestApplyConvergesUnderFaults|TestApplyAdoptsWhatLostCreateResponsesMade|TestKeyLeftUnnamedIsAdoptedOnResume|TestKillNineThenResumeConverges' \
		./internal/cli

# The scale benchmarks (moto, the simulator) are bench-scale's.
bench:
	$(GO) test -run '^$$' -bench . -skip 'MotoOrganization|Sim(Plan|Audit|Apply)' -benchtime 5x ./...

# Every figure of docs/benchmarks.md's "Organization scale" section, with
# the command that made it and the machine it ran on, into
# bench-results/ (about 30 minutes on 2 cores; not part of make test).
BENCH_OUT ?= bench-results
bench-scale: venv build
	scripts/bench-scale.sh "$(BENCH_OUT)"

clean:
	rm -rf bin
