# A thin front end to Meson. `make deps && make` builds; `make check` runs
# every test (normal build, then address+undefined sanitizers, then fuzzers).
BUILD   ?= build
ASAN    ?= build-asan
FUZZ    ?= build-fuzz
PREFIX  ?= /usr/local
WERROR  ?= true
FUZZ_SECONDS ?= 15

all: $(BUILD)/build.ninja
	ninja -C $(BUILD)

$(BUILD)/build.ninja:
	meson setup $(BUILD) --prefix=$(PREFIX) -Dwerror=$(WERROR)

# what building and running need; `make check` adds what the tests need
deps:
	tools/install-deps.sh

test-deps:
	tools/install-deps.sh --test

test: all
	meson test -C $(BUILD) --print-errorlogs

$(ASAN)/build.ninja:
	meson setup $(ASAN) -Db_sanitize=address,undefined -Db_lundef=false -Dwerror=$(WERROR) -Dbuildtype=debug

sanitize: $(ASAN)/build.ninja
	ninja -C $(ASAN)
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 ASAN_OPTIONS=detect_leaks=1 \
		meson test -C $(ASAN) --print-errorlogs --timeout-multiplier 3

$(FUZZ)/build.ninja:
	CC=clang meson setup $(FUZZ) -Dfuzz=true -Db_lundef=false -Dbuildtype=debugoptimized

fuzz: $(FUZZ)/build.ninja
	ninja -C $(FUZZ)
	FUZZ_SECONDS=$(FUZZ_SECONDS) fuzz/run $(FUZZ)

# The whole suite, as CI runs it; prints "N passed, N failed" last.
check: test-deps
	tests/run-all

install: all
	meson install -C $(BUILD)

# Regenerates the compiled-in registry (data/registry.tsv and .meta) from an
# official IANA registry file, XML or CSV.
FROM ?= ../shared/iana/service-names-port-numbers.xml
snapshot: all
	$(BUILD)/pd-mkimage generate $(FROM) data/registry.tsv data/registry.meta
	ninja -C $(BUILD)

bench: all
	bench/run

clean:
	rm -rf $(BUILD) $(ASAN) $(FUZZ)

.PHONY: all deps test-deps test sanitize fuzz check install snapshot bench clean
