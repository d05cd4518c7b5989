/* readfile: reads handle 3 to its end in CHUNK-byte reads (sequential
 * offsets, so the same code works on a sequential channel and with
 * pread64), then checks it saw EXPECT_BYTES bytes. Throughput benchmark. */
#include "bench.h"

#ifndef CHUNK
#define CHUNK (1 << 20)
#endif
#ifndef EXPECT_BYTES
#define EXPECT_BYTES 0
#endif

static char buf[CHUNK];

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	int64_t total = 0;
	uint64_t sum = 0;
	for (;;) {
		int32_t n = zvm_pread(3, buf, CHUNK, total);
		if (n < 0)
			return 2;
		if (n == 0)
			break;
		/* touch one word per 4 KiB page, so that the data is really used */
		for (int32_t i = 0; i + 8 <= n; i += 4096)
			sum += *(const uint64_t *)(const void *)(buf + i);
		total += n;
	}
	if (EXPECT_BYTES && total != (int64_t)EXPECT_BYTES)
		return 3;
	return bench_put_hex(sum);
}
