/* etag.c - SHA-1 etags with libcrypto, see etag.h. */
#include "etag.h"

#include <openssl/evp.h>
#include <stdio.h>

static EVP_MD *sha1; /* fetched once; lives until exit */

struct etag *etag_new(void)
{
	if (!sha1 && !(sha1 = EVP_MD_fetch(NULL, "SHA1", NULL)))
		return NULL;
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	if (c && !EVP_DigestInit_ex(c, sha1, NULL)) {
		EVP_MD_CTX_free(c);
		c = NULL;
	}
	return (struct etag *)c;
}

void etag_update(struct etag *t, const void *data, size_t len)
{
	if (t && len)
		EVP_DigestUpdate((EVP_MD_CTX *)t, data, len);
}

void etag_finish(struct etag *t, char *hex)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned n = 0;
	hex[0] = 0;
	if (!t)
		return;
	if (EVP_DigestFinal_ex((EVP_MD_CTX *)t, md, &n))
		for (unsigned i = 0; i < n && i < ETAG_HEX_LEN / 2; i++)
			snprintf(hex + 2 * i, 3, "%02x", md[i]);
	etag_free(t);
}

void etag_free(struct etag *t)
{
	EVP_MD_CTX_free((EVP_MD_CTX *)t);
}
