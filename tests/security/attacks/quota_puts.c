/*
 * quota_puts: one write call more than puts allows (puts 2 on /dev/out).
 * Tries: zvm_pwrite(/dev/out, "A", 1, 0) three times.
 * Must:  1, 1, -EDQUOT (-122); the file holds exactly 2 bytes; "ok".
 */
#include "attack.h"

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	int h = handle_of("/dev/out");
	say("try puts + 1 writes");
	for (int i = 0; i < 3; i++)
		saynum("pwrite", zvm_pwrite(h, "A", 1, 0));
	return 0;
}
