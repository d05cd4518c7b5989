/*
 * socketcall_int80: the i386 multiplexed socket call through int 0x80
 * (socketcall(SYS_SOCKET, {AF_INET, SOCK_STREAM, 0})), for a filter that
 * only lists x86-64 numbers.
 * Tries: int $0x80 with eax = 102 (socketcall), ebx = 1 (SYS_SOCKET).
 * Must:  killed by the architecture check: SIGSYS, exit 4.
 */
#include "attack.h"

int main(int argc, char **argv)
{
	static uint32_t args[3] = {AF_INET, SOCK_STREAM, 0};
	long r;
	(void)argc, (void)argv;
	say("try int 0x80 socketcall SYS_SOCKET");
	__asm__ volatile("int $0x80" : "=a"(r) : "a"(102), "b"(1), "c"(args) : "memory");
	saynum("survived", r);
	return 0;
}
