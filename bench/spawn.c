/*
 * spawn.c - the native baseline of zvjob's job overhead: run N copies of a
 * command, at most J at a time, and wait for them all.
 *
 *   spawn J N PROGRAM [ARG]...
 *
 * Exit 0 when every copy exited 0, else 1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 4)
		return fprintf(stderr, "usage: spawn J N PROGRAM [ARG]...\n"), 2;
	long j = strtol(argv[1], NULL, 10), n = strtol(argv[2], NULL, 10), running = 0;
	int bad = 0, st;
	for (long started = 0; started < n || running > 0;) {
		if (started < n && running < j) {
			pid_t pid = fork();
			if (pid == 0) {
				execv(argv[3], argv + 3);
				_exit(127);
			}
			if (pid < 0)
				return perror("fork"), 1;
			started++, running++;
			continue;
		}
		if (wait(&st) < 0)
			return perror("wait"), 1;
		running--;
		bad |= !WIFEXITED(st) || WEXITSTATUS(st) != 0;
	}
	return bad;
}
