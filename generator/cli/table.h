/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The libsmartcols tables of plan and status: columns described once (util-linux's coldesc),
 * and the cells every table fills the same way.
 */
#ifndef HP_CLI_TABLE_H
#define HP_CLI_TABLE_H

#include <libsmartcols.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct hp_column {
	const char *name;
	int flags; /* SCOLS_FL_RIGHT for numbers, 0 for text */
};

/* hp_table_new - a table of these columns, named (for scols) unless name is NULL; NULL no memory */
struct libscols_table *hp_table_new(const char *name, const struct hp_column *cols, size_t n);

/* hp_cell_u64 - v in decimal */
void hp_cell_u64(struct libscols_line *ln, size_t col, uint64_t v);

/* hp_cell_size - a size as "16.0 GiB", or in bytes (--bytes) */
void hp_cell_size(struct libscols_line *ln, size_t col, uint64_t v, bool bytes);

/* hp_cell_page - a page size as its token: "2M", "1G" */
void hp_cell_page(struct libscols_line *ln, size_t col, uint64_t size);

#endif
