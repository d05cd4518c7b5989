/*
 * prctl_seccomp: install a filter of the guest's own (here: allow
 * everything), hoping it takes precedence over the supervisor's.
 * Tries: prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, {1, RET ALLOW}), then
 *        open("/etc/passwd").
 * Must:  SIGSYS at the prctl, exit 4.
 */
#include "attack.h"

int main(int argc, char **argv)
{
	static uint32_t insn[2] = {0x00000006, 0x7fff0000}; /* BPF_RET|BPF_K, ALLOW */
	static struct {
		uint16_t len;
		void *filter;
	} prog = {1, insn};
	(void)argc, (void)argv;
	say("try prctl PR_SET_SECCOMP allow-all");
	long r = sys3(157, 22, 2, &prog);
	saynum("survived", r);
	sys2(2, "/etc/passwd", O_RDONLY);
	return 0;
}
