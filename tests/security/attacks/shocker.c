/*
 * shocker: the "Shocker" container escape: open a host inode by file
 * handle, which bypasses the mount namespace and chroot.
 * Tries: open_by_handle_at(0, {8 bytes, FILEID_INO32_GEN, inode 2 gen 0},
 *        O_RDONLY) - inode 2 is the root of an ext4 file system.
 * Must:  SIGSYS, exit 4.
 */
#include "attack.h"

int main(int argc, char **argv)
{
	static struct {
		uint32_t bytes;
		int32_t type;
		uint32_t ino, gen;
	} h = {8, 1, 2, 0};
	(void)argc, (void)argv;
	say("try open_by_handle_at inode 2");
	long fd = sys3(304, 0, &h, O_RDONLY);
	saynum("survived", fd);
	return 0;
}
