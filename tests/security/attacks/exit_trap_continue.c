/*
 * exit_trap_continue: call the exit trap with the raw system call instead
 * of the trampoline, hoping to keep running after the supervisor recorded
 * an exit code.
 * Tries: syscall 0x7a76 with {TrapExit, 0, 0}; pwrite "after exit"; then
 *        exit_group(7).
 * Must:  zvm_exit ends the session: the supervisor kills the guest instead
 *        of answering, nothing after the trap runs, the session ends "ok"
 *        with the trap's code (0), not 7.
 */
#include "attack.h"

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	uint64_t a[3] = {TrapExit, 0, 0};
	say("try exit trap without exiting");
	saynum("trap", sys1(0x7a76, a));
	say("after exit");
	sys1(231, 7);
	return 0;
}
