/*
 * pread_manifest: overwrite the read-only user manifest (channel limits,
 * channel count) through the supervisor.
 * Tries: zvm_pread(stdin, MANIFEST, 16, 0).
 * Must:  -EINVAL (-22); the manifest still says 3 channels; "ok".
 */
#include "attack.h"

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	say("try pread into the user manifest");
	saynum("pread", zvm_pread(0, (void *)(uintptr_t)MANIFEST, 16, 0));
	saynum("channels", MANIFEST->channels_count);
	return 0;
}
