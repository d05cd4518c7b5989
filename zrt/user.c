/*
 * user.c - guest memory as the program names it: the session's layout
 * and the checks on the addresses a program hands to a call (user.h).
 */
#include "user.h"

/* Written by the supervisor before start (zrt_abi.h); read-only after. */
struct zrt_info zrt_info;

bool user_ok(uint64_t addr, uint64_t len)
{
	return addr >= 0x10000 && addr + len >= addr && addr + len <= zrt_info.memory_size;
}

bool user_range(uint64_t addr, uint64_t len)
{
	return addr + len >= addr && addr + len <= USER_TOP;
}

uint64_t user_reach(uint64_t addr, uint64_t len)
{
	if (addr < 0x10000 || addr >= zrt_info.memory_size)
		return 0;
	uint64_t room = zrt_info.memory_size - addr;
	return len < room ? len : room;
}

long user_path(const char *upath, char *out)
{
	if (!upath || !user_ok((uint64_t)upath, 1))
		return -EFAULT;
	uint64_t room = zrt_info.memory_size - (uint64_t)upath; /* bytes before the end of guest memory */
	for (size_t i = 0; i < ZRT_PATH_MAX; i++) {
		if (i == room)
			return -EFAULT;
		out[i] = upath[i];
		if (!out[i])
			return (long)i;
	}
	return -ENAMETOOLONG;
}
