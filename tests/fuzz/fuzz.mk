# Builds the libFuzzer harnesses of tests/fuzz/ (run through scripts/fuzz.sh, not directly).
#   make -f tests/fuzz/fuzz.mk [FUZZ_BUILD=build/fuzz]
# The library sources are compiled again here with the fuzzer's coverage instrumentation,
# AddressSanitizer and UndefinedBehaviorSanitizer: the normal archives have none of it.

FUZZ_BUILD ?= build/fuzz
FUZZ_CC    ?= clang
PKGS       := libcurl libcjson libsodium libsecp256k1 libcrypto hidapi-hidraw
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

SAN        := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
BASE       := -std=c11 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L -O1 -g $(SAN) -I. $(PKG_CFLAGS)
# Library code is other people's and builds with -Werror in the main Makefile; here warnings only.
LIB_CFLAGS := $(BASE) -fsanitize=fuzzer-no-link -Wall -Wextra
HARNESS_CFLAGS := $(BASE) -fsanitize=fuzzer-no-link -Wall -Wextra -Wshadow -Wformat=2 \
                  -Wmissing-prototypes -Wstrict-prototypes -Werror

# Everything that parses outside input lives in common/ and wallet/ (views and the CLI excluded).
LIB_SRC    := $(wildcard common/*.c) \
              $(filter-out %_pane.c wallet/wallet_cli.c,$(wildcard wallet/*.c))
LIB_OBJ    := $(LIB_SRC:%.c=$(FUZZ_BUILD)/obj/%.o) $(FUZZ_BUILD)/obj/gen/selectors_table.o
LIB        := $(FUZZ_BUILD)/libchaindeck-fuzz.a

TARGETS    := $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
BINS       := $(TARGETS:%=$(FUZZ_BUILD)/%)

.PHONY: all list
.DELETE_ON_ERROR:
.SECONDARY:

all: $(BINS)

list:
	@echo $(TARGETS)

$(FUZZ_BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $< (fuzz)"
	@$(FUZZ_CC) $(LIB_CFLAGS) -MMD -MP -c $< -o $@

# The selector table comes from the main Makefile's own rule (the host tool and the generator).
$(FUZZ_BUILD)/gen/selectors_table.c: common/selectors.txt tools/gen_selectors.c common/keccak.c
	@$(MAKE) --no-print-directory -f Makefile BUILD=$(FUZZ_BUILD) $@

$(FUZZ_BUILD)/obj/gen/selectors_table.o: $(FUZZ_BUILD)/gen/selectors_table.c
	@mkdir -p $(dir $@)
	@echo "  CC      $< (fuzz)"
	@$(FUZZ_CC) $(LIB_CFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJ)
	@rm -f $@
	@echo "  AR      $@"
	@ar rcs $@ $^

$(FUZZ_BUILD)/harness/%.o: tests/fuzz/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(FUZZ_CC) $(HARNESS_CFLAGS) -MMD -MP -c $< -o $@

$(FUZZ_BUILD)/fuzz_%: $(FUZZ_BUILD)/harness/fuzz_%.o $(LIB)
	@echo "  LD      $@"
	@$(FUZZ_CC) $(BASE) -fsanitize=fuzzer -o $@ $< $(LIB) $(PKG_LIBS) -lunistring -lpthread

-include $(shell find $(FUZZ_BUILD)/obj $(FUZZ_BUILD)/harness -name '*.d' 2>/dev/null)
