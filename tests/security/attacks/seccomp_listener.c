/*
 * seccomp_listener: add a user-notification filter of the guest's own and
 * take its listener descriptor, to answer system calls (its own, or the
 * trap) in place of the supervisor.
 * Tries: seccomp(SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER,
 *        {1, RET USER_NOTIF}).
 * Must:  SIGSYS, exit 4.
 */
#include "attack.h"

int main(int argc, char **argv)
{
	static uint32_t insn[2] = {0x00000006, 0x7fc00000}; /* RET USER_NOTIF */
	static struct {
		uint16_t len;
		void *filter;
	} prog = {1, insn};
	(void)argc, (void)argv;
	say("try seccomp NEW_LISTENER");
	long r = sys3(317, 1, 8, &prog);
	saynum("survived", r);
	return 0;
}
