/*
 * pread_text: make the supervisor write channel data where the guest itself
 * may not write: the program's own code (the say function).
 * Tries: zvm_pread(stdin, (uintptr_t)say, 16, 0).
 * Must:  -EINVAL (-22), nothing written there; that code still runs; the
 *        session ends "ok".
 */
#include "attack.h"

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	say("try pread into own code");
	saynum("pread", zvm_pread(0, (void *)((uintptr_t)say), 16, 0));
	say("code intact");
	return 0;
}
