# make demo: set up Nix if needed, build examples/dep with buildWithDynDrv, run it.
# make test: every test (unit, Nix builds of the examples both ways, end-to-end).
SHELL := /bin/bash
WITH_NIX := scripts/with-nix
# fixed-output module downloads read the proxy from the environment (impureEnvVars)
export GOPROXY ?= $(shell go env GOPROXY)
export GOFLAGS :=

.PHONY: demo test unit nix-examples e2e goldens matrix toolchains fuzz bench fsbench incremental drvcost scale corpus nix-2.35

demo:
	$(WITH_NIX) nix-build -A examples.dep --arg useDynDrv true -o result-demo
	./result-demo/bin/dep

test: unit nix-examples e2e goldens matrix

unit:
	go vet ./...
	go test -count=1 ./internal/... ./cmd/...

nix-examples:
	$(WITH_NIX) nix-build -A testExamples --arg useDynDrv true --no-out-link
	$(WITH_NIX) nix-build -A testExamples --arg useDynDrv false --no-out-link

e2e:
	$(WITH_NIX) go test -count=1 -timeout 80m ./e2e/

# every program of e2e/corpus.json (real programs with their nixpkgs arguments), both builders;
# make test builds the few of corpusInTest (e2e/corpus_test.go). The table: corpus-table.md
corpus:
	DGD_CORPUS=$${DGD_CORPUS:-all} DGD_CORPUS_TABLE=$(CURDIR)/corpus-table.md $(WITH_NIX) go test -count=1 -timeout 0 -v -run TestCorpus ./e2e/

# the same on Nix 2.35.2 (built from source once by scripts/nix-2.35, 25-50 minutes; on a store of
# its own): the examples both ways and the tests of what 2.35 changed (build traces in binary
# caches, remote builds). Not in make test: building Nix does not fit CI's time
nix-2.35:
	DGD_NIX=2.35 $(MAKE) nix-examples
	DGD_NIX=2.35 $(WITH_NIX) go test -count=1 -timeout 60m -run 'TestBinaryCache|TestRemoteBuilders|TestExamplesIdenticalToGoBuild' ./e2e/

# Go 1.22-1.27 from Debian's packages (scripts/with-nix records them for Nix)
toolchains:
	scripts/go-toolchains

# re-record go list / go build -n with every toolchain: fails on any difference
goldens: toolchains
	go run ./cmd/dgd-golden -check

matrix: toolchains
	$(WITH_NIX) scripts/matrix

fuzz:
	go test ./internal/actions/ -run '^$$' -fuzz FuzzParse -fuzztime 60s
	go test ./internal/lock/ -run '^$$' -fuzz FuzzParse -fuzztime 30s
	go test ./internal/goldencheck/ -run '^$$' -fuzz FuzzGoList -fuzztime 60s

bench:
	$(WITH_NIX) scripts/bench

# cold go build and cold dgd on this machine's root file system and on a journaled ext4 (as root)
fsbench:
	$(WITH_NIX) scripts/fsbench

# how planning and registering derivations grow with the number of packages
scale:
	$(WITH_NIX) scripts/scale

# what one derivation costs Nix here, apart from its work, under a few settings
drvcost:
	$(WITH_NIX) scripts/drvcost

# what a test-file edit and an ldflags-only change rebuild, and how long they take
incremental:
	$(WITH_NIX) scripts/incremental
