// SPDX-License-Identifier: GPL-2.0-or-later
#include <inttypes.h>
#include <stdio.h>

#include "cli/table.h"
#include "core/size.h"

struct libscols_table *hp_table_new(const char *name, const struct hp_column *cols, size_t n)
{
	struct libscols_table *t = scols_new_table();

	if (!t)
		return NULL;
	if (name)
		scols_table_set_name(t, name);
	for (size_t i = 0; i < n; i++) {
		if (!scols_table_new_column(t, cols[i].name, 0, cols[i].flags)) {
			scols_unref_table(t);
			return NULL;
		}
	}
	return t;
}

void hp_cell_u64(struct libscols_line *ln, size_t col, uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	scols_line_set_data(ln, col, buf);
}

void hp_cell_size(struct libscols_line *ln, size_t col, uint64_t v, bool bytes)
{
	char buf[32];

	if (bytes)
		snprintf(buf, sizeof(buf), "%" PRIu64, v);
	else
		hp_size_human(v, buf, sizeof(buf));
	scols_line_set_data(ln, col, buf);
}

void hp_cell_page(struct libscols_line *ln, size_t col, uint64_t size)
{
	char buf[24];

	hp_size_token(size, buf, sizeof(buf));
	scols_line_set_data(ln, col, buf);
}
