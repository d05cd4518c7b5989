/*
 * keyctl_join: the kernel keyring is not namespaced: join or read keys of
 * the user (a keyring shared with other sessions of "nobody").
 * Tries: keyctl(KEYCTL_JOIN_SESSION_KEYRING, "zvm").
 * Must:  SIGSYS, exit 4.
 */
#include "attack.h"

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	say("try keyctl KEYCTL_JOIN_SESSION_KEYRING");
	long r = sys2(250, 1, "zvm");
	saynum("survived", r);
	return 0;
}
