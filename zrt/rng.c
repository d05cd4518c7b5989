/*
 * rng.c - randomness: xoshiro256**, seeded by the configuration (the
 * FNV-1a hash of the nvram text, config.c), behind getrandom and
 * /dev/random and /dev/urandom. Deterministic and not secret.
 */
#include <linux/random.h>

#include "rng.h"
#include "syscall.h"
#include "user.h"
#include "zrt.h"

static uint64_t rs[4];

static uint64_t splitmix(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

void rng_seed(uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		rs[i] = splitmix(&seed);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t rng_next(void)
{
	uint64_t r = rotl(rs[1] * 5, 7) * 9, t = rs[1] << 17;
	rs[2] ^= rs[0];
	rs[3] ^= rs[1];
	rs[1] ^= rs[2];
	rs[0] ^= rs[3];
	rs[2] ^= t;
	rs[3] = rotl(rs[3], 45);
	return r;
}

void rng_fill(void *buf, size_t n)
{
	unsigned char *p = buf;
	while (n) {
		uint64_t r = rng_next();
		size_t k = n < 8 ? n : 8;
		memcpy(p, &r, k);
		p += k;
		n -= k;
	}
}

long sys_getrandom(const struct sys_call *c)
{
	const long *a = c->a;
	if (a[2] & ~(long)(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE))
		return -EINVAL;
	if ((a[2] & (GRND_RANDOM | GRND_INSECURE)) == (GRND_RANDOM | GRND_INSECURE))
		return -EINVAL;
	if (!user_ok((uint64_t)a[0], (uint64_t)a[1]))
		return -EFAULT;
	rng_fill((void *)a[0], (size_t)a[1]);
	return a[1];
}
