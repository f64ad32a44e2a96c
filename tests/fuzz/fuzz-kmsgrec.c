// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: any bytes as a /dev/kmsg capture, split into records and parsed, and each
 * text through the verdict's message readers. Checks the contracts, not just "no crash".
 */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/kmsgrec.h"
#include "core/size.h"
#include "core/verdict.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	size_t off = 0;

	while (off < size) {
		struct hp_kmsg_rec rec;
		size_t n = hp_kmsg_rec_len(buf + off, size - off);
		uint64_t a, g;
		int node;
		char s[64];

		assert(n > 0 && n <= size - off);
		if (hp_kmsg_rec_parse(buf + off, n, &rec) == 0) {
			assert(rec.level <= 7);
			assert(strlen(rec.text) < sizeof(rec.text));
			if (hp_kmsg_alloc_failed(rec.text, &a, &g, &node, s, sizeof(s)))
				assert(node >= -1 && strlen(s) < sizeof(s));
			(void)hp_kmsg_names_size(rec.text, 2 * HP_MIB);
			(void)hp_kmsg_same(rec.text, "HugeTLB: registered 2.00 MiB page size");
		}
		off += n;
	}
	return 0;
}
