/*
 * etag.c - SHA-1 etags with libcrypto, see etag.h.
 *
 * We use libcrypto's SHA-1 core (SHA1_Init/Update/Final) rather than EVP:
 * EVP would start OpenSSL's provider and configuration machinery (files,
 * locks, a few hundred microseconds) for every session, and the supervisor
 * is linked statically against musl, where only libcrypto's self-contained
 * digest code is safe to use (docs/performance.md, "Why musl").
 */
#define OPENSSL_SUPPRESS_DEPRECATED /* SHA1_* are deprecated in 3.0, not removed */
#include "etag.h"

#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>

struct etag {
	SHA_CTX ctx;
};

struct etag *etag_new(void)
{
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
