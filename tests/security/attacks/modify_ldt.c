/*
 * modify_ldt: install a local descriptor table entry (a 32-bit or 16-bit
 * code segment of one's own: an old road to kernel bugs and to other
 * system call ABIs).
 * Tries: modify_ldt(1, {entry 0, base 0, limit 0xfffff, 32-bit, code}, 16).
 * Must:  SIGSYS, exit 4.
 */
#include "attack.h"

int main(int argc, char **argv)
{
	/* struct user_desc: entry_number, base_addr, limit, flags bits
	 * (seg_32bit 1, contents 2 = code, limit_in_pages 1, useable 1). */
	static uint32_t desc[4] = {0, 0, 0xfffff, 1 | (2 << 1) | (1 << 4) | (1 << 6)};
	(void)argc, (void)argv;
	say("try modify_ldt code segment");
	long r = sys3(154, 1, desc, sizeof desc);
	saynum("survived", r);
	return 0;
}
