# chaindeck — a terminal cockpit for Ethereum-family nodes.
# Plain GNU make; every dependency comes from Debian through pkg-config.

# The version lives in VERSION (CHANGELOG.md's top release must match: scripts/dist.sh checks).
VERSION   := $(shell cat VERSION)
# Where this build came from, shown by --version: `git describe` in a checkout, the description
# that `make dist` recorded in .tarball-version in a release tarball, else "release".
GIT_DESC  := $(or $(if $(wildcard .git),$(shell git describe --always --dirty --tags 2>/dev/null)),$(shell cat .tarball-version 2>/dev/null | tr -cd 'A-Za-z0-9._+/-'),release)
# Reproducible builds: the time of the last commit (or of the tarball's files) unless given.
SOURCE_DATE_EPOCH ?= $(or $(if $(wildcard .git),$(shell git log -1 --format=%ct 2>/dev/null)),$(shell stat -c %Y VERSION 2>/dev/null),0)
export SOURCE_DATE_EPOCH
PREFIX    ?= /usr/local
BINDIR    ?= $(PREFIX)/bin
MANDIR    ?= $(PREFIX)/share/man
LIBDIR    ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
DESTDIR   ?=

CC        ?= cc
PKGS      := ncursesw libcurl libcjson libsodium libsecp256k1 libcrypto libqrencode hidapi-hidraw libmicrohttpd
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

WARN      := -Wall -Wextra -Wshadow -Wformat=2 -Wmissing-prototypes -Wstrict-prototypes -Werror
CFLAGS    ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L $(WARN) $(CFLAGS) \
             -I. $(PKG_CFLAGS) -DCHAINDECK_VERSION='"$(VERSION)"' -DCHAINDECK_DESCRIBE='"$(GIT_DESC)"' \
             -ffile-prefix-map=$(CURDIR)=. -ffile-prefix-map=$(abspath $(BUILD))=build
LDLIBS    := $(PKG_LIBS) -lunistring -lpthread

