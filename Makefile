# govif: the two commands the README gives are `make demo` (main job) and `make test` (tests).
# Both install what they need first (scripts/install-deps.sh), so they work on a fresh Debian 12.
SHELL := /bin/bash
export PATH := /usr/local/go/bin:$(PATH)
GO ?= go
# Functional tests start real OVS daemons and namespaces: keep the whole run bounded.
TEST_TIMEOUT ?= 20m
# Each fuzz target runs briefly in CI; longer runs are done by hand (see docs/testing.md).
FUZZTIME ?= 10s

.PHONY: all build deps test unit fuzz vet demo bench faults clean

all: build

deps:
	@bash scripts/install-deps.sh

build:
	$(GO) build -o bin/govif ./cmd/govif
	$(GO) build -o bin/govif-cni ./cmd/govif-cni

vet:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

# The test command: unit tests everywhere; as root also the functional tests against real OVS,
# real netlink devices and the real Python os-vif; then every fuzz target briefly.
test: deps vet
	$(GO) test -count=1 -timeout $(TEST_TIMEOUT) ./...
	@bash scripts/fuzz.sh $(FUZZTIME)

unit:
	$(GO) test -count=1 -short ./...

fuzz:
	@bash scripts/fuzz.sh $(FUZZTIME)

demo: deps build
	./bin/govif demo

bench:
	@bash scripts/bench.sh $(WHAT)

# The fault campaign (issue 11): kill -9 of ovsdb-server, ovs-vswitchd and `govif serve` at random
# points of 100-VIF concurrent runs through the daemon, then replug and unplug everything; prints
# the figures. Needs root. `make test` runs its short form (3 attacks). FAULTS=N attacks (default 30);
# GOVIF_FAULTS_SEED replays a campaign.
FAULTS ?= 30
faults:
	GOVIF_FAULTS_ATTACKS=$(FAULTS) $(GO) test -count=1 -timeout 60m -run '^TestFaultCampaign$$' -v ./daemon

clean:
	rm -rf bin
