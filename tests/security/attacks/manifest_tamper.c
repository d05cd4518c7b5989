/*
 * manifest_tamper: the user manifest is read-only, but mprotect (allowed
 * inside guest memory) can make it writable. Raise /dev/out's put_size
 * limit and the channel count in it, as if the supervisor trusted them.
 * Tries: mprotect(manifest page, R+W), set put_size of /dev/out (10) to
 *        2^40 and channels_count to 64, then write 20 bytes and use
 *        handle 10.
 * Must:  mprotect 0; the write is still clipped at 10, the next gets
 *        -EDQUOT (-122); handle 10 is -EINVAL (-22); the file holds
 *        exactly 10 bytes; "ok".
 */
#include "attack.h"

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	struct UserManifest *m = (struct UserManifest *)(uintptr_t)MANIFEST;
	int h = handle_of("/dev/out");
	uintptr_t page = (uintptr_t)m & ~(uintptr_t)0xfff;
	say("try tamper with the user manifest");
	saynum("mprotect", sys3(10, page, 8192, PROT_READ | PROT_WRITE));
	m->channels[h].limits[PutSizeLimit] = 1LL << 40;
	m->channels[h].limits[PutsLimit] = 1LL << 40;
	m->channels_count = 64;
	saynum("pwrite", zvm_pwrite(h, "01234567890123456789", 20, 0));
	saynum("pwrite", zvm_pwrite(h, "X", 1, 0));
	saynum("handle 10", zvm_pwrite(10, "X", 1, 0));
	return 0;
}
