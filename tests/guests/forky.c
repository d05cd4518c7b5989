/* forky: a raw guest for snapshots and daemon mode (tests/func/snapshot.sh).
 *
 * Before its fork it does work a copy must not redo: it reads the whole of
 * /dev/table (handle 3, a random-read file), digests it, fills a table of
 * primes, and sets the SSE rounding mode to truncation. Values computed
 * there live in callee-saved registers across zvm_fork(). After the fork
 * it reads /dev/stdin to its end and writes one line about it, the table
 * and the primes to /dev/stdout, then the input with every byte shifted by
 * the table's first byte. A static counter of forks survived must be 1 in
 * every copy. Input starting with '?' also says what zvm_fork() returned
 * (a cold run 0, a resumed copy -1); with 'F' it forks once more after.
 * A table starting with 'J' makes it jail a heap chunk before the fork
 * (which snapshots refuse); with 'P' it makes a heap page read-only with
 * its own mprotect (which a raw program's snapshot refuses too).
 */
#include "zvm_start.h"

static unsigned char table[1 << 16];
static unsigned primes[4096];
static unsigned char in[1 << 16];
static char line[256];
static int forks_survived;

static unsigned fnv(const unsigned char *p, long n)
{
	unsigned h = 2166136261u;
	for (long i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

static int put_num(char *p, long long v)
{
	char tmp[24];
	int n = 0, k = 0;
	unsigned long long u = v < 0 ? (unsigned long long)-v : (unsigned long long)v;
	if (v < 0)
		p[k++] = '-';
	do
		tmp[n++] = (char)('0' + u % 10);
	while (u /= 10);
	while (n)
		p[k++] = tmp[--n];
	return k;
}

static int put_str(char *p, const char *s)
{
	int k = 0;
	while (s[k]) {
		p[k] = s[k];
		k++;
	}
	return k;
}

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	/* Work before the fork. */
	long tlen = zvm_pread(3, table, sizeof table, 0);
	if (tlen < 0)
		return 10;
	unsigned th = fnv(table, tlen);
	int np = 0;
	for (unsigned c = 2; np < 4096; c++) {
		int prime = 1;
		for (int i = 0; i < np && primes[i] * primes[i] <= c; i++)
			if (c % primes[i] == 0) {
				prime = 0;
				break;
			}
		if (prime)
			primes[np++] = c;
	}
	if (tlen > 0 && table[0] == 'J' && zvm_jail(MANIFEST->heap_ptr, 1 << 16) != 0)
		return 14;
	if (tlen > 0 && table[0] == 'P') {
		long rc;
		__asm__ volatile("syscall"
				 : "=a"(rc)
				 : "a"(10L), "D"(MANIFEST->heap_ptr), "S"(4096L), "d"(1L)
				 : "rcx", "r11", "memory");
		if (rc != 0)
			return 15;
	}
	unsigned mx = 0x7f80; /* all exceptions masked, rounding toward zero */
	__asm__ volatile("ldmxcsr %0" ::"m"(mx));

	int32_t r = zvm_fork();
	forks_survived++;

	long n = 0, got;
	while ((got = zvm_pread(0, in + n, (int32_t)(sizeof in - (unsigned long)n), 0)) > 0)
		n += got;
	if (n > 0 && in[0] == 'F' && zvm_fork() != 0)
		return 11;
	volatile float one = 1.0f, three = 3.0f;
	float third = one / three;
	unsigned bits;
	__builtin_memcpy(&bits, &third, sizeof bits);

	int k = put_str(line, "input ");
	k += put_num(line + k, n);
	k += put_str(line + k, " bytes ");
	k += put_num(line + k, fnv(in, n));
	k += put_str(line + k, " table ");
	k += put_num(line + k, tlen);
	k += put_str(line + k, " ");
	k += put_num(line + k, th);
	k += put_str(line + k, " prime ");
	k += put_num(line + k, primes[np - 1]);
	k += put_str(line + k, " third ");
	k += put_num(line + k, bits);
	k += put_str(line + k, " survived ");
	k += put_num(line + k, forks_survived);
	if (n > 0 && in[0] == '?') {
		k += put_str(line + k, " fork ");
		k += put_num(line + k, r);
	}
	line[k++] = '\n';
	if (zvm_pwrite(1, line, k, 0) != k)
		return 12;
	for (long i = 0; i < n; i++)
		in[i] = (unsigned char)(in[i] + table[0]);
	if (n && zvm_pwrite(1, in, (int32_t)n, 0) != n)
		return 13;
	return 0;
}
