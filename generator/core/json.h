/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A small streaming JSON writer into a growing memory buffer. The early-boot verifier writes
 * its report with it, so it must not pull in a library; the CLI uses the same writer so the
 * report and the CLI agree on one encoding. Strings are escaped per RFC 8259; bytes that are
 * not valid UTF-8 become U+FFFD, so any input yields valid JSON.
 *
 * Errors (allocation failure, nesting deeper than HP_JSON_MAX_DEPTH, mismatched end) are
 * sticky: hp_json_finish() returns the first one as -errno.
 */
#ifndef HP_JSON_H
#define HP_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/text.h"

#define HP_JSON_MAX_DEPTH 32

struct hp_json {
	struct hp_text out;
	int depth;
	bool need_comma[HP_JSON_MAX_DEPTH + 1];
	char closer[HP_JSON_MAX_DEPTH + 1];
	int err;
};

void hp_json_init(struct hp_json *j);
/* hp_json_init_fixed - the document is written into buf (hp_text_init_fixed()) */
void hp_json_init_fixed(struct hp_json *j, char *buf, size_t cap);
/* key is NULL for array elements and the top-level value */
void hp_json_object(struct hp_json *j, const char *key);
void hp_json_array(struct hp_json *j, const char *key);
void hp_json_end(struct hp_json *j);
void hp_json_str(struct hp_json *j, const char *key, const char *val); /* NULL val: null */
void hp_json_u64(struct hp_json *j, const char *key, uint64_t val);
void hp_json_i64(struct hp_json *j, const char *key, int64_t val);
void hp_json_bool(struct hp_json *j, const char *key, bool val);
/*
 * hp_json_finish - close the document (a newline is appended); on success *out takes the
 * NUL-terminated buffer (free() it) and 0 is returned; else -errno and nothing to free.
 */
int hp_json_finish(struct hp_json *j, char **out, size_t *len);
void hp_json_free(struct hp_json *j);

#endif
