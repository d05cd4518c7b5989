/*
 * bpf_prog_load: load an eBPF program (a large kernel attack surface: the
 * verifier and the JIT).
 * Tries: bpf(BPF_PROG_LOAD, {BPF_PROG_TYPE_SOCKET_FILTER, "mov r0, 0;
 *        exit", license "GPL"}, 128).
 * Must:  SIGSYS, exit 4.
 */
#include "attack.h"

int main(int argc, char **argv)
{
	static uint64_t insns[2] = {0x00000000000000b7ULL, 0x0000000000000095ULL};
	static struct {
		uint32_t prog_type, insn_cnt;
		uint64_t insns, license;
		uint32_t log_level, log_size;
		uint64_t log_buf;
		uint8_t rest[88];
	} attr = {1, 2, (uintptr_t)insns, (uintptr_t) "GPL", 0, 0, 0, {0}};
	(void)argc, (void)argv;
	say("try bpf BPF_PROG_LOAD");
	long r = sys3(321, 5, &attr, sizeof attr);
	saynum("survived", r);
	return 0;
}
