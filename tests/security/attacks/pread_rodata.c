/*
 * pread_rodata: make the supervisor overwrite the program's read-only data
 * (a string constant), through its own writable mapping of guest memory.
 * Tries: zvm_pread(stdin, msg, 14, 0) where msg is a const string.
 * Must:  -EINVAL (-22); the string is unchanged; the session ends "ok".
 */
#include "attack.h"

static const char msg[] = "rodata intact";

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	say("try pread into read-only data");
	saynum("pread", zvm_pread(0, (void *)(uintptr_t)msg, sizeof msg, 0));
	say(msg);
	return 0;
}
