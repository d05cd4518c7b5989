/*
 * perf_event_open: hardware counters (a timing side channel and a history
 * of kernel bugs).
 * Tries: perf_event_open({PERF_TYPE_HARDWARE, CPU_CYCLES}, 0, -1, -1, 0).
 * Must:  SIGSYS, exit 4.
 */
#include "attack.h"

int main(int argc, char **argv)
{
	static uint32_t attr[32] = {0, 128}; /* type, size; config = 0 cycles */
	(void)argc, (void)argv;
	say("try perf_event_open cycles");
	long r = sys5(298, attr, 0, -1, -1, 0);
	saynum("survived", r);
	return 0;
}
