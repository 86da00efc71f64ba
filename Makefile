# reprove -- GNU make build. `make help` lists the targets.
# Required flags are added with `override`, so `make CFLAGS=-O0` keeps warnings and macros.

PKGS     := openssl libsodium libarchive jansson libcurl liburing zlib
DEB_PKGS := libssl-dev libsodium-dev libarchive-dev libjansson-dev libcurl4-openssl-dev zlib1g-dev \
            liburing-dev pkg-config gcc make git
VERSION  := 0.1.0
PREFIX   ?= /usr/local
DESTDIR  ?=
O        ?= build

CC       ?= cc
CFLAGS   ?= -O2 -g
WARN     := -Wall -Wextra -Wformat=2 -Wformat-security -Wshadow -Wpointer-arith \
            -Wstrict-prototypes -Wmissing-prototypes -Wold-style-definition -Wwrite-strings \
            -Wvla -Wundef -Wimplicit-fallthrough -Wredundant-decls -fno-common
ifneq ($(strip $(CI)$(DEVELOPER)),)
WARN     += -Werror
endif

ifeq ($(SANITIZE),1)
SANFLAGS := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
HARDEN   :=
HARDEN_LD:=
else
SANFLAGS :=
HARDEN   := -D_FORTIFY_SOURCE=3 -fstack-protector-strong -fstack-clash-protection \
            -fcf-protection -fPIE
HARDEN_LD:= -pie -Wl,-z,relro,-z,now,-z,noexecstack -Wl,--as-needed
endif

PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)

override CPPFLAGS += -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64 -DRP_VERSION='"$(VERSION)"' \
                     -Iverify/base -Iverify -Iattest -Icli
override CFLAGS   += -std=c11 $(WARN) $(HARDEN) $(SANFLAGS) -MMD -MP $(PKG_CFLAGS)
override LDFLAGS  += $(HARDEN_LD) $(SANFLAGS)
LDLIBS   += $(PKG_LIBS) -lpthread -lm

LIB_SRC  := $(sort $(wildcard verify/base/*.c verify/*.c attest/*.c))
CLI_SRC  := $(sort $(wildcard cli/*.c))
UNIT_SRC := $(sort $(wildcard tests/unit/u_*.c))
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))

LIB_OBJ  := $(LIB_SRC:%.c=$(O)/%.o)
CLI_OBJ  := $(CLI_SRC:%.c=$(O)/%.o)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(O)/tests/unit/%)
REPLAY_BIN := $(FUZZ_SRC:tests/fuzz/fuzz_%.c=$(O)/tests/fuzz/replay_%)
LIBRP    := $(O)/libreprove.a
BIN      := $(O)/reprove

.SECONDARY:
.PHONY: all deps test-deps test check fuzz bench demo install uninstall clean help lint unit

## all: build build/reprove and build/libreprove.a (default)
all: $(BIN)

# V=1 shows the full command lines
Q := $(if $(V),,@)

$(BIN): $(CLI_OBJ) $(LIBRP)
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) $(LIBRP) $(LDLIBS)

$(LIBRP): $(LIB_OBJ)
	@rm -f $@
	@echo "  AR      $@"
	$(Q)$(AR) rcs $@ $^

$(O)/%.o: %.c | $(O)/.deps-ok
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(O)/tests/unit/%: tests/unit/%.c $(O)/tests/unit/harness.o $(LIBRP)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -Itests/unit $(LDFLAGS) -o $@ $< $(O)/tests/unit/harness.o $(LIBRP) $(LDLIBS)

$(O)/tests/fuzz/replay_%: tests/fuzz/fuzz_%.c $(O)/tests/fuzz/replay.o $(LIBRP)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(O)/tests/fuzz/replay.o $(LIBRP) $(LDLIBS)

# The dev packages are checked once per build directory; `make deps` re-checks.
$(O)/.deps-ok:
	@$(MAKE) --no-print-directory deps
	@mkdir -p $(O) && touch $@

## deps: install whatever of the Debian 12 build packages is missing (apt-get)
deps:
	@if pkg-config --exists $(PKGS) 2>/dev/null; then :; else \
	  echo "installing build dependencies: $(DEB_PKGS)"; \
	  if [ "$$(id -u)" != 0 ]; then echo "make deps: run as root (apt-get)" >&2; exit 4; fi; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(DEB_PKGS) >/dev/null; \
	fi

## test-deps: install the peer tools the tests drive (listed in tests/deps/*.apt)
test-deps: deps
	@need=$$(cat tests/deps/*.apt 2>/dev/null | sed 's/#.*//' | tr -s ' \n' '\n' | sort -u | \
	  while read -r p; do [ -n "$$p" ] && ! dpkg-query -W -f='$${Status}' "$$p" 2>/dev/null | grep -q 'ok installed' && echo "$$p"; done; true); \
	if [ -n "$$need" ]; then echo "installing test tools:" $$need; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$need >/dev/null || exit 4; fi
	@for s in tests/deps/*.sh; do [ -f "$$s" ] || continue; sh "$$s" || exit 4; done

unit: $(UNIT_BIN) $(REPLAY_BIN)

## test: build, then run unit tests, end-to-end tests and fuzz-corpus replay
test: test-deps $(BIN) $(UNIT_BIN) $(REPLAY_BIN)
	@O=$(O) sh tests/run.sh

## check: the whole test suite built with ASan+UBSan (leak checks on)
check:
	@$(MAKE) --no-print-directory O=build/asan SANITIZE=1 test

## fuzz: build libFuzzer targets with clang and run each for FUZZTIME seconds (default 60)
FUZZTIME ?= 60
fuzz: deps
	@command -v clang >/dev/null && test -n "$$(find /usr/lib/llvm-*/lib/clang -name 'libclang_rt.fuzzer*' 2>/dev/null | head -n 1)" || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clang libclang-rt-14-dev >/dev/null; } || exit 4
	@FUZZTIME=$(FUZZTIME) sh tests/fuzz/run-fuzz.sh

## bench: generate corpora and print throughput ratios against the peer tools
bench: test-deps $(BIN)
	@O=$(O) bash tests/bench/bench.sh

## demo: run the main workflow on the embedded example
demo: $(BIN)
	@O=$(O) sh testdata/demo.sh

## install: install the binary (PREFIX=/usr/local, DESTDIR supported)
install: $(BIN)
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/bin/reprove

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/reprove

## lint: fail on banned functions in the sources
lint:
	@! grep -nE '\b(strcpy|strcat|sprintf|vsprintf|gets|strtok|atoi|atol|sscanf)\s*\(' \
	   $(LIB_SRC) $(CLI_SRC) $(wildcard verify/*.h attest/*.h cli/*.h verify/base/*.h) || \
	   { echo "lint: banned function used" >&2; exit 1; }

clean:
	rm -rf build

## help: list the targets
help:
	@grep -E '^## ' Makefile | sed 's/^## /  /'

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d)
