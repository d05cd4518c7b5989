/*
 * trap_id_highbits: the trampoline compares only the low 32 bits of the
 * id; the supervisor reads 64. An id of TrapWrite with bit 32 set might be
 * taken for a write by one and not the other.
 * Tries: trap({0x100000000 | TrapWrite, 0, 1, "leaked\n", 7, 0}).
 * Must:  -EPERM (-1) and nothing written ("leaked" never on stdout); "ok".
 */
#include "attack.h"

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	uint64_t a[6] = {0x100000000ULL | TrapWrite, 0, 1, (uintptr_t) "leaked\n", 7, 0};
	say("try trap id with high bits");
	saynum("trap", TRAP(a));
	return 0;
}
