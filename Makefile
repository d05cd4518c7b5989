# zerovm - build, test, demo, bench.
#
#   make          build build/zerovm (static, boot and the runtime ZRT embedded),
#                 build/zvsh (the front end), build/zvns (the name server)
#                 and build/zvjob (the job runner)
#   make demo     build and run the examples on the bundled texts: a raw
#                 ZeroVM program, a pipeline of busybox applets under zvsh,
#                 and a MapReduce word count under zvjob
#   make check    the tree's house rules, unit tests, functional tests (files
#                 and network channels), the runtime with busybox, Lua, glibc
#                 and musl programs and its conformance with Linux, zvjob's
#                 jobs, attacks, the syscall sweep, short fuzz runs, the
#                 functional tests again under an ASan+UBSan supervisor, and a
#                 clang build
#   make fuzz     long fuzz runs (FUZZ_TIME seconds per target)
#   make bench    benchmarks (not tests), results in docs/performance.md
#   make format   clang-format every C file (.clang-format)
#   make CC=clang the same with clang (the release supervisor is musl-gcc's)
#
# `make deps` installs missing Debian packages (as root); every target calls
# it first (a bare `make` only for the build's own packages). HACKING.md
# says which code goes where.

SHELL    := /bin/bash
# make's built-in CC ("cc") would win over a `CC ?=`: take gcc unless the
# command line or the environment chose a compiler (`make CC=clang`).
ifeq ($(origin CC),default)
CC       := gcc
endif
CC_IS_CLANG := $(if $(findstring clang,$(shell $(CC) --version 2>/dev/null | head -n 1)),yes)
BUILD    ?= build
# Warnings are a contract: clean under gcc and clang.
WARN     := -Wall -Wextra -Wshadow -Wformat=2 -Wstrict-prototypes -Wmissing-prototypes \
            -Wconversion -Wsign-conversion -Wno-missing-field-initializers \
            -Werror=implicit-function-declaration -Werror=format-security -Werror=return-type \
            -Werror=incompatible-pointer-types -Werror=int-conversion
CSTD     := -std=c17 -D_GNU_SOURCE
CFLAGS   ?= -O2 -g
LIBDIR   := /usr/lib/x86_64-linux-gnu

# The release supervisor is linked statically against musl. glibc's own
# start-up runs ~70 CPUID instructions (cache geometry), and a CPUID costs
# ~12 us in our virtual machines: 0.9 ms before main(), our whole cold-start
# budget. musl's start-up runs none (docs/performance.md, "Decisions made for speed").
# Debian's static libcrypto (its self-contained SHA-1 core) links cleanly
# against musl given the kernel and OpenSSL headers below.
SUP_CC   ?= musl-gcc
MUSL_INC := $(BUILD)/musl-include
GEN      := $(BUILD)/gen
# Folders are trust domains; what two of them share is reached through
# include paths, never ../ chains: abi/ (the contracts between the
# supervisor, boot and the runtime), untrusted/ (the parsers of untrusted
# input that the runtime and zvsh both run), include/ (the guest API).
ABI_INC  := -iquote abi
SUP_INC  := $(ABI_INC) -iquote include
SUP_CFLAGS := $(CSTD) $(WARN) $(CFLAGS) -fstack-protector-strong -I$(MUSL_INC) -I$(GEN) $(SUP_INC)
SUP_LIBS := $(LIBDIR)/libcrypto.a
# glibc builds (sanitizers, clang) use the ordinary shared libraries.
GLIBC_LIBS := -lcrypto

# Boot runs inside the sandbox: freestanding, no libc, position independent
# with no relocations, so it can be exec'd from a memfd as is.
BOOT_CFLAGS := $(CSTD) $(WARN) -Os -g0 -ffreestanding -fno-stack-protector -fPIE -fno-builtin \
               -fno-asynchronous-unwind-tables -fno-unwind-tables -fcf-protection=none $(ABI_INC)
BOOT_LDFLAGS := -nostdlib -static-pie -Wl,-z,noexecstack -Wl,--build-id=none -Wl,-z,norelro

# ZRT, the runtime inside the sandbox: freestanding like boot, linked at a
# fixed guest address by zrt/zrt.ld (no relocations to apply) and embedded
# in zerovm.
# gcc would turn the runtime's own copy loops into calls to memcpy and
# memset (which are themselves such loops) without -fno-tree-loop-
# distribute-patterns; clang has no such flag and does not need it.
ZRT_CFLAGS := $(CSTD) $(WARN) -O2 -g0 -ffreestanding -fno-stack-protector -fno-pie -fno-builtin \
              $(if $(CC_IS_CLANG),,-fno-tree-loop-distribute-patterns) -fno-asynchronous-unwind-tables \
              -fno-unwind-tables -fcf-protection=none -mno-red-zone \
              $(ABI_INC) -iquote untrusted -iquote include
