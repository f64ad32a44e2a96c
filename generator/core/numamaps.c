// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/numamaps.h"

unsigned hp_numa_maps_huge(const char *text, uint64_t size, uint64_t *pages)
{
	uint64_t line_pages[HP_MAX_NODES];
	unsigned n = 0;
	const char *p = text;

	memset(pages, 0, HP_MAX_NODES * sizeof(*pages));
	while (*p) {
		const char *eol = strchr(p, '\n');
		bool huge = false;
		uint64_t kb = 0;

		if (!eol)
			eol = p + strlen(p);
		memset(line_pages, 0, sizeof(line_pages));
		for (const char *w = p; w < eol;) {
			const char *e = w;
			char *x;

			while (e < eol && *e != ' ')
				e++;
			if (e - w == 4 && !strncmp(w, "huge", 4))
				huge = true;
			else if (w[0] == 'N' && w[1] >= '0' && w[1] <= '9') {
				unsigned long node = strtoul(w + 1, &x, 10);

				if (*x == '=' && node < HP_MAX_NODES)
					line_pages[node] = strtoull(x + 1, NULL, 10);
			} else if (!strncmp(w, "kernelpagesize_kB=", 18)) {
				kb = strtoull(w + 18, NULL, 10);
			}
			w = e < eol ? e + 1 : e;
		}
		if (huge && kb * 1024 == size) {
			for (unsigned k = 0; k < HP_MAX_NODES; k++)
				pages[k] += line_pages[k];
			n++;
		}
		p = *eol ? eol + 1 : eol;
	}
	return n;
}
