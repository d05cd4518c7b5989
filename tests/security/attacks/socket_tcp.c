/*
 * socket_tcp: reach the network: a TCP connection to the runner's
 * listener on 127.0.0.1 (its port is on the channel /dev/port).
 * Tries: socket(AF_INET, SOCK_STREAM, 0), then connect(2) to 127.0.0.1:PORT.
 * Must:  SIGSYS at socket, exit 4; the listener sees no connection.
 */
#include "attack.h"

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	struct sockaddr_in_ a = {AF_INET, htons_((uint16_t)read_number("/dev/port")), LOOPBACK, {0}};
	say("try socket AF_INET SOCK_STREAM");
	long fd = sys3(41, AF_INET, SOCK_STREAM, 0);
	saynum("survived", fd);
	saynum("connect", sys3(42, fd, &a, sizeof a));
	return 0;
}
