# fuzz/fuzz.mk - libFuzzer targets (included by the top Makefile).
#   make fuzz            each target for FUZZ_SECONDS (default 60)
#   make fuzz-smoke      CI: regressions replayed, then FUZZ_SMOKE_SECONDS each
#   make fuzz-build      just build build-fuzz/fuzz_* (clang, ASan + UBSan)
# Seeds come from samples/, tests/data/, tests/hostile/ and the shared
# strace captures; the growing corpus stays in build-fuzz/corpus/TARGET and
# crashes land in build-fuzz/artifacts/TARGET/ (fuzz/run.sh says what to do).

FUZZ_CC            ?= clang
FUZZ_BUILD         := build-fuzz
FUZZ_SECONDS       ?= 60
FUZZ_SMOKE_SECONDS ?= 45
FUZZ_TARGETS       ?= strace_line strace_pipeline etw_xml rules perf_script \
                      perf_trace etl xpress
FUZZ_SAN    := -fsanitize=address,undefined -fno-sanitize-recover=all \
               -fno-omit-frame-pointer
# The timeline's caps low: inputs of a few KB reach the forgetting of
# numbers, the reaping of dead tasks and the stop at too many live ones.
FUZZ_CFLAGS  = -std=c11 -D_GNU_SOURCE $(WARN) -O1 -g $(FUZZ_SAN) \
               -DTL_NUMS_KEEP=24 -DTL_NUMS_MAX=48 -DTL_DEAD_KEEP=3 \
               -DTL_TASKS_MAX=40 -DTL_INVOLVED_KEEP=12 -DTL_UPGRADE=3 \
               $(PKG_CFLAGS)
FUZZ_LIB_OBJS := $(LIB_SRCS:%.c=$(FUZZ_BUILD)/%.o)
FUZZ_BINS     := $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/fuzz_%)

.PHONY: fuzz fuzz-smoke fuzz-build fuzz-replay fuzz-clean fuzz-cc

fuzz-cc:
	@command -v $(FUZZ_CC) >/dev/null 2>&1 || sh tools/deps.sh fuzz
	@command -v $(FUZZ_CC) >/dev/null 2>&1 || { \
	  echo "fuzz: $(FUZZ_CC) not found; install clang and" \
	       "libclang-rt-14-dev (sh tools/deps.sh fuzz does it as root)" >&2; \
	  exit 1; }

$(FUZZ_BUILD)/%.o: %.c $(wildcard */*.h */*.def) Makefile fuzz/fuzz.mk | deps-ok fuzz-cc
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_BUILD)/libfuzzlib.a: $(FUZZ_LIB_OBJS) $(FUZZ_BUILD)/fuzz/fuzz_util.o
	rm -f $@
	ar rcs $@ $^

$(FUZZ_BUILD)/fuzz_%: $(FUZZ_BUILD)/fuzz/fuzz_%.o $(FUZZ_BUILD)/libfuzzlib.a
	$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $^ $(PKG_LIBS) -lm

fuzz-build: deps-ok fuzz-cc $(FUZZ_BINS)

fuzz-replay: fuzz-build
	@sh fuzz/run.sh replay $(FUZZ_TARGETS)

fuzz: fuzz-build
	@FUZZ_SECONDS=$(FUZZ_SECONDS) sh fuzz/run.sh fuzz $(FUZZ_TARGETS)

fuzz-smoke: fuzz-build
	@FUZZ_SECONDS=$(FUZZ_SMOKE_SECONDS) sh fuzz/run.sh fuzz $(FUZZ_TARGETS)

fuzz-clean:
	rm -rf $(FUZZ_BUILD)
