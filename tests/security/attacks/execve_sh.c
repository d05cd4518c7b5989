/*
 * execve_sh: replace the guest with a host shell that plants a file.
 * Tries: execve("/bin/sh", {"sh", "-c", "touch /tmp/zvm-attack-target/pwned"},
 *        {NULL}).
 * Must:  SIGSYS, exit 4; nothing created in the canary directory.
 */
#include "attack.h"

int main(int argc, char **argv)
{
	static const char *av[] = {"sh", "-c", "touch " CANARY_DIR "/pwned", 0};
	static const char *ev[] = {0};
	(void)argc, (void)argv;
	say("try execve /bin/sh");
	long r = sys3(59, "/bin/sh", av, ev);
	saynum("survived", r);
	return 0;
}
