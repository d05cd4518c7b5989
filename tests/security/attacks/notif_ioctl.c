/*
 * notif_ioctl: fd 0 of the sandbox is the seccomp listener boot created
 * (the supervisor took a copy). Receive a notification on it, so the
 * guest could serve (or starve) its own traps.
 * Tries: ioctl(0, SECCOMP_IOCTL_NOTIF_RECV, &notif).
 * Must:  SIGSYS, exit 4.
 */
#include "attack.h"

int main(int argc, char **argv)
{
	static uint64_t notif[16];
	(void)argc, (void)argv;
	say("try ioctl fd 0 SECCOMP_IOCTL_NOTIF_RECV");
	long r = sys3(16, 0, 0xc0502100UL, notif);
	saynum("survived", r);
	return 0;
}
