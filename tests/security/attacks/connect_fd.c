/*
 * connect_fd: skip socket(2) and connect whatever descriptors the sandbox
 * might have inherited (0 is the seccomp listener, 3.. would be leaks) to
 * the runner's listener on 127.0.0.1:PORT.
 * Tries: connect(3, 127.0.0.1:PORT), then the same for 0..15.
 * Must:  SIGSYS at the first connect, exit 4; no connection reaches the
 *        listener.
 */
#include "attack.h"

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	struct sockaddr_in_ a = {AF_INET, htons_((uint16_t)read_number("/dev/port")), LOOPBACK, {0}};
	say("try connect fd 3 to 127.0.0.1");
	long r = sys3(42, 3, &a, sizeof a);
	saynum("survived", r);
	for (int fd = 0; fd < 16; fd++)
		sys3(42, fd, &a, sizeof a);
	return 0;
}
