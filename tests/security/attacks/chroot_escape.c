/*
 * chroot_escape: the classic chroot break-out: chroot into a subdirectory
 * while keeping the working directory outside it, then walk up with "..".
 * Tries: chroot("."), then chdir("..") x 64, chroot(".").
 * Must:  SIGSYS at the first chroot, exit 4.
 */
#include "attack.h"

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	say("try chroot .");
	long r = sys1(161, ".");
	saynum("survived", r);
	for (int i = 0; i < 64; i++)
		sys1(80, "..");
	sys1(161, ".");
	return 0;
}
