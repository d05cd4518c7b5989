/* hello: one line to stdout, then exit. Cold-start benchmark. */
#include "bench.h"

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	static const char msg[] = "hello, world\n";
	return zvm_pwrite(1, msg, sizeof msg - 1, 0) == sizeof msg - 1 ? 0 : 1;
}
