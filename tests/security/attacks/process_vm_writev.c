/*
 * process_vm_writev: write straight into another process's memory (the
 * runner's "sleep", pid on /dev/pid) without ptrace.
 * Tries: process_vm_writev(PID, {"pwned", 5}, 1, {0x400000, 5}, 1, 0).
 * Must:  SIGSYS, exit 4; the "sleep" is still alive.
 */
#include "attack.h"

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	long pid = read_number("/dev/pid");
	static char data[] = "pwned";
	static struct {
		void *base;
		uint64_t len;
	} local = {data, 5}, remote = {(void *)0x400000, 5};
	say("try process_vm_writev into sleep");
	long r = sys6(311, pid, (long)&local, 1, (long)&remote, 1, 0);
	saynum("survived", r);
	return 0;
}
