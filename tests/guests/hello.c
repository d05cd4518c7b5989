/* hello: writes one line to stdout through the trap interface. The smallest
 * real guest: used for cold-start benchmarks and the basic session test. */
#include "zvm_start.h"

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	static const char msg[] = "hello, world\n";
	return zvm_pwrite(1, msg, sizeof msg - 1, 0) == sizeof msg - 1 ? 0 : 1;
}
