/*
 * open_passwd: read the host's password file.
 * Tries: open("/etc/passwd", O_RDONLY), then read(2) it to stdout.
 * Must:  SIGSYS at the open (report "Signal 31 from untrusted code: Bad
 *        system call", exit 4); only the line before it on stdout, nothing
 *        of the file.
 */
#include "attack.h"

int main(int argc, char **argv)
{
	static char b[4096];
	(void)argc, (void)argv;
	say("try open /etc/passwd");
	long fd = sys2(2, "/etc/passwd", O_RDONLY);
	saynum("survived", fd);
	long n = sys3(0, fd, b, sizeof b);
	if (n > 0)
		zvm_pwrite(1, b, (int32_t)n, 0);
	return 0;
}
