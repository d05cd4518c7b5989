/*
 * bind_port: open a back door: bind a port on all interfaces (fd 3, as if a
 * socket had leaked into the sandbox) and listen on it.
 * Tries: bind(3, 0.0.0.0:31337), listen(3, 1).
 * Must:  SIGSYS at bind, exit 4.
 */
#include "attack.h"

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	struct sockaddr_in_ a = {AF_INET, htons_(31337), 0, {0}};
	say("try bind 0.0.0.0:31337");
	long r = sys3(49, 3, &a, sizeof a);
	saynum("survived", r);
	sys2(50, 3, 1);
	return 0;
}
