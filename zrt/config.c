/*
 * config.c - the nvram (config.h, docs/nvram.md): its text, handed over by
 * the supervisor or read from the channel, parsed by nvram.c; what it says
 * of the channels; the seed it gives the generator.
 */
#include "chan.h"
#include "config.h"
#include "log.h"
#include "mem.h"
#include "nvram.h"
#include "user.h"
#include "zrt.h"

_Static_assert(ZRT_NVRAM_PRELOAD_MAX == NVRAM_TEXT_MAX + 1, "zrt_abi.h and nvram.h agree");

struct nvram config_nvram;
static const char *nvram_text;
static size_t nvram_len;

static char nvram_deferred[256];

const char *config_deferred_error(void)
{
	return nvram_deferred[0] ? nvram_deferred : 0;
}

/* The nvram text: handed over by the supervisor (zrt_abi.h), or, when its
 * source could not be read ahead (a pipe), read from the channel. */
static long read_nvram(char *err, size_t errlen)
{
	if (zrt_info.nvram_given) {
		uint64_t at = zrt_info.nvram_addr, len = zrt_info.nvram_len; /* reserved by zrt_main */
		if (len > NVRAM_TEXT_MAX)
			return zrt_fmt(err, errlen, "nvram: larger than %u bytes", (unsigned)NVRAM_TEXT_MAX), -1;
		nvram_text = len ? (const char *)at : 0;
		nvram_len = (size_t)len;
		return 0;
	}
	struct zchan *c = chan_find("/dev/nvram");
	if (!c || !c->readable)
		return 0;
	uint64_t cap = c->random_read ? c->size : 64 << 10;
	if (cap > NVRAM_TEXT_MAX)
		return zrt_fmt(err, errlen, "nvram: larger than %u bytes", (unsigned)NVRAM_TEXT_MAX), -1;
	char *buf = mem_alloc(NVRAM_TEXT_MAX + 1);
	if (!buf)
		return zrt_fmt(err, errlen, "nvram: out of memory"), -1;
	int64_t r = chan_pread(c, buf, NVRAM_TEXT_MAX + 1, 0);
	if (r < 0)
		return zrt_fmt(err, errlen, "nvram: read error %d", (int)r), -1;
	if ((uint64_t)r > NVRAM_TEXT_MAX)
		return zrt_fmt(err, errlen, "nvram: larger than %u bytes", (unsigned)NVRAM_TEXT_MAX), -1;
	nvram_text = buf;
	nvram_len = (size_t)r;
	return 0;
}

int config_reparse(struct nvram *out, void **arena, size_t *arena_size, char *err, size_t errlen)
{
	*arena = 0, *arena_size = 0;
	memset(out, 0, sizeof *out);
	if (zrt_info.nvram_given) { /* a resumed session's is new: take it */
		uint64_t len = zrt_info.nvram_len;
		if (len > NVRAM_TEXT_MAX)
			return zrt_fmt(err, errlen, "nvram: larger than %u bytes", (unsigned)NVRAM_TEXT_MAX), -1;
		nvram_text = len ? (const char *)zrt_info.nvram_addr : 0;
		nvram_len = (size_t)len;
	}
	if (!nvram_text)
		return 0;
	size_t n = nvram_arena_size(nvram_len);
	void *a = mem_alloc(n);
	if (!a)
		return zrt_fmt(err, errlen, "nvram: out of memory"), -1;
	if (nvram_parse(nvram_text, nvram_len, a, n, out, err, errlen) < 0) {
		mem_free(a, n);
		return -1;
	}
	*arena = a, *arena_size = n;
	return 0;
}

/* A line's section header: 1 for [args] and [env], 0 for another
 * section, -1 for a line that is not a header. */
static int args_or_env(const char *l, size_t n)
{
	size_t i = 0;
	while (i < n && (l[i] == ' ' || l[i] == '\t'))
		i++;
	if (i == n || l[i] != '[')
		return -1;
	return (n - i >= 6 && memcmp(l + i, "[args]", 6) == 0) || (n - i >= 5 && memcmp(l + i, "[env]", 5) == 0);
}

uint64_t config_seed(void)
{
	/* FNV-1a of the configuration less its [args] and [env] lines: what a
	 * resumed session may change (fork.c) does not change the stream. */
	uint64_t h = 0xcbf29ce484222325ull;
	bool skip = false;
	for (size_t i = 0; i < nvram_len;) {
		size_t n = 0;
		while (i + n < nvram_len && nvram_text[i + n] != '\n')
			n++;
		if (i + n < nvram_len)
			n++; /* with its newline */
		int hd = args_or_env(nvram_text + i, n);
		if (hd >= 0)
			skip = hd == 1;
		if (!skip)
			for (size_t k = 0; k < n; k++)
				h = (h ^ (unsigned char)nvram_text[i + k]) * 0x100000001b3ull;
		i += n;
	}
	return h;
}

int config_load(char *err, size_t errlen)
{
	long r = read_nvram(err, errlen);
	if (r == 0 && nvram_text) {
		void *arena = mem_alloc(nvram_arena_size(nvram_len));
		if (!arena) {
			zrt_fmt(err, errlen, "nvram: out of memory");
			r = -1;
		} else if (nvram_parse(nvram_text, nvram_len, arena, nvram_arena_size(nvram_len), &config_nvram, err,
				       errlen) < 0)
			r = -1;
		else
			log_verbosity = config_nvram.verbosity;
	}
	if (r < 0) {
		/* A channel read is spent anyway: fail now. A preloaded text
		 * that is not ours may be a raw program's own /dev/nvram: start
		 * without a configuration and fail only if the program turns
		 * out to need the runtime (zrt_sigsys). */
		if (!zrt_info.nvram_given)
			return -1;
		zrt_fmt(nvram_deferred, sizeof nvram_deferred, "%s", err);
		memset(&config_nvram, 0, sizeof config_nvram);
	}
	return 0;
}

int config_map_channels(char *err, size_t errlen)
{
	if (config_nvram.notes && !chan_find(config_nvram.notes))
		return zrt_fmt(err, errlen, "session: notes: no channel %s", config_nvram.notes), -1;
	for (int i = 0; i < config_nvram.nmapping; i++) {
		struct zchan *c = chan_find(config_nvram.mapping[i].channel);
		if (!c)
			return zrt_fmt(err, errlen, "mapping: no channel %s", config_nvram.mapping[i].channel), -1;
		c->mode = config_nvram.mapping[i].mode == NVRAM_MODE_PIPE   ? ZCHAN_PIPE
			  : config_nvram.mapping[i].mode == NVRAM_MODE_CHAR ? ZCHAN_CHAR
									    : ZCHAN_FILE;
	}
	return 0;
}
