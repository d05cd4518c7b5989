/*
 * mmap_rwx: get memory outside the guest's Memory, writable and
 * executable, for shellcode.
 * Tries: mmap(NULL, 1 MiB, PROT_READ|PROT_WRITE|PROT_EXEC,
 *        MAP_PRIVATE|MAP_ANONYMOUS, -1, 0).
 * Must:  SIGSYS, exit 4.
 */
#include "attack.h"

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	say("try mmap 1 MiB rwx");
	long r = sys6(9, 0, 1 << 20, 7, 0x22, -1, 0);
	saynum("survived", r);
	return 0;
}
