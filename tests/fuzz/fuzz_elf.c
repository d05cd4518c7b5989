/*
 * fuzz_elf: libFuzzer target for the ELF checks and loader (src/elf.c,
 * src/guest.c). Each input is a candidate program: it must load and
 * validate, or fail with ZeroVM's exit code 8 (malformed, failed
 * validation) or 5 (read error), never crash or write outside guest memory
 * (built with ASan and UBSan).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "elf.h"
#include "guest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct guest g;
static struct guest fresh;
static int fd = -1;
static char path[64];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct zvm_error err = {0};
	if (fd < 0) {
		/* One guest memory for every run: creating 64 MiB each time
		 * would make the fuzzer slow; the layout state is reset. */
		if (guest_create(&g, 64u << 20, &err) < 0)
			abort();
		fresh = g;
		fd = memfd_create("fuzz-elf", MFD_CLOEXEC);
		snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	}
	memcpy(g.region, fresh.region, sizeof g.region);
	g.nregion = fresh.nregion;
	g.prog_end = g.entry = g.phdr = g.phnum = 0;
	if (ftruncate(fd, 0) < 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
		abort();

	enum validation_state st;
	int r = elf_load(&g, path, true, true, false, &st, &err);
	if (r == 0) {
		if (st != VALIDATION_PASSED || g.entry < GUEST_LOW_END || g.entry >= g.size || g.prog_end > g.size)
			abort();
	} else if (err.code != ZVM_EXIT_NOEXEC && err.code != ZVM_EXIT_IO) {
		abort();
	}
	return 0;
}
