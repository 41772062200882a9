# Makefile - builds handletrail, its tests, benchmarks and demo report.
# Plain GNU make.  User CFLAGS/CPPFLAGS/LDFLAGS are appended to, never
# replaced.  SAN=address,undefined builds everything with sanitizers into
# a separate build directory.

PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man
PKG_CONFIG ?= pkg-config
CC      ?= cc

PKGS := libxml-2.0 libpcre2-8 zlib liblzma libzstd

BUILD := build$(if $(SAN),-san)
WARN  := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
         -Wno-unused-parameter
OPT   ?= -O2 -g
# Link-time optimisation of the handletrail binary with gcc: a record's
# path crosses files (reader, decoder, semantics, timeline), and inlining
# across them takes 6% off the .etl benchmark's time.  The objects are fat
# and the other links say -fno-lto (gcc's linker plugin would optimise fat
# objects at any link); the objects are remade when the setting changes
# (lto.flags).  LTO= turns it off; sanitizer builds and other compilers go
# without.  Decided once, when a recipe first asks: on a fresh system
# deps-ok installs the compiler first.
ifeq ($(origin LTO),undefined)
LTO    = $(eval LTO := $(LTO_AUTO))$(LTO)
endif
LTO_AUTO = $(if $(SAN),,$(if $(shell $(CC) -v 2>&1 | grep '^gcc version'),\
           -flto=auto -ffat-lto-objects))
NO_LTO = $(if $(LTO),-fno-lto)
SANFL := $(if $(SAN),-fsanitize=$(SAN) -fno-omit-frame-pointer \
         -fno-sanitize-recover=all)

PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)

ALL_CFLAGS  = -std=c11 -D_GNU_SOURCE $(WARN) $(OPT) $(SANFL) $(PKG_CFLAGS) \
              $(CPPFLAGS) $(CFLAGS)
ALL_LDFLAGS = $(SANFL) $(LDFLAGS)
LIBS_ALL    = $(PKG_LIBS) -lm

LIB_SRCS := $(sort $(wildcard util/*.c parser/*.c timeline/*.c reports/*.c) \
            $(filter-out cli/main.c,$(wildcard cli/*.c)))
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/%.o)
UNIT_SRCS := $(sort $(wildcard tests/unit/*.c))
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/unit/%)

.PHONY: all deps check demo bench fuzz install uninstall clean lint

all: deps-ok $(BUILD)/handletrail handletrail $(BUILD)/etl-dump

# The binary at the top is the normal build; SAN builds stay in their dir.
handletrail: $(BUILD)/handletrail
	$(if $(SAN),@true,cp $< $@)

$(BUILD)/handletrail: $(BUILD)/cli/main.o $(BUILD)/libhandletrail.a
	$(CC) $(ALL_LDFLAGS) $(if $(LTO),$(LTO) $(OPT)) -o $@ $^ $(LIBS_ALL)

$(BUILD)/libhandletrail.a: $(LIB_OBJS)
	rm -f $@
	ar rcs $@ $^

# Order-only on deps-ok: under -j no object compiles before the compiler
# and the library headers are there, and deps-ok never forces a rebuild.
$(BUILD)/%.o: %.c $(wildcard */*.h */*.def) Makefile $(BUILD)/lto.flags \
	      | deps-ok
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LTO) -c -o $@ $<

# the LTO setting the objects were made with, rewritten only when it changes
$(BUILD)/lto.flags: FORCE | deps-ok
	@mkdir -p $(dir $@)
	@echo '$(LTO)' | cmp -s - $@ || echo '$(LTO)' >$@

.PHONY: FORCE

$(BUILD)/unit/%: tests/unit/%.c $(BUILD)/libhandletrail.a tests/unit/unit.h
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) $(NO_LTO) -o $@ $< \
		$(BUILD)/libhandletrail.a \
		$(LIBS_ALL)

# deps: installs missing Debian packages when root, or says which to install.
deps:
	@sh tools/deps.sh build

deps-ok:
	@{ command -v $(CC) >/dev/null 2>&1 && \
	   $(PKG_CONFIG) --exists $(PKGS) 2>/dev/null; } || \
	 CC="$(CC)" sh tools/deps.sh build

# etl-dump: what the .etl reader sees (tests/checks/etl_real.sh)
$(BUILD)/etl-dump: tools/etl_dump.c $(BUILD)/libhandletrail.a
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) $(NO_LTO) -o $@ $< \
		$(BUILD)/libhandletrail.a \
		$(LIBS_ALL)

check: deps-ok $(BUILD)/handletrail $(if $(SAN),,handletrail) $(BUILD)/etl-dump $(UNIT_BINS)
	@sh tools/deps.sh test
	@BUILD=$(BUILD) SAN=$(SAN) sh tests/run.sh

demo: all
	@sh tools/demo.sh

bench: all
	@sh tools/bench.sh

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1
	install -m 755 handletrail $(DESTDIR)$(BINDIR)/handletrail
	install -m 644 doc/handletrail.1 $(DESTDIR)$(MANDIR)/man1/handletrail.1

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/handletrail \
		$(DESTDIR)$(MANDIR)/man1/handletrail.1

clean:
	rm -rf build build-san handletrail

.PHONY: deps-ok

# fuzz targets and their rules live beside them
-include fuzz/fuzz.mk
