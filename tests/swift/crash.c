/*
 * crash.c - a program that writes one line to a file, then crashes.
 *
 *   crash [FILE]     (default /dev/out/r)
 *
 * For tests/swift/run.sh: a node of a connect job whose stream is cut
 * after some bytes (no end marker: its session did not end by itself), so
 * that its reader's reads fail. Exit 2 when FILE cannot be written.
 */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	static const char line[] = "partial\n";
	int fd = open(argc > 1 ? argv[1] : "/dev/out/r", O_WRONLY);
	if (fd < 0 || write(fd, line, strlen(line)) < 0)
		return 2;
	__builtin_trap(); /* SIGILL: the session ends by a crash */
	return 0;
}
