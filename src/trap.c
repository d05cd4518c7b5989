/*
 * trap.c - the six trap calls (docs/traps.md).
 *
 * A notification is one trap: its argument is a pointer to the guest's
 * uint64_t args[]; we read them through our mapping of guest memory, check
 * everything (docs/traps.md, "pread and pwrite"), do the work and return the
 * value the loop answers with. The guest is single-threaded and blocked
 * while we work, so nothing changes under us.
 */
#include "trap.h"

#include <errno.h>
#include <string.h>

#include "snapshot.h"
#include "trap_abi.h"
#include "zvm.h"

/* The guest's header (include/zvm.h, ZeroVM's names) and the trampoline's
 * (abi/trap_abi.h, plain numbers for assembly) say the same. */
_Static_assert(TrapRead == ZVM_TRAP_READ && TrapWrite == ZVM_TRAP_WRITE && TrapJail == ZVM_TRAP_JAIL &&
		       TrapUnjail == ZVM_TRAP_UNJAIL && TrapExit == ZVM_TRAP_EXIT && TrapFork == ZVM_TRAP_FORK,
	       "include/zvm.h and abi/trap_abi.h agree on the trap ids");
_Static_assert(ZVM_TRAMPOLINE == GUEST_TRAMPOLINE && ZVM_MANIFEST_PTR == GUEST_MANIFEST_PTR &&
		       ZVM_FORK_ENTRY == GUEST_FORK_ENTRY,
	       "include/zvm.h and abi/trap_abi.h agree on the guest addresses");

static unsigned trap_argc(uint64_t id)
{
	switch (id) {
	case TrapRead:
	case TrapWrite: return 6;
	case TrapJail:
	case TrapUnjail: return 4;
	case TrapExit: return 3;
	default: return 2;
	}
}

/* pread and pwrite: the handle, then the buffer, then channel_check()'s
 * rules (docs/traps.md). The buffer is checked before its size, as the
 * original did: a call of size 0 (or less) must still name a byte the
 * program may write (pread) or read (pwrite), so pread(h, NULL, 0, 0) is
 * -EINVAL. */
static int64_t trap_io(struct session *s, const uint64_t *a, bool write)
{
	int32_t h = (int32_t)a[2];
	uint64_t buf = a[3];
	int32_t size = (int32_t)a[4];
	int64_t off = (int64_t)a[5];
	if (h < 0 || (uint32_t)h >= s->cs.n)
		return -EINVAL;
	if (!guest_range_ok(&s->g, buf, size > 0 ? (uint64_t)size : 1, !write))
		return -EINVAL;
	struct channel *c = &s->cs.ch[h];
	if (!write)
		return channel_read(&s->cs, c, s->g.base + buf, size, off);
	int32_t r = channel_write(&s->cs, c, s->g.base + buf, size, off, &s->copts);
	if (r == CHANNEL_FSIZE_EXCEEDED) {
		zvm_fail(&s->err, ZVM_EXIT_SIGNAL, "disk quota exceeded");
		sandbox_kill(&s->sb);
		return -EDQUOT;
	}
	return r;
}

int64_t trap_call(struct session *s, uint64_t argp, uint64_t a[TRAP_ARGS_MAX])
{
	memset(a, 0, TRAP_ARGS_MAX * sizeof *a);
	if (!guest_range_ok(&s->g, argp, 2 * sizeof *a, false))
		return -EFAULT;
	memcpy(a, s->g.base + argp, 2 * sizeof *a);
	unsigned n = trap_argc(a[0]);
	if (!guest_range_ok(&s->g, argp, n * sizeof *a, false))
		return -EFAULT;
	memcpy(a, s->g.base + argp, n * sizeof *a);

	switch (a[0]) {
	case TrapRead: return trap_io(s, a, false);
	case TrapWrite: return trap_io(s, a, true);
	case TrapJail:
	case TrapUnjail: return guest_jail(&s->g, a[2], (int32_t)a[3], a[0] == TrapJail);
	case TrapExit:
		s->user_code = (int32_t)a[2];
		s->exited_by_trap = true;
		return 0;                                /* the loop ends the session */
	case TrapFork: return snapshot_trap(s, argp, a); /* snapshot.c */
	default: return -EPERM;
	}
}
