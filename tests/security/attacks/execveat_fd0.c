/*
 * execveat_fd0: execute a descriptor instead of a path: fd 0 is the only
 * descriptor the sandbox holds (once the guest-memory memfd, now the
 * seccomp listener); an AT_EMPTY_PATH execveat of a leaked executable
 * descriptor needs no file system at all. Falls back to "/bin/sh".
 * Tries: execveat(0, "", argv, envp, AT_EMPTY_PATH).
 * Must:  SIGSYS, exit 4.
 */
#include "attack.h"

int main(int argc, char **argv)
{
	static const char *av[] = {"sh", "-c", "touch " CANARY_DIR "/pwned", 0};
	static const char *ev[] = {0};
	(void)argc, (void)argv;
	say("try execveat fd 0 AT_EMPTY_PATH");
	long r = sys5(322, 0, "", av, ev, 0x1000);
	saynum("survived", r);
	r = sys5(322, AT_FDCWD, "/bin/sh", av, ev, 0);
	saynum("survived", r);
	return 0;
}
