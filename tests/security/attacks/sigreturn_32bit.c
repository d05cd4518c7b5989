/*
 * sigreturn_32bit: rt_sigreturn is allowed (a runtime's SIGSYS handler
 * needs it) and loads every register from memory the program controls,
 * including CS and SS. Forge a signal frame that "returns" into 32-bit
 * compatibility mode, then make an i386 system call there.
 * Tries: rt_sigreturn with rip = code32, cs = 0x23, ss = 0x2b; the 32-bit
 *        code does int $0x80 open("/etc/passwd").
 * Must:  SIGSYS, exit 4 (never "survived").
 */
#define ATTACK_CODE32
#include "attack.h"

static uint64_t stack32[1024] __attribute__((aligned(16)));

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	say("try rt_sigreturn into 32-bit mode, int 0x80 open");
	forge_sigreturn((uintptr_t)code32, (uintptr_t)&stack32[1000], 0x23, 0x2b, 0);
}
