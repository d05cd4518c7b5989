/*
 * sha256.c - the SHA-256 of files or of standard input, printed as
 * sha256sum(1) does ("<hex>  <name>", "-" for standard input).
 *
 *   sha256 [FILE...]
 *
 * An ordinary static C program (musl) with libcrypto's SHA-256 (Debian's
 * static libcrypto.a: its assembly picks the fastest code the CPU offers),
 * for data-local digests next to stored objects (bench/swift.sh). Exit 1
 * with a message when a file cannot be read.
 */
#define OPENSSL_SUPPRESS_DEPRECATED /* SHA256_* are deprecated in 3.0, not removed */
#include <errno.h>
#include <fcntl.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define CHUNK (1 << 20)

static unsigned char buf[CHUNK];

/* Digest fd into out (hex); 0, or -1 with errno. */
static int digest(int fd, char out[2 * SHA256_DIGEST_LENGTH + 1])
{
	SHA256_CTX ctx;
	SHA256_Init(&ctx);
	for (;;) {
		ssize_t n = read(fd, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		SHA256_Update(&ctx, buf, (size_t)n);
	}
	unsigned char md[SHA256_DIGEST_LENGTH];
	SHA256_Final(md, &ctx);
	for (unsigned i = 0; i < SHA256_DIGEST_LENGTH; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	return 0;
}

int main(int argc, char **argv)
{
	char hex[2 * SHA256_DIGEST_LENGTH + 1];
	int status = 0;
	if (argc < 2) {
		if (digest(0, hex) < 0) {
			fprintf(stderr, "sha256: standard input: %s\n", strerror(errno));
			return 1;
		}
		printf("%s  -\n", hex);
		return 0;
	}
	for (int i = 1; i < argc; i++) {
		int fd = open(argv[i], O_RDONLY);
		if (fd < 0 || digest(fd, hex) < 0) {
			fprintf(stderr, "sha256: %s: %s\n", argv[i], strerror(errno));
			status = 1;
		} else {
			printf("%s  %s\n", hex, argv[i]);
		}
		if (fd >= 0)
			close(fd);
	}
	return status;
}
