/*
 * jail_past_heap: a jail that starts in the heap and runs on into the
 * stack and past the end of guest memory (size INT32_MAX).
 * Tries: zvm_jail(heap, INT32_MAX).
 * Must:  -EINVAL (-22); "ok".
 */
#include "attack.h"

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	say("try jail heap, INT32_MAX");
	saynum("jail", zvm_jail(MANIFEST->heap_ptr, 0x7fffffff));
	return 0;
}
