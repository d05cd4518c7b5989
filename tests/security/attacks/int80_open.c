/*
 * int80_open: the i386 system call gate from 64-bit code: int 0x80 with
 * eax = 5 is open(2) on i386 (2 on x86-64 is fork on i386).
 * Tries: int $0x80: open("/etc/passwd", O_RDONLY).
 * Must:  killed by the filter's architecture check: SIGSYS, exit 4.
 */
#include "attack.h"

int main(int argc, char **argv)
{
	long r;
	(void)argc, (void)argv;
	say("try int 0x80 open /etc/passwd");
	__asm__ volatile("int $0x80" : "=a"(r) : "a"(5), "b"("/etc/passwd"), "c"(O_RDONLY) : "memory");
	saynum("survived", r);
	return 0;
}
