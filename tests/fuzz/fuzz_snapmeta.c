/*
 * fuzz_snapmeta: libFuzzer target for a snapshot's metadata (src/snapfmt.c):
 * the part of a snapshot file the supervisor decodes and checks before
 * anything runs. Any input must decode or fail, never crash, leak or
 * overrun (ASan, UBSan). What decodes and passes the layout checks is
 * checked again for what boot and the supervisor rely on, and must encode
 * back to the same bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "snapfmt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct snap_meta m;
	const char *what = NULL;
	if (snap_decode(data, size, &m, &what) < 0) {
		if (!what)
			abort();
		snap_meta_free(&m);
		return 0;
	}
	uint64_t total = 0;
	for (uint64_t i = 0; i < m.next; i++)
		total += m.ext[i].len;
	if (!snap_layout_bad(&m, total)) {
		bool entry = false, stack = false;
		for (uint32_t i = 0; i < m.nregion; i++) {
			const struct boot_region *r = &m.region[i];
			if (r->addr < GUEST_TRAMPOLINE || r->addr + r->len > m.size ||
			    (r->prot & (PROT_WRITE | PROT_EXEC)) == (PROT_WRITE | PROT_EXEC))
				abort();
			entry |=
				m.resume_entry >= r->addr && m.resume_entry < r->addr + r->len && (r->prot & PROT_EXEC);
			stack |= m.resume_sp >= r->addr && m.resume_sp < r->addr + r->len && (r->prot & PROT_WRITE);
		}
		for (uint64_t i = 0; i < m.next; i++)
			if (m.ext[i].off < GUEST_TRAMPOLINE || m.ext[i].off + m.ext[i].len > m.size)
				abort();
		for (uint32_t i = 0; i < m.nprot; i++)
			if (m.prot[i].addr < GUEST_TRAMPOLINE || m.prot[i].addr + m.prot[i].len > m.size ||
			    (m.prot[i].prot & (PROT_WRITE | PROT_EXEC)) == (PROT_WRITE | PROT_EXEC) ||
			    (i && m.prot[i].addr < m.prot[i - 1].addr + m.prot[i - 1].len))
				abort();
		if (!entry || !stack)
			abort();
	}
	struct snap_buf b = {0};
	snap_encode(&b, &m);
	if (!b.oom && (b.len != size || memcmp(b.p, data, size)))
		abort();
	free(b.p);
	snap_meta_free(&m);
	return 0;
}
