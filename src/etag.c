/*
 * etag.c - SHA-1 etags with libcrypto, see etag.h.
 *
 * We use libcrypto's SHA-1 core (SHA1_Init/Update/Final) rather than EVP:
 * EVP would start OpenSSL's provider and configuration machinery (files,
 * locks, a few hundred microseconds) for every session, and the supervisor
 * is linked statically against musl, where only libcrypto's self-contained
 * digest code is safe to use (docs/performance.md, "Decisions made for speed").
 */
#define OPENSSL_SUPPRESS_DEPRECATED /* SHA1_* are deprecated in 3.0, not removed */
#include "etag.h"

#include <openssl/sha.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct etag {
	SHA_CTX ctx;
};

/*
 * libcrypto's SHA-1 code picks its implementation from OPENSSL_ia32cap_P,
 * which libcrypto fills at process start with a dozen CPUID instructions
 * (an .init constructor in x86_64cpuid.o). CPUID costs ~10 us in our
 * virtual machines: ~0.1 ms of every cold start, etags or not. We define
 * the two symbols that would pull that object in, and fill the capability
 * vector ourselves, only when a session first needs a digest. Bits follow
 * OPENSSL_ia32cap(3): word 1 is CPUID.1:ECX, word 2 CPUID.7.0:EBX.
 */
unsigned int OPENSSL_ia32cap_P[4];
void OPENSSL_cleanse(void *p, size_t n);

void OPENSSL_cleanse(void *p, size_t n)
{
	volatile unsigned char *v = p;
	while (n--)
		*v++ = 0;
}

static void cpu_caps(void)
{
	static int done;
	if (done)
		return;
	done = 1;
	unsigned a, b, c, d;
	__asm__("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0), "c"(0));
	unsigned max = a;
	__asm__("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(1), "c"(0));
	unsigned ecx1 = c;
	unsigned ebx7 = 0;
	if (max >= 7) {
		__asm__("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(7), "c"(0));
		ebx7 = b;
	}
	/* AVX paths need the OS to save YMM state (XCR0 bits 1 and 2). */
	bool ymm = false;
	if (ecx1 & (1u << 27)) { /* OSXSAVE */
		unsigned lo, hi;
		__asm__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
		ymm = (lo & 6) == 6;
	}
	OPENSSL_ia32cap_P[1] = ecx1 & ((1u << 9) | (ymm ? 1u << 28 : 0)); /* SSSE3, AVX */
	OPENSSL_ia32cap_P[2] = ebx7 & ((1u << 29) | (ymm ? (1u << 3) | (1u << 5) | (1u << 8) : 0));
}

struct etag *etag_new(void)
{
	cpu_caps();
	struct etag *t = malloc(sizeof *t);
	if (t && !SHA1_Init(&t->ctx)) {
		free(t);
		t = NULL;
	}
	return t;
}

void etag_update(struct etag *t, const void *data, size_t len)
{
	if (t && len)
		SHA1_Update(&t->ctx, data, len);
}

int etag_peek(const struct etag *t, unsigned char md[ETAG_DIGEST_LEN])
{
	SHA_CTX copy = t->ctx; /* SHA1_Final ends the state it is given */
	return SHA1_Final(md, &copy) ? 0 : -1;
}

void etag_hex(const unsigned char md[ETAG_DIGEST_LEN], char *hex)
{
	for (unsigned i = 0; i < ETAG_DIGEST_LEN; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
}

void etag_finish(struct etag *t, char *hex)
{
	unsigned char md[SHA_DIGEST_LENGTH];
	hex[0] = 0;
	if (!t)
		return;
	if (SHA1_Final(md, &t->ctx))
		for (unsigned i = 0; i < SHA_DIGEST_LENGTH; i++)
			snprintf(hex + 2 * i, 3, "%02x", md[i]);
	free(t);
}

void etag_free(struct etag *t)
{
	free(t);
}

_Static_assert(sizeof(SHA_CTX) <= ETAG_STATE_LEN, "a SHA-1 state fits ETAG_STATE_LEN bytes");

void etag_state(const struct etag *t, unsigned char st[ETAG_STATE_LEN])
{
	memset(st, 0, ETAG_STATE_LEN);
	memcpy(st, &t->ctx, sizeof t->ctx);
}

struct etag *etag_from_state(const unsigned char st[ETAG_STATE_LEN])
{
	struct etag *t = etag_new();
	if (t)
		memcpy(&t->ctx, st, sizeof t->ctx);
	return t;
}
