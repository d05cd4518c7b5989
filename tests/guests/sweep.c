/*
 * sweep: make one system call with hostile arguments, for the syscall sweep
 * (tests/security/sweep.sh) and the policy table (tests/security/policy.table).
 *
 * Reads one line from stdin: "ABI NR A0 A1 A2 A3 A4 A5" where ABI is x86_64,
 * x32 (NR | 0x40000000 through `syscall`) or i386 (`int $0x80`), numbers
 * are decimal or 0x-hex and an argument may be "heap" (the heap start).
 * Writes "ok" to stdout before the call, and "survived RET" after it; the
 * report tells how it ended.
 */
#include "zvm_start.h"

static char line[256];
static const char *cur;

static void out(const char *s)
{
	zvm_pwrite(1, s, (int32_t)strlen(s), 0);
}

static void out_num(long v)
{
	char t[24], s[26];
	int i = 0, n = 0;
	unsigned long u = v < 0 ? -(unsigned long)v : (unsigned long)v;
	do
		t[i++] = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		s[n++] = '-';
	while (i)
		s[n++] = t[--i];
	s[n++] = '\n';
	s[n] = 0;
	out(s);
}

static unsigned long num(void)
{
	while (*cur == ' ')
		cur++;
	if (memcmp(cur, "heap", 4) == 0) {
		cur += 4;
		return (unsigned long)(uintptr_t)MANIFEST->heap_ptr;
	}
	unsigned long v = 0;
	if (cur[0] == '0' && cur[1] == 'x') {
		for (cur += 2;; cur++) {
			char c = *cur;
			int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
			if (d < 0)
				break;
			v = v * 16 + (unsigned)d;
		}
	} else {
		for (; *cur >= '0' && *cur <= '9'; cur++)
			v = v * 10 + (unsigned)(*cur - '0');
	}
	return v;
}

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	int n = zvm_pread(0, line, sizeof line - 1, 0);
	if (n <= 0)
		return 100;
	line[n] = 0;
	cur = line;
	int abi = line[1] == '8' ? 0 : line[1] == '3' ? 1 : 2; /* x86_64, x32, i386 */
	while (*cur && *cur != ' ')
		cur++;
	unsigned long nr = num(), a[6];
	for (int i = 0; i < 6; i++)
		a[i] = num();
	out("ok\n");

	long r;
	if (abi == 2) {
		__asm__ volatile("int $0x80"
				 : "=a"(r)
				 : "a"(nr), "b"(a[0]), "c"(a[1]), "d"(a[2]), "S"(a[3]), "D"(a[4])
				 : "memory");
	} else {
		register unsigned long r10 __asm__("r10") = a[3];
		register unsigned long r8 __asm__("r8") = a[4];
		register unsigned long r9 __asm__("r9") = a[5];
		__asm__ volatile("syscall"
				 : "=a"(r)
				 : "a"(abi == 1 ? nr | 0x40000000ul : nr), "D"(a[0]), "S"(a[1]), "d"(a[2]), "r"(r10),
				   "r"(r8), "r"(r9)
				 : "rcx", "r11", "memory");
	}
	out("survived ");
	out_num(r);
	return 0;
}
