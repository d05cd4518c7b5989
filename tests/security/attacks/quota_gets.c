/*
 * quota_gets: one read call more than gets allows (gets 2 on /dev/in).
 * Tries: zvm_pread(/dev/in, buf, 1, 0) three times.
 * Must:  1, 1, -EDQUOT (-122); "ok".
 */
#include "attack.h"

int main(int argc, char **argv)
{
	static char b[4];
	(void)argc, (void)argv;
	int h = handle_of("/dev/in");
	say("try gets + 1 reads");
	for (int i = 0; i < 3; i++)
		saynum("pread", zvm_pread(h, b, 1, 0));
	return 0;
}
