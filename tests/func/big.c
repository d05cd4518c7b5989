/* big: a 300 MiB program (built by tests/func/run.sh, not by make: it is
 * large). Loading it must work, and fail cleanly when Memory is too small. */
#include "zvm_start.h"
/* The initialised data is in the file: 300 MiB of it. */
static volatile char big[300 << 20] = {1, [(300 << 20) - 1] = 2};
int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	return big[0] + big[(300 << 20) - 1]; /* 3 */
}
