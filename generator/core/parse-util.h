/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Small value parsers every front end shares. Pure. */
#ifndef HP_PARSE_UTIL_H
#define HP_PARSE_UTIL_H

#include <stdbool.h>
#include <stdint.h>

/*
 * hp_parse_boolean - systemd's parse_boolean(): "1", "yes", "y", "true", "t", "on" are 1,
 * "0", "no", "n", "false", "f", "off" are 0, letters in any case ("OFF", "Yes"); anything
 * else, NULL included, is -EINVAL. hugeplan.conf's Enabled=, Strict=, ... and the
 * generator's hugeplan= read their values with it, as systemd reads its own.
 */
int hp_parse_boolean(const char *v);

/*
 * The C locale's character classes, by their ASCII ranges: what the kernel writes (sysfs,
 * /proc, its log) is ASCII whatever the locale. Not <ctype.h>'s: its table, and the strto*()
 * functions that read it, are pages of libc the verifier touches at boot for nothing else,
 * each a page fault (issue 20).
 */
static inline bool hp_isdigit(int c)
{
	return c >= '0' && c <= '9';
}

static inline bool hp_isxdigit(int c)
{
	return hp_isdigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* isspace() of the C locale: blank, \t, \n, \v, \f, \r */
static inline bool hp_isspace(int c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static inline int hp_tolower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/*
 * hp_dec_u64 - the decimal digits at s (none: 0, *end s), as strtoull(s, end, 10) reads a
 * string that begins with a digit: UINT64_MAX, and *over set when given, on overflow.
 */
static inline uint64_t hp_dec_u64(const char *s, const char **end, bool *over)
{
	uint64_t v = 0;
	bool big = false;

	for (; hp_isdigit(*s); s++) {
		unsigned d = (unsigned)(*s - '0');

		if (v > (UINT64_MAX - d) / 10)
			big = true;
		else
			v = v * 10 + d;
	}
	if (end)
		*end = s;
	if (over)
		*over = big;
	return big ? UINT64_MAX : v;
}

#endif
