# Thin wrapper around CMake. `make demo` and `make test` set everything up from a fresh Debian machine.
BUILD      ?= build
ASAN_BUILD ?= build-asan
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_ARGS ?=

PREFIX     ?= /usr/local

FUZZ_SECONDS ?= 60

.PHONY: all deps build demo test test-fast test-asan check check-minimal check-valgrind check-recovery golden-update bench fuzz docs install clean python r

all: build

deps:
	@./scripts/install-deps

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release $(CMAKE_ARGS)

# `make build` never installs anything; `make deps`, `make demo` and `make test` set up the machine.
build: $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

demo: deps
	$(MAKE) build
	./scripts/demo $(BUILD)

test-fast: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) -LE "valgrind|recovery"

$(ASAN_BUILD)/CMakeCache.txt:
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DNL_SANITIZE=ON $(CMAKE_ARGS)

test-asan: $(ASAN_BUILD)/CMakeCache.txt
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ctest --output-on-failure -j $(JOBS) -LE "slow|install|recovery"

test: deps
	$(MAKE) test-fast test-asan

# The fast lane: unit tests only (no paper reproductions, valgrind, sanitizers), about a minute.
check: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) -L unit

# Every CLI end-to-end case of test_cli with each command under valgrind (memory errors, reads of
# uninitialized memory ASan does not see, definite leaks): two to three minutes of one core, so not
# part of `make test` (CI runs it: .ci/run).
check-valgrind: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) -L valgrind

# Parameter recovery that takes minutes (ctest label `recovery`: coopnet's rho and lambda from the
# PLS paths of a simulated table, about 200 s of CPU on 2 threads), so not part of `make test`
# (CI runs it: .ci/run).
check-recovery: build
	cd $(BUILD) && ctest --output-on-failure -j 1 -L recovery

# A build without the optional components (NL_WITH_PLOT, NL_WITH_STORE, NL_WITH_YAML all OFF): the
# library, the CLI and the tests that mean something there (the "built without" errors, the CLI's
# exit 2, a model run, PLS against seminr, the installed libraries linked shared and static with
# only igraph, NLopt, BLAS/LAPACK and OpenMP). Its own build directory; a few minutes on 2 cores, so
# not part of `make test` (CI runs it: .ci/run).
MINIMAL_BUILD ?= build-minimal
MINIMAL_TESTS = test_components test_pls test_stats test_rng
check-minimal:
	cmake -S . -B $(MINIMAL_BUILD) -DCMAKE_BUILD_TYPE=Release -DNL_WITH_PLOT=OFF -DNL_WITH_STORE=OFF \
	  -DNL_WITH_YAML=OFF $(CMAKE_ARGS)
	cmake --build $(MINIMAL_BUILD) -j $(JOBS) --target netlearn netlearn_public netlearn_cli $(MINIMAL_TESTS)
	cd $(MINIMAL_BUILD) && ctest --output-on-failure -j $(JOBS) -R "^($(shell echo $(MINIMAL_TESTS) test_install | tr ' ' '|'))$$"

# Rewrite the golden files of tests/golden/ from this build and show the diff (tests/golden/README.md).
golden-update: build
	tests/golden/run-golden $(BUILD)/netlearn --update

# The Python package (python/, docs/python.md): extension built in place, then pytest; the R package
# (r/, docs/r.md): installed into $(BUILD)/R, then testthat. `make test` runs both through ctest.
python: build
	./scripts/test-python $(BUILD)

r: build
	./scripts/test-r $(BUILD)

# Benchmarks run from their own build, compiled for x86-64-v2 (hardware popcount); the default build
# and the installed library target plain x86_64.
BENCH_BUILD ?= build-bench
bench:
	cmake -S . -B $(BENCH_BUILD) -DCMAKE_BUILD_TYPE=Release -DNL_BUILD_TESTS=OFF -DNL_X86_64_V2=ON $(CMAKE_ARGS)
	cmake --build $(BENCH_BUILD) -j $(JOBS)
	./scripts/bench $(BENCH_BUILD)

fuzz: deps
	FUZZ_SECONDS=$(FUZZ_SECONDS) ./scripts/fuzz

# docs/models.md from the models' parameter tables and docs/api.md from the public headers
# (test_docs_models and test_docs_api check that both are current).
docs: build
	head -n 5 docs/models.md > docs/models.md.tmp
	$(BUILD)/netlearn models --markdown >> docs/models.md.tmp
	mv docs/models.md.tmp docs/models.md
	./scripts/gen-api-docs > docs/api.md

install: build
	cmake --install $(BUILD) --prefix $(PREFIX)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(BENCH_BUILD) $(MINIMAL_BUILD) build-fuzz
