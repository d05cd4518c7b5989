/*
 * fuzz_manifest: libFuzzer target for the manifest parser (src/manifest.c).
 * Any input must parse or fail with a recorded error, never crash, leak or
 * overrun (built with ASan and UBSan). A successful parse is checked for
 * the invariants the rest of the supervisor relies on.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct manifest m;
	struct zvm_error err = {0};
	if (manifest_parse((const char *)data, size, &m, &err) == 0) {
		if (err.code || !m.program || m.memory <= 0 || m.timeout < 1 || m.nchannel < 3 ||
		    m.nchannel > CHANNELS_MAX)
			abort();
		for (size_t i = 0; i < m.nchannel; i++) {
			const struct manifest_channel *c = &m.channel[i];
			if (!c->alias || !*c->alias || c->nuri < 1 || c->nuri > CHANNEL_URIS_MAX || c->type > 3 ||
			    (!manifest_channel_readable(c) && !manifest_channel_writable(c)))
				abort();
			for (int k = 0; k < LIMITS_N; k++)
				if (c->limit[k] < 0)
					abort();
		}
	} else if (!err.code || !err.msg[0]) {
		abort(); /* a failure must say why */
	}
	manifest_free(&m);
	return 0;
}
