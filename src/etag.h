/*
 * etag.h - running SHA-1 digests of channel traffic and guest memory.
 *
 * A thin wrapper over OpenSSL's libcrypto EVP interface. The digest is
 * fetched once per process and only when some etag is switched on, so runs
 * without etags never initialise OpenSSL.
 */
#ifndef ZVM_ETAG_H
#define ZVM_ETAG_H

#include <stddef.h>

#define ETAG_HEX_LEN 40    /* SHA-1, as the original "tag1" builds */
#define ETAG_DIGEST_LEN 20 /* the same in bytes */

struct etag;

/* A fresh digest, or NULL when out of memory or libcrypto fails. */
struct etag *etag_new(void);
void etag_update(struct etag *t, const void *data, size_t len);
/* The digest of what was added so far into md, the etag going on (a
 * network channel's end marker carries it). 0, or -1 if libcrypto fails. */
int etag_peek(const struct etag *t, unsigned char md[ETAG_DIGEST_LEN]);
/* md as 40 lowercase hex digits and a NUL into hex. */
void etag_hex(const unsigned char md[ETAG_DIGEST_LEN], char *hex);
/* Finish into hex[ETAG_HEX_LEN + 1] (lowercase, NUL-terminated) and free. */
void etag_finish(struct etag *t, char *hex);
void etag_free(struct etag *t);

/* A running digest's state as bytes, and a digest made from such bytes (a
 * snapshot carries the etag of what a channel read before the fork,
 * docs/snapshots.md). The bytes mean something only to the same build. */
#define ETAG_STATE_LEN 96
void etag_state(const struct etag *t, unsigned char st[ETAG_STATE_LEN]);
struct etag *etag_from_state(const unsigned char st[ETAG_STATE_LEN]);

#endif
