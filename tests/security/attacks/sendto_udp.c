/*
 * sendto_udp: exfiltrate with one datagram: a UDP socket and sendto(2) to
 * the runner's listener on 127.0.0.1:PORT (UDP on the same port).
 * Tries: socket(AF_INET, SOCK_DGRAM, 0), sendto(fd, "leak", 4, 0, addr).
 * Must:  SIGSYS at socket, exit 4; the listener receives no datagram.
 */
#include "attack.h"

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	struct sockaddr_in_ a = {AF_INET, htons_((uint16_t)read_number("/dev/port")), LOOPBACK, {0}};
	say("try socket AF_INET SOCK_DGRAM");
	long fd = sys3(41, AF_INET, SOCK_DGRAM, 0);
	saynum("survived", fd);
	saynum("sendto", sys6(44, fd, (long)"leak", 4, 0, (long)&a, sizeof a));
	return 0;
}
