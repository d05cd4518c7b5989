# zerovm - build, test, demo, bench.
#
#   make          build build/zerovm (static) with boot embedded
#   make demo     build and run the word-frequency example on a bundled text
#   make check    unit tests, functional tests, the functional tests again
#                 under an ASan+UBSan supervisor, and a clang build
#   make bench    benchmarks (not tests), results in docs/performance.md
#
# `make deps` installs missing Debian packages (as root); demo, check and
# bench call it first.

CC       ?= gcc
BUILD    ?= build
# Warnings are a contract: clean under gcc and clang.
WARN     := -Wall -Wextra -Wshadow -Wformat=2 -Wstrict-prototypes -Wmissing-prototypes \
            -Wno-missing-field-initializers \
            -Werror=implicit-function-declaration -Werror=format-security -Werror=return-type \
            -Werror=incompatible-pointer-types -Werror=int-conversion
CSTD     := -std=c17 -D_GNU_SOURCE
CFLAGS   ?= -O2 -g
SUP_CFLAGS := $(CSTD) $(WARN) $(CFLAGS) -fstack-protector-strong -D_FORTIFY_SOURCE=2
# Static: dynamic loading of libc, libseccomp and libcrypto would cost more
# than the whole rest of a cold start (docs/performance.md).
SUP_LDFLAGS ?= -static
SUP_LIBS := -lseccomp -lcrypto -lpthread

# Boot runs inside the sandbox: freestanding, no libc, position independent
# with no relocations, so it can be exec'd from a memfd as is.
BOOT_CFLAGS := $(CSTD) $(WARN) -Os -g0 -ffreestanding -fno-stack-protector -fPIE -fno-builtin \
               -fno-asynchronous-unwind-tables -fno-unwind-tables -fcf-protection=none
BOOT_LDFLAGS := -nostdlib -static-pie -Wl,-z,noexecstack -Wl,--build-id=none -Wl,-z,norelro

SUP_SRC  := $(wildcard src/*.c)
SUP_OBJ  := $(SUP_SRC:src/%.c=$(BUILD)/obj/%.o)

# Raw guests (tests and examples): static, no libc, the zvm.h API only.
GUEST_CFLAGS := $(CSTD) -Wall -Wextra -O2 -ffreestanding -fno-stack-protector -fno-builtin \
                -fno-pie -no-pie -static -nostdlib -Iinclude -fcf-protection=none
GUEST_SRC := $(wildcard tests/guests/*.c)
GUESTS   := $(GUEST_SRC:tests/guests/%.c=$(BUILD)/guests/%)

.PHONY: all deps demo check unit func func-asan clang-build bench clean
all: $(BUILD)/zerovm

deps:
	@scripts/deps.sh

$(BUILD)/boot/boot: boot/boot.c boot/start.S boot/boot_abi.h
	@mkdir -p $(@D)
	$(CC) $(BOOT_CFLAGS) $(BOOT_LDFLAGS) -o $@ boot/start.S boot/boot.c
	@if readelf -r $@ | grep -q 'R_X86_64'; then echo "boot has relocations" >&2; rm -f $@; exit 1; fi

$(BUILD)/obj/%.o: src/%.c $(wildcard src/*.h) boot/boot_abi.h include/zvm.h
	@mkdir -p $(@D)
	$(CC) $(SUP_CFLAGS) -c -o $@ $<

$(BUILD)/obj/boot_blob.o: src/boot_blob.S $(BUILD)/boot/boot
	@mkdir -p $(@D)
	$(CC) -c -DBOOT_BIN='"$(BUILD)/boot/boot"' -o $@ src/boot_blob.S

$(BUILD)/obj/trampoline.o: boot/trampoline.S
	@mkdir -p $(@D)
	$(CC) -c -o $@ $<

$(BUILD)/zerovm: $(SUP_OBJ) $(BUILD)/obj/boot_blob.o $(BUILD)/obj/trampoline.o
	$(CC) $(CFLAGS) $(SUP_LDFLAGS) -o $@ $^ $(SUP_LIBS) 2>&1 | { grep -v -e 'statically linked applications requires at runtime' -e 'in function' -e 'dso_dlfcn' || true; } >&2
	@test -x $@

$(BUILD)/guests/%: tests/guests/%.c include/zvm.h include/zvm_start.h
	@mkdir -p $(@D)
	$(CC) $(GUEST_CFLAGS) -o $@ $<

# ---- demo ------------------------------------------------------------------
$(BUILD)/examples/wordfreq: examples/wordfreq.c include/zvm.h include/zvm_start.h
	@mkdir -p $(@D)
	$(CC) $(GUEST_CFLAGS) -o $@ $<

demo: deps $(BUILD)/zerovm $(BUILD)/examples/wordfreq
	@examples/demo.sh $(BUILD)

# ---- tests -----------------------------------------------------------------
UNIT_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/unit/%,$(wildcard tests/unit/test_*.c))
$(BUILD)/unit/test_%: tests/unit/test_%.c $(SUP_SRC) $(wildcard src/*.h)
	@mkdir -p $(@D)
	$(CC) $(CSTD) $(WARN) -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -Isrc -o $@ $< \
		$(filter-out src/main.c src/trap.c src/sandbox.c src/report.c src/policy.c src/guest.c src/elf.c,$(SUP_SRC)) \
		-lcmocka -lcrypto

unit: $(UNIT_TESTS)
	@for t in $(UNIT_TESTS); do echo "== $$t"; $$t || exit 1; done

func: $(BUILD)/zerovm $(GUESTS)
	@tests/func/run.sh $(BUILD)/zerovm $(BUILD)/guests

# The same functional suite against a sanitizer build of the supervisor.
ASAN_BUILD := $(BUILD)/asan
$(ASAN_BUILD)/zerovm: $(SUP_SRC) $(wildcard src/*.h) boot/trampoline.S src/boot_blob.S $(BUILD)/boot/boot
	@mkdir -p $(@D)
	$(CC) $(CSTD) $(WARN) -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer \
		-DBOOT_BIN='"$(BUILD)/boot/boot"' -o $@ $(SUP_SRC) src/boot_blob.S boot/trampoline.S $(SUP_LIBS)

func-asan: $(ASAN_BUILD)/zerovm $(GUESTS)
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		tests/func/run.sh $(ASAN_BUILD)/zerovm $(BUILD)/guests

# Warnings must also be clean under clang.
clang-build:
	@$(MAKE) --no-print-directory BUILD=$(BUILD)/clang CC=clang SUP_LDFLAGS=-static all >/dev/null
	@echo "clang build: ok"

check: deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory unit
	@$(MAKE) --no-print-directory func
	@$(MAKE) --no-print-directory func-asan
	@$(MAKE) --no-print-directory clang-build

# ---- bench -----------------------------------------------------------------
bench: deps $(BUILD)/zerovm $(GUESTS)
	@bench/run.sh $(BUILD)

clean:
	rm -rf $(BUILD)
