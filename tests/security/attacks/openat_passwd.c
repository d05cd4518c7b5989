/*
 * openat_passwd: read the host's password file the way modern libcs do.
 * Tries: openat(AT_FDCWD, "/etc/passwd", O_RDONLY|O_CLOEXEC), then read(2).
 * Must:  SIGSYS at the openat, exit 4; nothing of the file on stdout.
 */
#include "attack.h"

int main(int argc, char **argv)
{
	static char b[4096];
	(void)argc, (void)argv;
	say("try openat /etc/passwd");
	long fd = sys4(257, AT_FDCWD, "/etc/passwd", O_RDONLY | O_CLOEXEC, 0);
	saynum("survived", fd);
	long n = sys3(0, fd, b, sizeof b);
	if (n > 0)
		zvm_pwrite(1, b, (int32_t)n, 0);
	return 0;
}
