/*
 * x32_openat: the x32 ABI: syscall numbers with bit 30 set are the same
 * calls with 32-bit pointers; a filter checking only AUDIT_ARCH_X86_64 and
 * the plain number would see "257 | 0x40000000" as unknown or, worse, let
 * a check on nr == 257 be bypassed.
 * Tries: syscall 0x40000101 (x32 openat): openat(AT_FDCWD, "/etc/passwd",
 *        O_RDONLY).
 * Must:  killed: SIGSYS, exit 4.
 */
#include "attack.h"

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	say("try x32 openat /etc/passwd");
	long fd = sys3(0x40000000 | 257, AT_FDCWD, "/etc/passwd", O_RDONLY);
	saynum("survived", fd);
	return 0;
}
