/*
 * read_stdout: read back the output channel (its file might hold earlier
 * data, or be another session's).
 * Tries: zvm_pread(1, buf, 64, 0).
 * Must:  -EDQUOT (-122, stdout is not readable); "ok".
 */
#include "attack.h"

int main(int argc, char **argv)
{
	static char b[64];
	(void)argc, (void)argv;
	say("try pread from stdout");
	saynum("pread", zvm_pread(1, b, sizeof b, 0));
	return 0;
}
