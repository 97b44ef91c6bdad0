# govif: the two commands the README gives are `make demo` (main job) and `make test` (tests).
# Both install what they need first (scripts/install-deps.sh), so they work on a fresh Debian 12.
SHELL := /bin/bash
export PATH := /usr/local/go/bin:$(PATH)
GO ?= go
# Functional tests start real OVS daemons and namespaces: keep the whole run bounded.
TEST_TIMEOUT ?= 20m
# Each fuzz target runs briefly in CI; longer runs are done by hand (see docs/testing.md).
FUZZTIME ?= 10s
# The version stamped into the binary (govif version, /healthz, host-info, the package).
VERSION ?= $(shell scripts/version.sh)
LDFLAGS := -X github.com/govif/govif/internal/buildinfo.version=$(VERSION)
STATICCHECK ?= $(shell $(GO) env GOPATH)/bin/staticcheck

.PHONY: all build deps test unit race fuzz vet demo bench faults deb test-deb clean

all: build

deps:
	@bash scripts/install-deps.sh

build:
	$(GO) build -ldflags '$(LDFLAGS)' -o bin/govif ./cmd/govif
	$(GO) build -ldflags '$(LDFLAGS)' -o bin/govif-cni ./cmd/govif-cni

# gofmt, go.mod tidy, go vet and staticcheck (pinned by scripts/install-deps.sh).
vet:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) mod tidy -diff
	$(GO) vet ./...
	$(STATICCHECK) ./...

# The test command (docs/testing.md): the unit tests under the race detector (-short: no
# root, no daemons); then everything without -race (as root also the functional tests against
# real OVS, real netlink devices and the real Python os-vif, and the docs' examples); every
# fuzz target briefly; the Debian package installed and removed. All of it with TMPDIR set
# to a fresh directory that must be empty at the end (tests leave nothing in /tmp).
test: deps vet
	@bash scripts/test.sh $(TEST_TIMEOUT) $(FUZZTIME) '$(VERSION)'

unit:
	$(GO) test -count=1 -short ./...

race:
	$(GO) test -count=1 -short -race ./...

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

# The Debian package, in bin/: binary, systemd unit, /etc/govif/govif.conf, man pages, docs.
deb: build
	@bash scripts/build-deb.sh '$(VERSION)' bin/govif bin

# Installs, checks and removes the package built by `make deb` (root; skips near a real govif).
test-deb: deb
	@bash scripts/test-deb.sh bin/govif_$(subst -,+,$(VERSION))_$$(dpkg --print-architecture).deb '$(VERSION)'

clean:
	rm -rf bin