# The sources are in zrt/ and its area folders (zrt/zrt.h: the layers).
# It also links the parsers of untrusted/ and the guests' lib/zvm_mem.c.
ZRT_SRC  := $(wildcard zrt/*.c zrt/*/*.c)
ZRT_SHARED := untrusted/tar.c untrusted/tarindex.c untrusted/nvram.c untrusted/elfdyn.c lib/zvm_mem.c
ZRT_OBJ  := $(ZRT_SRC:zrt/%.c=$(BUILD)/zrt/%.o) $(ZRT_SHARED:%.c=$(BUILD)/zrt/shared/%.o) $(BUILD)/zrt/start.o
ZRT_HDR  := $(wildcard zrt/*.h zrt/*/*.h abi/*.h untrusted/*.h) include/zvm.h include/zvm_mem.h

SUP_SRC  := $(wildcard src/*.c)
SUP_OBJ  := $(SUP_SRC:src/%.c=$(BUILD)/obj/%.o)

# Raw guests (tests and examples): static, no libc, the zvm.h API only.
# -Werror: they double as a test that ZeroVM-era code compiles clean against
# zvm.h (tests/guests/cstart.c passes string literals to zvm_pwrite).
GUEST_CFLAGS := $(CSTD) -Wall -Wextra -Werror -O2 -ffreestanding -fno-stack-protector -fno-builtin \
                -fno-pie -no-pie -static -nostdlib -Iinclude -fcf-protection=none
GUEST_SRC := $(wildcard tests/guests/*.c)
GUESTS   := $(GUEST_SRC:tests/guests/%.c=$(BUILD)/guests/%) $(BUILD)/guests/hello-pie

.PHONY: all deps demo demo-swift swift bench-swift images check tree format unit func net zrt jobs security fuzz \
	fuzz-short func-asan clang-build bench clean man install uninstall install-test doc
# A bare `make` on a fresh machine: the build's Debian packages first
# (installed as root, else the exact apt-get line and a stop).
all:
	@scripts/deps.sh build
	@$(MAKE) --no-print-directory $(BUILD)/zerovm $(BUILD)/zvsh $(BUILD)/zvns $(BUILD)/zvjob

deps:
	@scripts/deps.sh

$(BUILD)/boot/boot: boot/boot.c boot/start.S abi/boot_abi.h abi/trap_abi.h
	@mkdir -p $(@D)
	$(CC) $(BOOT_CFLAGS) $(BOOT_LDFLAGS) -o $@ boot/start.S boot/boot.c
	@if readelf -r $@ | grep -q 'R_X86_64'; then echo "boot has relocations" >&2; rm -f $@; exit 1; fi

$(BUILD)/zrt/%.o: zrt/%.c $(ZRT_HDR)
	@mkdir -p $(@D)
	$(CC) $(ZRT_CFLAGS) -c -o $@ $<

$(BUILD)/zrt/shared/%.o: %.c $(ZRT_HDR)
	@mkdir -p $(@D)
	$(CC) $(ZRT_CFLAGS) -c -o $@ $<

$(BUILD)/zrt/start.o: zrt/start.S zrt/start.h abi/trap_abi.h
	@mkdir -p $(@D)
	$(CC) $(ABI_INC) -c -o $@ $<

# The linker script takes ZRT_BASE from abi/zrt_abi.h through the preprocessor.
$(BUILD)/zrt/zrt.ld: zrt/zrt.ld.S abi/zrt_abi.h
	@mkdir -p $(@D)
	$(CC) -E -P -x c -D__ASSEMBLER__ $(ABI_INC) -o $@ $<

$(BUILD)/zrt/zrt: $(ZRT_OBJ) $(BUILD)/zrt/zrt.ld
	$(CC) -nostdlib -static $(if $(CC_IS_CLANG),,-no-pie) -Wl,-T,$(BUILD)/zrt/zrt.ld -Wl,--build-id=none -Wl,-z,noexecstack -o $@ $(ZRT_OBJ) -lgcc
	@if readelf -r $@ | grep -q 'R_X86_64'; then echo "zrt has relocations" >&2; rm -f $@; exit 1; fi

# Kernel and OpenSSL headers for musl-gcc, which does not look
# in the glibc include directories.
$(MUSL_INC)/.stamp:
	@mkdir -p $(MUSL_INC)/openssl
	ln -sfn /usr/include/linux $(MUSL_INC)/linux
	ln -sfn /usr/include/asm-generic $(MUSL_INC)/asm-generic
	ln -sfn /usr/include/x86_64-linux-gnu/asm $(MUSL_INC)/asm
	ln -sf /usr/include/openssl/* /usr/include/x86_64-linux-gnu/openssl/* $(MUSL_INC)/openssl/
	@touch $@

# The seccomp filter is generated at build time with libseccomp.
$(BUILD)/policy-gen: src/policy/gen.c src/policy/allowlist.c src/policy/allowlist.h src/guest.h abi/boot_abi.h abi/trap_abi.h
	@mkdir -p $(@D)
	$(CC) $(CSTD) $(WARN) $(SUP_INC) -O2 -o $@ src/policy/gen.c src/policy/allowlist.c -lseccomp

$(GEN)/policy_bpf.h: $(BUILD)/policy-gen
	@mkdir -p $(@D)
	$(BUILD)/policy-gen header > $@.tmp && mv $@.tmp $@

$(BUILD)/obj/%.o: src/%.c $(wildcard src/*.h abi/*.h) include/zvm.h $(MUSL_INC)/.stamp $(GEN)/policy_bpf.h
	@mkdir -p $(@D)
	$(SUP_CC) $(SUP_CFLAGS) -c -o $@ $<

# What a snapshot records of the build that made it (src/snapfmt.h): a
# digest of the supervisor's, boot's and the runtime's sources and images,
# and one of the runtime's image alone.
SNAP_BUILD_INPUTS := $(SUP_SRC) $(wildcard src/*.h abi/*.h) abi/trampoline.S include/zvm.h $(BUILD)/boot/boot $(BUILD)/zrt/zrt
$(GEN)/snap_build.h: $(SNAP_BUILD_INPUTS)
	@mkdir -p $(@D)
	{ echo "#define SNAP_BUILD_ID \"$$(cat $(SNAP_BUILD_INPUTS) | sha1sum | cut -c1-40)\""; \
	  echo "#define SNAP_ZRT_ID \"$$(sha1sum < $(BUILD)/zrt/zrt | cut -c1-40)\""; } > $@.tmp && mv $@.tmp $@
# The snapshot data's checksum: Debian's xxhash.h (libxxhash-dev), inlined.
$(MUSL_INC)/xxhash.h:
	@mkdir -p $(@D)
	ln -sf /usr/include/xxhash.h $@
$(BUILD)/obj/snapfmt.o: $(GEN)/snap_build.h $(MUSL_INC)/xxhash.h

$(BUILD)/obj/boot_blob.o: src/boot_blob.S $(BUILD)/boot/boot
	@mkdir -p $(@D)
	$(CC) -c -DBOOT_BIN='"$(BUILD)/boot/boot"' -o $@ src/boot_blob.S

$(BUILD)/obj/zrt_blob.o: src/zrt_blob.S $(BUILD)/zrt/zrt
	@mkdir -p $(@D)
	$(CC) -c -DZRT_BIN='"$(BUILD)/zrt/zrt"' -o $@ src/zrt_blob.S

$(BUILD)/obj/trampoline.o: abi/trampoline.S abi/trap_abi.h
	@mkdir -p $(@D)
	$(CC) $(ABI_INC) -c -o $@ $<

$(BUILD)/zerovm: $(SUP_OBJ) $(BUILD)/obj/boot_blob.o $(BUILD)/obj/zrt_blob.o $(BUILD)/obj/trampoline.o
	$(SUP_CC) $(CFLAGS) -static -o $@ $^ $(SUP_LIBS)

$(BUILD)/guests/%: tests/guests/%.c include/zvm.h include/zvm_start.h include/zvm_mem.h lib/zvm_mem.c
	@mkdir -p $(@D)
	$(CC) $(GUEST_CFLAGS) -o $@ $< lib/zvm_mem.c

# The same hello as a static-PIE (ET_DYN, loaded at 0x400000).
$(BUILD)/guests/hello-pie: tests/guests/hello.c include/zvm.h include/zvm_start.h include/zvm_mem.h lib/zvm_mem.c
	@mkdir -p $(@D)
	$(CC) $(filter-out -fno-pie -no-pie -static,$(GUEST_CFLAGS)) -fPIE -static-pie -o $@ $< lib/zvm_mem.c

# ---- the host tools: zvsh, the front end; zvjob, the job runner --------------
# Host programs (zvsh musl, see below; zvjob glibc): tools/zvsh.c and tools/zvjob.c, the command lines,
# over their modules in tools/zvsh/ and tools/zvjob/ and what they share in
# tools/common/ (the layers: tools/common/tool.h). They read images with the
# runtime's own tar reader and write nvram values with its escaper.
TOOL_INC := -iquote tools/common -iquote untrusted
COMMON_SRC := $(wildcard tools/common/*.c) untrusted/tar.c untrusted/tarindex.c untrusted/nvram.c untrusted/elfdyn.c
COMMON_HDR := $(wildcard tools/common/*.h) untrusted/tar.h untrusted/tarindex.h untrusted/nvram.h untrusted/elfdyn.h \
	      untrusted/libc.h
ZVSH_SRC := tools/zvsh.c $(wildcard tools/zvsh/*.c)
ZVSH_HDR := $(wildcard tools/zvsh/*.h)
# zvsh starts every session, so its own start-up is part of every zvsh
# command's time: like the supervisor it is linked statically against musl
# (a dynamically linked glibc zvsh took ~1.2 ms more, most of it glibc's
# CPUID instructions and loading libcrypto.so), with libcrypto's SHA-256
# core for its cache keys (tools/zvsh/deps.c). The clang build below stays
# a glibc one, so both libcs are compiled.
$(BUILD)/zvsh: $(ZVSH_SRC) $(ZVSH_HDR) $(COMMON_SRC) $(COMMON_HDR) $(MUSL_INC)/.stamp
	@mkdir -p $(@D)
	$(SUP_CC) $(CSTD) $(WARN) $(CFLAGS) -I$(MUSL_INC) $(TOOL_INC) -static -o $@ $(ZVSH_SRC) $(COMMON_SRC) $(SUP_LIBS)
# zvjob reads jobs with jansson (Debian's libjansson-dev), linked as Debian
# ships it (shared).
ZVJOB_SRC := tools/zvjob.c $(wildcard tools/zvjob/*.c)
ZVJOB_HDR := $(wildcard tools/zvjob/*.h)
$(BUILD)/zvjob: $(ZVJOB_SRC) $(ZVJOB_HDR) $(COMMON_SRC) $(COMMON_HDR)
	@mkdir -p $(@D)
	$(CC) $(CSTD) $(WARN) $(CFLAGS) $(TOOL_INC) -o $@ $(ZVJOB_SRC) $(COMMON_SRC) -ljansson

# ---- zvns, the name server ---------------------------------------------------
# A host program (glibc): tools/zvns.c, the command line and the loop, over
# tools/zvns/registry.c, the rules (pure; tests/unit/test_zvns.c). The
# protocol's constants are abi/net_abi.h, shared with the supervisor.
ZVNS_SRC := tools/zvns.c tools/zvns/registry.c
ZVNS_HDR := tools/zvns/registry.h abi/net_abi.h
$(BUILD)/zvns: $(ZVNS_SRC) $(ZVNS_HDR)
	@mkdir -p $(@D)
	$(CC) $(CSTD) $(WARN) $(CFLAGS) $(ABI_INC) -o $@ $(ZVNS_SRC)

# Unmodified programs for the runtime's tests: a glibc program and a Lua 5.4
# interpreter, both gcc -static (busybox comes from Debian's busybox-static).
LUA_INC := /usr/include/lua5.4
$(BUILD)/zrt/libc: tests/zrt/libc.c
	@mkdir -p $(@D)
	$(CC) $(CSTD) -Wall -Wextra -O2 -static -o $@ $<
$(BUILD)/zrt/lua: tests/zrt/lua.c
	@mkdir -p $(@D)
	$(CC) $(CSTD) -Wall -Wextra -O2 -static -I$(LUA_INC) -o $@ $< $(LIBDIR)/liblua5.4.a -lm 2>&1 | \
		{ grep -v "dlopen\|loadlib\|lookforfunc" || true; }
# The same program against musl: the other C library's start-up and calls.
$(BUILD)/zrt/libc-musl: tests/zrt/libc.c
	@mkdir -p $(@D)
	musl-gcc $(CSTD) -Wall -Wextra -O2 -static -o $@ $<
# The conformance probe (tests/zrt/conformance): groups of system calls
# whose results it prints as text, run natively and under zvsh.
CONF_SRC := $(wildcard tests/zrt/conformance/*.c)
$(BUILD)/zrt/conformance-probe: $(CONF_SRC) $(wildcard tests/zrt/conformance/*.h)
	@mkdir -p $(@D)
	@set -o pipefail; $(CC) $(CSTD) -Wall -Wextra -O2 -static -o $@ $(CONF_SRC) 2>&1 | \
		{ grep -v "dlopen\|statically linked" || true; }
# The guest of the --bind tests (tests/func/zvsh-bind.sh): changes a
# directory, then crashes, spins, exits, or forges its write-back archive.
$(BUILD)/zrt/bindguest: tests/func/bindguest.c
	@mkdir -p $(@D)
	musl-gcc $(CSTD) -Wall -Wextra -O2 -static -o $@ $<
# Programs with threads (tests/zrt/threads.sh): pthreads with glibc and
# musl, C++ std::thread, OpenMP.
$(BUILD)/zrt/threads-glibc: tests/zrt/threads/threads.c
	@mkdir -p $(@D)
	$(CC) $(CSTD) -Wall -Wextra -O2 -static -pthread -o $@ $< -lm
$(BUILD)/zrt/threads-musl: tests/zrt/threads/threads.c
	@mkdir -p $(@D)
	musl-gcc $(CSTD) -Wall -Wextra -O2 -static -o $@ $<
$(BUILD)/zrt/threads-cxx: tests/zrt/threads/cxx.cc
	@mkdir -p $(@D)
	g++ -std=c++17 -Wall -Wextra -O2 -static -pthread -o $@ $<
$(BUILD)/zrt/threads-omp: tests/zrt/threads/omp.c
	@mkdir -p $(@D)
	@set -o pipefail; $(CC) $(CSTD) -Wall -Wextra -O2 -static -fopenmp -o $@ $< 2>&1 | \
		{ grep -v "dlopen\|statically linked\|gomp_target_init" || true; }
# The fork file's probe (tests/zrt/fork.sh): static glibc, with threads.
$(BUILD)/zrt/forkprobe: tests/zrt/fork/forkprobe.c
	@mkdir -p $(@D)
	$(CC) $(CSTD) -Wall -Wextra -O2 -static -pthread -o $@ $< -lm
# A static Go program (Debian's golang-go, CGO_ENABLED=0): goroutines,
# channels, a WaitGroup, a map under a Mutex, timers. Offline: the module
# has no dependencies, GOPROXY=off, the cache and GOPATH under the build.
GO_ENV := CGO_ENABLED=0 GOPROXY=off GOFLAGS=-mod=mod GOTOOLCHAIN=local GOTELEMETRY=off GOENV=off \
	  GOCACHE=$(abspath $(BUILD))/go/cache GOPATH=$(abspath $(BUILD))/go/path
$(BUILD)/zrt/threads-go: tests/zrt/threads/go/main.go tests/zrt/threads/go/go.mod
	@mkdir -p $(@D)
	cd tests/zrt/threads/go && $(GO_ENV) go build -trimpath -o $(abspath $@) .
THREAD_PROGS := $(BUILD)/zrt/threads-glibc $(BUILD)/zrt/threads-musl $(BUILD)/zrt/threads-cxx $(BUILD)/zrt/threads-omp \
		$(BUILD)/zrt/threads-go
ZRT_PROGS := $(BUILD)/zvsh $(BUILD)/zrt/libc $(BUILD)/zrt/libc-musl $(BUILD)/zrt/lua $(BUILD)/zrt/conformance-probe \
	     $(BUILD)/zrt/bindguest $(THREAD_PROGS) $(BUILD)/zrt/forkprobe

# ---- demo ------------------------------------------------------------------
$(BUILD)/examples/wordfreq: examples/wordfreq.c include/zvm.h include/zvm_start.h include/zvm_mem.h lib/zvm_mem.c
	@mkdir -p $(@D)
	$(CC) $(GUEST_CFLAGS) -o $@ $< lib/zvm_mem.c

# The programs of the job examples (examples/jobs/, docs/jobs.md): ordinary
# static C programs (musl), run under zerovm by zvjob and natively by the
# benchmark, unchanged.
JOB_EXAMPLES := wc-map wc-reduce words part-split part-sort
JOB_PROGS := $(JOB_EXAMPLES:%=$(BUILD)/examples/jobs/%)
$(BUILD)/examples/jobs/%: examples/jobs/%.c $(wildcard examples/jobs/*.h)
	@mkdir -p $(@D)
	musl-gcc $(CSTD) $(WARN) -O2 -static -o $@ $<

# sha256 (examples/jobs/sha256.c) links Debian's static libcrypto for its
# SHA-256 (assembly), as the supervisor does for SHA-1: the data-local
# digest of bench/swift.sh.
$(BUILD)/examples/jobs/sha256: examples/jobs/sha256.c $(MUSL_INC)/.stamp
	@mkdir -p $(@D)
	musl-gcc $(CSTD) $(WARN) -O2 -static -I$(MUSL_INC) -o $@ $< $(SUP_LIBS)

# ---- images: Debian's python3.11 as a tar image (docs/python.md) ------------
# scripts/tarindex.c puts an index in front of the archive, so the runtime
# mounts it from the index instead of walking every header (docs/images.md).
images: $(BUILD)/images/python3.tar
$(BUILD)/tarindex: scripts/tarindex.c untrusted/tar.c untrusted/tar.h untrusted/tarindex.c untrusted/tarindex.h \
		untrusted/libc.h
	@mkdir -p $(@D)
	$(CC) $(CSTD) $(WARN) $(CFLAGS) -iquote untrusted -o $@ scripts/tarindex.c untrusted/tar.c untrusted/tarindex.c
$(BUILD)/images/python3.tar: scripts/python-image.sh scripts/python-zygote.py $(BUILD)/tarindex
	@sh scripts/deps.sh
	TARINDEX=$(BUILD)/tarindex sh scripts/python-image.sh $@

demo: deps
	@$(MAKE) --no-print-directory all $(BUILD)/examples/wordfreq $(BUILD)/zvsh $(JOB_PROGS) \
		$(BUILD)/zrt/lua $(BUILD)/guests/hello $(BUILD)/images/python3.tar
	@examples/demo.sh $(BUILD)

# ---- tests -----------------------------------------------------------------
UNIT_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/unit/%,$(wildcard tests/unit/test_*.c))
$(BUILD)/unit/test_%: tests/unit/test_%.c $(SUP_SRC) $(wildcard src/*.h)
	@mkdir -p $(@D)
	$(CC) $(CSTD) $(WARN) -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -iquote src $(SUP_INC) -o $@ $< \
		$(filter-out src/main.c src/loop.c src/tick.c src/trap.c src/sandbox.c src/report.c src/policy.c src/guest.c src/elf.c src/runtime.c src/run.c src/server.c src/worker.c src/client.c src/snapshot.c src/snapload.c src/snapfmt.c src/daemon.c,$(SUP_SRC)) \
		-lcmocka $(GLIBC_LIBS)

# The loader's read errors: elf.c and guest.c with a raw guest to load.
# channel.c brings the network channel kind with it (CHANNEL_SRC).
CHANNEL_SRC := src/channel.c src/netchan.c src/net.c src/ns.c src/out.c src/etag.c src/manifest.c src/error.c
$(BUILD)/unit/test_elf: tests/unit/test_elf.c src/elf.c src/guest.c $(CHANNEL_SRC) src/fsize.c abi/trampoline.S \
		$(wildcard src/*.h abi/*.h) $(BUILD)/guests/hello
	@mkdir -p $(@D)
	$(CC) $(CSTD) $(WARN) -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -iquote src $(SUP_INC) \
		-DHELLO='"$(BUILD)/guests/hello"' -o $@ $< src/elf.c src/guest.c $(CHANNEL_SRC) src/fsize.c \
		abi/trampoline.S -lcmocka $(GLIBC_LIBS)

# The name server's rules (tools/zvns/registry.c), without its sockets.
$(BUILD)/unit/test_zvns: tests/unit/test_zvns.c $(ZVNS_SRC) $(ZVNS_HDR)
	@mkdir -p $(@D)
	$(CC) $(CSTD) $(WARN) -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -iquote tools/zvns $(ABI_INC) \
		-o $@ $< tools/zvns/registry.c -lcmocka

# A peer that speaks the network channels' wire formats (tests/func/net.sh).
$(BUILD)/netpeer: tests/func/netpeer.c abi/net_abi.h
	@mkdir -p $(@D)
	$(CC) $(CSTD) $(WARN) -O1 -g $(ABI_INC) -o $@ $< $(GLIBC_LIBS)

# The runtime's parsers are tested on the host, built from the same sources.
ZRT_UNIT_FLAGS := $(CSTD) $(WARN) -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -iquote zrt \
		  -iquote untrusted $(ABI_INC) -iquote include
NVRAM_TESTS := $(BUILD)/unit/test_nvram $(BUILD)/unit/test_nvram_errors
$(NVRAM_TESTS): $(BUILD)/unit/%: tests/unit/%.c tests/unit/nvram_check.h untrusted/nvram.c untrusted/nvram.h \
		untrusted/libc.h
	@mkdir -p $(@D)
	$(CC) $(ZRT_UNIT_FLAGS) -o $@ $< untrusted/nvram.c -lcmocka
TAR_TESTS := $(BUILD)/unit/test_tar $(BUILD)/unit/test_tar_hostile $(BUILD)/unit/test_tar_write
$(TAR_TESTS): $(BUILD)/unit/%: tests/unit/%.c tests/unit/tar_build.h untrusted/tar.c untrusted/tar.h untrusted/libc.h
	@mkdir -p $(@D)
	$(CC) $(ZRT_UNIT_FLAGS) -o $@ $< untrusted/tar.c -lcmocka
$(BUILD)/unit/test_tarindex: tests/unit/test_tarindex.c tests/unit/tar_build.h untrusted/tar.c untrusted/tar.h \
		untrusted/tarindex.c untrusted/tarindex.h untrusted/libc.h
	@mkdir -p $(@D)
	$(CC) $(ZRT_UNIT_FLAGS) -o $@ $< untrusted/tar.c untrusted/tarindex.c -lcmocka
$(BUILD)/unit/test_elfdyn: tests/unit/test_elfdyn.c untrusted/elfdyn.c untrusted/elfdyn.h untrusted/libc.h
	@mkdir -p $(@D)
	$(CC) $(ZRT_UNIT_FLAGS) -o $@ $< untrusted/elfdyn.c -lcmocka
# The heap, with its invariants checked at every entry (-DZRT_MEM_DEBUG).
$(BUILD)/unit/test_mem: tests/unit/test_mem.c zrt/mem.c zrt/mem.h zrt/zrt.h untrusted/libc.h
	@mkdir -p $(@D)
	$(CC) $(ZRT_UNIT_FLAGS) -DZRT_MEM_DEBUG -o $@ tests/unit/test_mem.c zrt/mem.c -lcmocka

# The house rules for the whole tree (tests/tree.sh): formatting, file
# length, includes that stay in their trust domain. `make format` formats.
tree:
	@tests/tree.sh .

format:
	@git ls-files '*.c' '*.h' | xargs clang-format -i --style=file

unit: $(UNIT_TESTS)
	@for t in $(UNIT_TESTS); do echo "== $$t"; $$t || exit 1; done

func: $(BUILD)/zerovm $(GUESTS) $(BUILD)/jobclient
	@tests/func/run.sh $(BUILD)/zerovm $(BUILD)/guests
	@tests/func/serve.sh $(BUILD)/zerovm $(BUILD)/guests
	@tests/func/snapshot.sh $(BUILD)/zerovm $(BUILD)/guests $(BUILD)/jobclient
	@tests/func/filemap.sh $(BUILD)/zerovm $(BUILD)/guests $(BUILD)/jobclient

# A client of daemon mode's Job socket, for tests/func/snapshot.sh.
$(BUILD)/jobclient: tests/func/jobclient.c
	@mkdir -p $(@D)
	$(CC) $(CSTD) $(WARN) -O2 -o $@ $<

# Network channels end to end: sessions joined on loopback, the name server,
# a test peer that breaks the protocol on purpose (tests/func/net.sh).
net: $(BUILD)/zerovm $(BUILD)/zvns $(BUILD)/netpeer $(GUESTS)
	@tests/func/net.sh $(BUILD)

# The runtime's structure (its layers, tests/zrt/layers.sh; docs/zrt.md's
# list of calls against its table, tests/zrt/syscalls-doc.sh); the runtime
# end to end: busybox applets against native runs, Lua, glibc, images,
# determinism, containment; the conformance suite (the same probe natively
# and under zvsh, outputs compared line by line); and zvsh's own structure
# (the host tools' layers, tests/func/tools-layers.sh) and behaviour.
zrt: $(BUILD)/zerovm $(ZRT_PROGS) $(GUESTS) $(BUILD)/images/python3.tar
	@tests/zrt/layers.sh zrt
	@tests/zrt/syscalls-doc.sh .
	@tests/zrt/run.sh $(BUILD)/zvsh $(BUILD)
	@tests/zrt/conformance/run.sh $(BUILD)/zvsh $(BUILD)
	@tests/zrt/threads.sh $(BUILD)/zvsh $(BUILD)
	@tests/zrt/fork.sh $(BUILD)/zvsh $(BUILD)
	@tests/func/tools-layers.sh tools
	@tests/func/zvsh.sh $(BUILD)/zvsh $(BUILD)/zerovm
	@tests/func/zvsh-bind.sh $(BUILD)/zvsh $(BUILD)
	@tests/func/dynamic.sh $(BUILD)/zvsh $(BUILD)/zerovm $(BUILD)/images/python3.tar
	@tests/func/python-snapshot.sh $(BUILD)/zvsh $(BUILD)/zerovm $(BUILD)/images/python3.tar

# zvjob with the real zerovm (tests/func/zvjob.sh): fan-out, fan-in, counts,
# failures, all-or-nothing outputs, determinism, bad jobs, --plan; zvjob
# --node, one node alone (tests/func/zvjob-node.sh); then both suites with
# an ASan+UBSan zvjob.
$(BUILD)/asan/zvjob: $(ZVJOB_SRC) $(ZVJOB_HDR) $(COMMON_SRC) $(COMMON_HDR)
	@mkdir -p $(@D)
	$(CC) $(CSTD) $(WARN) -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all $(TOOL_INC) -o $@ \
		$(ZVJOB_SRC) $(COMMON_SRC) -ljansson
jobs: $(BUILD)/zerovm $(BUILD)/zvjob $(BUILD)/zvns $(BUILD)/asan/zvjob $(JOB_PROGS)
	@tests/func/zvjob.sh $(BUILD)/zvjob $(BUILD)
	@ZEROVM=$(BUILD)/zerovm ZVNS=$(BUILD)/zvns ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 tests/func/zvjob.sh $(BUILD)/asan/zvjob $(BUILD)
	@tests/func/zvjob-node.sh $(BUILD)/zvjob $(BUILD)
	@ZEROVM=$(BUILD)/zerovm ZVNS=$(BUILD)/zvns ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 tests/func/zvjob-node.sh $(BUILD)/asan/zvjob $(BUILD)

# The attack suite (one guest per escape attempt, host checked after each),
# the syscall sweep and the policy table against the live kernel, the
# end-to-end quota property test against a model of the trap rules, and the
# sandbox seen from the host (its descriptors, ptrace, core dumps).
security: $(BUILD)/zerovm $(GUESTS)
	@tests/security/attacks.sh $(BUILD)/zerovm $(BUILD)/attacks
	@tests/security/sweep.sh $(BUILD)/zerovm $(BUILD)/guests
	@tests/security/quota_property.sh $(BUILD)/zerovm $(BUILD)/guests
	@tests/security/outside.sh $(BUILD)/zerovm $(BUILD)/guests
	@tests/security/snapshot.sh $(BUILD)/zerovm $(BUILD)/guests
	@tests/security/pool.sh $(BUILD)/zerovm $(BUILD)/guests

# libFuzzer targets (clang): the manifest parser, the ELF loader, and the
# parsers of untrusted/ (nvram, tar, the dynamic ELF reader). `make
# check` runs each for FUZZ_SHORT seconds so regressions show in CI;
# `make fuzz` runs each for FUZZ_TIME seconds. New inputs go to build/fuzz,
# crashes to build/fuzz/crash-*; the seed corpus is tests/fuzz/corpus.
FUZZ_SHORT ?= 20
FUZZ_TIME  ?= 600
FUZZ_CFLAGS := $(CSTD) $(WARN) -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -iquote src $(SUP_INC)
FUZZERS := $(BUILD)/fuzz/fuzz_manifest $(BUILD)/fuzz/fuzz_elf $(BUILD)/fuzz/fuzz_nvram $(BUILD)/fuzz/fuzz_tar \
	   $(BUILD)/fuzz/fuzz_elfdyn $(BUILD)/fuzz/fuzz_tarindex $(BUILD)/fuzz/fuzz_snapmeta
$(BUILD)/fuzz/fuzz_snapmeta: tests/fuzz/fuzz_snapmeta.c src/snapfmt.c src/snapfmt.h $(GEN)/snap_build.h
	@mkdir -p $(@D)
	clang $(FUZZ_CFLAGS) -I$(GEN) -o $@ tests/fuzz/fuzz_snapmeta.c src/snapfmt.c
$(BUILD)/fuzz/fuzz_tarindex: tests/fuzz/fuzz_tarindex.c untrusted/tarindex.c untrusted/tarindex.h untrusted/tar.c \
		untrusted/tar.h untrusted/libc.h
	@mkdir -p $(@D)
	clang $(FUZZ_CFLAGS) -iquote untrusted -o $@ tests/fuzz/fuzz_tarindex.c untrusted/tarindex.c untrusted/tar.c
$(BUILD)/fuzz/fuzz_elfdyn: tests/fuzz/fuzz_elfdyn.c untrusted/elfdyn.c untrusted/elfdyn.h untrusted/libc.h
	@mkdir -p $(@D)
	clang $(FUZZ_CFLAGS) -iquote untrusted -o $@ tests/fuzz/fuzz_elfdyn.c untrusted/elfdyn.c
$(BUILD)/fuzz/fuzz_nvram: tests/fuzz/fuzz_nvram.c untrusted/nvram.c untrusted/nvram.h untrusted/libc.h
	@mkdir -p $(@D)
	clang $(FUZZ_CFLAGS) -iquote untrusted -o $@ tests/fuzz/fuzz_nvram.c untrusted/nvram.c
$(BUILD)/fuzz/fuzz_tar: tests/fuzz/fuzz_tar.c untrusted/tar.c untrusted/tar.h untrusted/libc.h
	@mkdir -p $(@D)
	clang $(FUZZ_CFLAGS) -iquote untrusted -o $@ tests/fuzz/fuzz_tar.c untrusted/tar.c
$(BUILD)/fuzz/fuzz_manifest: tests/fuzz/fuzz_manifest.c src/manifest.c src/error.c src/manifest.h
	@mkdir -p $(@D)
	clang $(FUZZ_CFLAGS) -o $@ tests/fuzz/fuzz_manifest.c src/manifest.c src/error.c
$(BUILD)/fuzz/fuzz_elf: tests/fuzz/fuzz_elf.c src/elf.c src/guest.c $(CHANNEL_SRC) src/fsize.c abi/trampoline.S \
		$(wildcard src/*.h abi/*.h)
	@mkdir -p $(@D)
	clang $(FUZZ_CFLAGS) -o $@ tests/fuzz/fuzz_elf.c src/elf.c src/guest.c $(CHANNEL_SRC) src/fsize.c \
		abi/trampoline.S $(GLIBC_LIBS)

# run-fuzzer NAME SECONDS
define run-fuzzer
	@mkdir -p $(BUILD)/fuzz/corpus-$(1) && cp -n tests/fuzz/corpus/$(1)/* $(BUILD)/fuzz/corpus-$(1)/
	@echo "fuzz: $(1) for $(2) s"
	@cd $(BUILD)/fuzz && ./fuzz_$(1) -max_total_time=$(2) -print_final_stats=1 -rss_limit_mb=4096 \
		corpus-$(1) 2>fuzz_$(1).log || { tail -n 40 fuzz_$(1).log; exit 1; }
	@grep -E '^stat::number_of_executed_units|^stat::new_units_added' $(BUILD)/fuzz/fuzz_$(1).log | tr '\n' ' '; echo
endef

fuzz-short: $(FUZZERS)
	$(call run-fuzzer,manifest,$(FUZZ_SHORT))
	$(call run-fuzzer,elf,$(FUZZ_SHORT))
	$(call run-fuzzer,nvram,$(FUZZ_SHORT))
	$(call run-fuzzer,tar,$(FUZZ_SHORT))
	$(call run-fuzzer,elfdyn,$(FUZZ_SHORT))
	$(call run-fuzzer,tarindex,$(FUZZ_SHORT))
	$(call run-fuzzer,snapmeta,$(FUZZ_SHORT))

fuzz: $(FUZZERS)
	$(call run-fuzzer,manifest,$(FUZZ_TIME))
	$(call run-fuzzer,elf,$(FUZZ_TIME))
	$(call run-fuzzer,nvram,$(FUZZ_TIME))
	$(call run-fuzzer,tar,$(FUZZ_TIME))
	$(call run-fuzzer,elfdyn,$(FUZZ_TIME))
	$(call run-fuzzer,tarindex,$(FUZZ_TIME))
	$(call run-fuzzer,snapmeta,$(FUZZ_TIME))

# The same functional suite against a sanitizer build of the supervisor.
ASAN_BUILD := $(BUILD)/asan
BLOBS := src/boot_blob.S src/zrt_blob.S -DBOOT_BIN='"$(BUILD)/boot/boot"' -DZRT_BIN='"$(BUILD)/zrt/zrt"'
$(ASAN_BUILD)/zerovm: $(SUP_SRC) $(wildcard src/*.h abi/*.h) abi/trampoline.S src/boot_blob.S src/zrt_blob.S $(BUILD)/boot/boot \
		$(BUILD)/zrt/zrt $(GEN)/policy_bpf.h $(GEN)/snap_build.h
	@mkdir -p $(@D)
	$(CC) $(CSTD) $(WARN) -I$(GEN) -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer \
		$(SUP_INC) -o $@ $(SUP_SRC) $(BLOBS) abi/trampoline.S $(GLIBC_LIBS)

func-asan: $(ASAN_BUILD)/zerovm $(GUESTS) $(BUILD)/zvns $(BUILD)/netpeer $(BUILD)/jobclient
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		tests/func/run.sh $(ASAN_BUILD)/zerovm $(BUILD)/guests
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		tests/func/serve.sh $(ASAN_BUILD)/zerovm $(BUILD)/guests
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		tests/func/snapshot.sh $(ASAN_BUILD)/zerovm $(BUILD)/guests $(BUILD)/jobclient
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		tests/func/filemap.sh $(ASAN_BUILD)/zerovm $(BUILD)/guests $(BUILD)/jobclient
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		tests/func/net.sh $(BUILD) $(ASAN_BUILD)/zerovm

# Warnings must also be clean under clang (glibc, shared libraries).
CLANG_BUILD := $(BUILD)/clang
$(CLANG_BUILD)/zerovm: $(SUP_SRC) $(wildcard src/*.h abi/*.h) abi/trampoline.S src/boot_blob.S src/zrt_blob.S $(BUILD)/boot/boot \
		$(BUILD)/zrt/zrt $(GEN)/policy_bpf.h $(GEN)/snap_build.h
	@mkdir -p $(@D)
	clang $(CSTD) $(WARN) -I$(GEN) $(SUP_INC) -Werror -O2 -o $@ $(SUP_SRC) $(BLOBS) abi/trampoline.S $(GLIBC_LIBS)

$(CLANG_BUILD)/zvns: $(ZVNS_SRC) $(ZVNS_HDR)
	@mkdir -p $(@D)
	clang $(CSTD) $(WARN) -Werror -O2 $(ABI_INC) -o $@ $(ZVNS_SRC)

$(CLANG_BUILD)/zvsh: $(ZVSH_SRC) $(ZVSH_HDR) $(COMMON_SRC) $(COMMON_HDR)
	@mkdir -p $(@D)
	clang $(CSTD) $(WARN) -Werror -O2 $(TOOL_INC) -o $@ $(ZVSH_SRC) $(COMMON_SRC) -lcrypto
$(CLANG_BUILD)/zvjob: $(ZVJOB_SRC) $(ZVJOB_HDR) $(COMMON_SRC) $(COMMON_HDR)
	@mkdir -p $(@D)
	clang $(CSTD) $(WARN) -Werror -O2 $(TOOL_INC) -o $@ $(ZVJOB_SRC) $(COMMON_SRC) -ljansson
# The runtime's freestanding sources must be warning-clean under clang too,
# and so must the heap's debug build (-DZRT_MEM_DEBUG: invariants checked).
$(CLANG_BUILD)/zrt.stamp: $(ZRT_SRC) $(ZRT_SHARED) $(ZRT_HDR)
	@mkdir -p $(@D)
	for f in $(ZRT_SRC) $(ZRT_SHARED); do clang $(filter-out -fno-tree-loop-distribute-patterns,$(ZRT_CFLAGS)) -Werror \
		-c -o $(CLANG_BUILD)/zrt-$$(echo $${f#zrt/} | tr / -).o $$f || exit 1; done
	clang $(filter-out -fno-tree-loop-distribute-patterns,$(ZRT_CFLAGS)) -Werror -DZRT_MEM_DEBUG \
		-c -o $(CLANG_BUILD)/zrt-mem-debug.o zrt/mem.c
	@touch $@

clang-build: $(CLANG_BUILD)/zerovm $(CLANG_BUILD)/zvsh $(CLANG_BUILD)/zvns $(CLANG_BUILD)/zvjob $(CLANG_BUILD)/zrt.stamp
	@tests/func/run.sh $(CLANG_BUILD)/zerovm $(BUILD)/guests smoke

# Every suite, in order, each run even when one before it failed (a
# failure early on must not hide the suites after it); the output is kept
# in build/check.log and the last line adds up the suites' own "N passed,
# N failed" lines (cmocka's "[  PASSED  ] N test(s)" counted as passed).
# check fails when any suite did.
CHECK_SUITES := tree unit func net zrt jobs security fuzz-short func-asan clang-build install-test doc swift
check: deps
	@$(MAKE) --no-print-directory all
	@mkdir -p $(BUILD)
	@set -o pipefail; { failed=; for s in $(CHECK_SUITES); do \
		$(MAKE) --no-print-directory $$s || failed="$$failed $$s"; \
	done; [ -z "$$failed" ] || { echo "check: suites that failed:$$failed"; exit 1; }; } 2>&1 | \
		tee $(BUILD)/check.log; st=$$?; \
	awk '/^[0-9]+ passed, [0-9]+ failed(, [0-9]+ skipped)?$$/ { p += $$1; f += $$3 } \
		/^\[  PASSED  \] [0-9]+ test/ { p += $$4 } \
		END { print "check: " p " passed, " f " failed" }' $(BUILD)/check.log; exit $$st

# ZeroCloud end to end: two all-in-one Swift clusters on loopback with the
# filters of zerocloud/ (tests/swift/run.sh; Debian's Swift packages, about
# 30 s); make demo-swift shows a data-local job.
swift: $(BUILD)/zerovm $(BUILD)/zvjob $(BUILD)/zvns $(JOB_PROGS) $(BUILD)/examples/jobs/sha256 $(BUILD)/swift/crash
	@scripts/deps.sh
	@tests/swift/run.sh $(BUILD)

# A program that writes a line and crashes: a connect node whose stream is cut.
$(BUILD)/swift/crash: tests/swift/crash.c
	@mkdir -p $(@D)
	musl-gcc $(CSTD) $(WARN) -O2 -static -o $@ $<

demo-swift: deps
	@$(MAKE) --no-print-directory all $(JOB_PROGS)
	@examples/swift-demo.sh $(BUILD)

# ---- install ---------------------------------------------------------------
# make install [PREFIX=/usr/local] [DESTDIR=]: the programs, the headers and
# libzvm.a for raw programs (include/, lib/), man pages in roff built from
# docs/*.1.md with lowdown, the other docs as they are. make uninstall
# removes exactly what install put there. tests/func/install.sh installs
# into a temporary DESTDIR and uses what it installed.
PREFIX ?= /usr/local
I_BIN := $(DESTDIR)$(PREFIX)/bin
I_INC := $(DESTDIR)$(PREFIX)/include/zerovm
I_LIB := $(DESTDIR)$(PREFIX)/lib
I_MAN1 := $(DESTDIR)$(PREFIX)/share/man/man1
I_DOC := $(DESTDIR)$(PREFIX)/share/doc/zerovm
INSTALL_PROGS := zerovm zvsh zvjob zvns
MAN_SRC := $(wildcard docs/*.1.md)
MANS := $(MAN_SRC:docs/%.md=$(BUILD)/man/%)
I_HEADERS := $(wildcard include/*.h)
I_DOCS := README.md $(filter-out $(MAN_SRC),$(wildcard docs/*.md))

# A page's first heading ("# zvsh(1)") becomes its title line, the others
# move up a level (## NAME is the man page's .SH NAME).
$(BUILD)/man/%.1: docs/%.1.md
	@mkdir -p $(@D)
	sed -e '1{/^# /d}' -e 's/^##/#/' $< | lowdown -s -Tman -M title=$* -M section=1 \
		-M date="$$(git log -1 --format=%cs -- $< 2>/dev/null || echo unknown)" -o $@

$(BUILD)/lib/libzvm.a: lib/zvm_mem.c include/zvm_mem.h
	@mkdir -p $(BUILD)/lib
	$(CC) $(filter-out -static -no-pie,$(GUEST_CFLAGS)) -c -o $(BUILD)/lib/zvm_mem.o lib/zvm_mem.c
	ar rcs $@ $(BUILD)/lib/zvm_mem.o

man: $(MANS)

install: all
	@$(MAKE) --no-print-directory $(MANS) $(BUILD)/lib/libzvm.a
	install -d $(I_BIN) $(I_INC) $(I_LIB) $(I_MAN1) $(I_DOC)
	install -m 755 $(INSTALL_PROGS:%=$(BUILD)/%) $(I_BIN)
	install -m 644 $(I_HEADERS) $(I_INC)
	install -m 644 $(BUILD)/lib/libzvm.a $(I_LIB)
	install -m 644 $(MANS) $(I_MAN1)
	install -m 644 $(I_DOCS) $(I_DOC)

uninstall:
	rm -f $(INSTALL_PROGS:%=$(I_BIN)/%) $(I_HEADERS:include/%=$(I_INC)/%) $(I_LIB)/libzvm.a \
		$(MAN_SRC:docs/%.md=$(I_MAN1)/%) $(addprefix $(I_DOC)/,$(notdir $(I_DOCS)))
	-rmdir $(I_INC) $(I_DOC) 2>/dev/null

install-test: all
	@tests/func/install.sh

# Every command shown in README.md and the man pages runs as written, with
# the output shown (tests/doc/commands.sh).
doc: all $(BUILD)/zrt/lua $(BUILD)/guests/hello $(BUILD)/guests/forky $(JOB_PROGS)
	@tests/doc/commands.sh $(BUILD)

# ---- bench -----------------------------------------------------------------
bench:
	@scripts/deps.sh bench
	@$(MAKE) --no-print-directory all $(GUESTS) $(ZRT_PROGS) $(JOB_PROGS) $(BUILD)/netpeer $(BUILD)/examples/jobs/sha256 $(BUILD)/jobclient
	@bench/run.sh $(BUILD)
	@bench/swift.sh $(BUILD)

# ZeroCloud's targets alone (bench/swift.sh): a data-local sha256 against
# swift download + sha256sum, a tiny job's latency and rate.
bench-swift: deps
	@$(MAKE) --no-print-directory all $(BUILD)/examples/jobs/sha256
	@bench/swift.sh $(BUILD)

clean:
	rm -rf $(BUILD)