BUILD     ?= build
# Sorted: object and archive order must not depend on the directory listing.
COMMON_SRC := $(sort $(wildcard common/*.c))
# Models (no curses) go in their own archive so unit tests can link them without the screen.
MODEL_SRC  := $(sort $(filter-out %_pane.c,$(wildcard dashboard/*.c explorer/*.c wallet/*.c)))
VIEW_SRC   := $(sort $(wildcard tui/*.c dashboard/*_pane.c explorer/*_pane.c wallet/*_pane.c))
UNIT_SRC   := $(sort $(wildcard tests/unit/test_*.c))
TESTLIB_SRC:= $(sort $(wildcard tests/lib/*.c))
INTEG_SRC  := $(sort $(wildcard tests/integration/test_*.c))
TOOL_SRC   := $(sort $(wildcard tests/tools/*.c))
# Example programs on the library alone (docs/library.md): libchaindeck.a only, no models, no curses.
EXAMPLE_SRC:= $(sort $(wildcard examples/*.c))

# The selector table is generated from common/selectors.txt (rules below) and lives in the library.
SELECTORS_OBJ := $(BUILD)/gen/selectors_table.o
COMMON_OBJ := $(COMMON_SRC:%.c=$(BUILD)/%.o) $(SELECTORS_OBJ)
MODEL_OBJ  := $(MODEL_SRC:%.c=$(BUILD)/%.o)
VIEW_OBJ   := $(VIEW_SRC:%.c=$(BUILD)/%.o)
TESTLIB_OBJ:= $(TESTLIB_SRC:%.c=$(BUILD)/%.o)
UNIT_BIN   := $(UNIT_SRC:%.c=$(BUILD)/%)
INTEG_BIN  := $(INTEG_SRC:%.c=$(BUILD)/%)
TOOL_BIN   := $(TOOL_SRC:%.c=$(BUILD)/%)
EXAMPLE_BIN:= $(EXAMPLE_SRC:%.c=$(BUILD)/%)
LIB        := $(BUILD)/libchaindeck.a
MODELLIB   := $(BUILD)/libchaindeck-models.a
BIN        := $(BUILD)/chaindeck

.PHONY: all check test unit integration screen asan valgrind lint bench install uninstall demo deps clean dist
.DELETE_ON_ERROR:
# Keep objects that pattern rules consider intermediate: rebuilding them is wasted time.
.SECONDARY:

all: $(BIN) chaindeck

chaindeck: $(BIN)
	@ln -sf $(BIN) chaindeck

# main.o shows the version and description: rebuilt when either changes (the stamp is rewritten only then).
$(BUILD)/gen/version: FORCE
	@mkdir -p $(dir $@)
	@echo '$(VERSION) $(GIT_DESC)' | cmp -s - $@ || echo '$(VERSION) $(GIT_DESC)' > $@
$(BUILD)/tui/main.o: $(BUILD)/gen/version
FORCE:

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

# A host tool built from our own Keccak hashes each signature; the table it writes is sorted by selector.
$(BUILD)/tools/gen_selectors: tools/gen_selectors.c common/keccak.c common/keccak.h
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@$(CC) $(ALL_CFLAGS) -o $@ tools/gen_selectors.c common/keccak.c

$(BUILD)/gen/selectors_table.c: common/selectors.txt $(BUILD)/tools/gen_selectors
	@mkdir -p $(dir $@)
	@echo "  GEN     $@"
	@$(BUILD)/tools/gen_selectors common/selectors.txt $@

$(SELECTORS_OBJ): $(BUILD)/gen/selectors_table.c
	@echo "  CC      $<"
	@$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(LIB): $(COMMON_OBJ)
	@rm -f $@
	@echo "  AR      $@"
	@ar rcsD $@ $^

$(MODELLIB): $(MODEL_OBJ)
	@rm -f $@
	@echo "  AR      $@"
	@ar rcsD $@ $^

$(BIN): $(VIEW_OBJ) $(MODELLIB) $(LIB)
	@echo "  LD      $@"
	@$(CC) $(ALL_CFLAGS) -o $@ $(VIEW_OBJ) $(MODELLIB) $(LIB) $(LDLIBS)

$(BUILD)/tests/unit/%: $(BUILD)/tests/unit/%.o $(TESTLIB_OBJ) $(MODELLIB) $(LIB)
	@echo "  LD      $@"
	@$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS)

# The list widget's arithmetic (tui/listview.c) has no curses: its unit test links it alone.
$(BUILD)/tests/unit/test_listview: $(BUILD)/tui/listview.o
# test_fsutil makes fsync fail on purpose (a disk error after the rename cannot be caused otherwise)
# and looks at each block freed (whether a secret was wiped first).
$(BUILD)/tests/unit/test_fsutil: LDLIBS += -Wl,--wrap=fsync -Wl,--wrap=free

$(BUILD)/tests/integration/%: $(BUILD)/tests/integration/%.o $(TESTLIB_OBJ) $(MODELLIB) $(LIB)
	@echo "  LD      $@"
	@$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/tools/%: $(BUILD)/tests/tools/%.o $(MODELLIB) $(LIB)
	@echo "  LD      $@"
	@$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/examples/%: $(BUILD)/examples/%.o $(LIB)
	@echo "  LD      $@"
	@$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS)

# Everything a test run needs, built before any test starts.
test-bins: $(BIN) $(UNIT_BIN) $(INTEG_BIN) $(TOOL_BIN) $(EXAMPLE_BIN)

deps:
	@scripts/deps.sh

unit: test-bins
	@tests/run.sh unit $(BUILD)

integration: test-bins
	@tests/run.sh integration $(BUILD)

screen: test-bins
	@tests/run.sh screen $(BUILD)

check: deps
	@$(MAKE) --no-print-directory test-bins
	@tests/run.sh all $(BUILD)

test: check

# The same suite built with AddressSanitizer and UndefinedBehaviorSanitizer, in its own build dir.
asan: deps
	@$(MAKE) --no-print-directory BUILD=build/asan \
	  CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" test-bins
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  tests/run.sh all build/asan

# Unit and integration tests under valgrind's memcheck: any invalid access or definite leak fails.
VALGRIND := valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
            --track-fds=no --suppressions=tests/valgrind.supp
valgrind: deps
	@$(MAKE) --no-print-directory test-bins
	@CHAINDECK_WRAP="$(VALGRIND)" tests/run.sh unit $(BUILD)
	@CHAINDECK_WRAP="$(VALGRIND)" tests/run.sh integration $(BUILD)

# libFuzzer harnesses of tests/fuzz/, each for FUZZ_SECONDS (default 60); make check runs them
# briefly through tests/integration/fuzz_brief.sh. Needs clang: the optional deps install it.
.PHONY: fuzz
fuzz:
	@DEPS_OPTIONAL=1 scripts/deps.sh
	@scripts/fuzz.sh run

lint:
	@scripts/lint.sh

# The release tarball chaindeck-$(VERSION).tar.gz of HEAD, reproducible (scripts/dist.sh); DISTDIR: where.
DISTDIR ?= .
dist:
	@scripts/dist.sh $(DISTDIR)

bench: deps
	@$(MAKE) --no-print-directory test-bins
	@tests/bench/run.sh $(BUILD)

demo: deps
	@$(MAKE) --no-print-directory all
	@scripts/demo.sh $(BUILD)

# The binary, its man page, and the common/ library for other front ends: libchaindeck.a, its
# headers as include/chaindeck/common/*.h (they include each other as "common/x.h") and chaindeck.pc.
PUBLIC_H := $(sort $(wildcard common/*.h))
PC_DIRS  := -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(VERSION)|' \
            -e 's|@LIBDIR@|$(patsubst $(PREFIX)/%,$${prefix}/%,$(LIBDIR))|' \
            -e 's|@INCLUDEDIR@|$(patsubst $(PREFIX)/%,$${prefix}/%,$(INCLUDEDIR))|'
install: $(BIN) $(LIB)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(LIBDIR) $(DESTDIR)$(PKGCONFIGDIR) \
	  $(DESTDIR)$(INCLUDEDIR)/chaindeck/common
	install -m 0755 $(BIN) $(DESTDIR)$(BINDIR)/chaindeck
	install -m 0644 chaindeck.1 $(DESTDIR)$(MANDIR)/man1/chaindeck.1
	install -m 0644 $(LIB) $(DESTDIR)$(LIBDIR)/libchaindeck.a
	install -m 0644 $(PUBLIC_H) $(DESTDIR)$(INCLUDEDIR)/chaindeck/common/
	sed $(PC_DIRS) chaindeck.pc.in > $(DESTDIR)$(PKGCONFIGDIR)/chaindeck.pc
	chmod 0644 $(DESTDIR)$(PKGCONFIGDIR)/chaindeck.pc

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/chaindeck $(DESTDIR)$(MANDIR)/man1/chaindeck.1
	rm -f $(DESTDIR)$(LIBDIR)/libchaindeck.a $(DESTDIR)$(PKGCONFIGDIR)/chaindeck.pc
	rm -f $(DESTDIR)$(INCLUDEDIR)/chaindeck/common/*.h
	rmdir $(DESTDIR)$(INCLUDEDIR)/chaindeck/common $(DESTDIR)$(INCLUDEDIR)/chaindeck 2>/dev/null || true

clean:
	rm -rf build chaindeck

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
