// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "core/macro.h"
#include "core/parse-util.h"
#include "core/size.h"

static int unit_shift(char c)
{
	switch (c) {
	case 'K':
	case 'k':
		return 10;
	case 'M':
	case 'm':
		return 20;
	case 'G':
	case 'g':
		return 30;
	case 'T':
	case 't':
		return 40;
	}
	return -1;
}

int hp_size_parse(const char *s, uint64_t *bytes, int *unit_err)
{
	uint64_t v = 0;
	const char *p = s;
	bool big = false;
	int shift = 0;

	if (unit_err)
		*unit_err = 0;
	if (!s || !hp_isdigit((unsigned char)*p))
		return -EINVAL;
	for (; hp_isdigit((unsigned char)*p); p++) {
		unsigned d = (unsigned)(*p - '0');

		if (v > (UINT64_MAX - d) / 10)
			big = true;
		else
			v = v * 10 + d;
	}
	/* a malformed value is malformed, however long its digits */
	if (*p) {
		shift = unit_shift(*p);
		if (shift < 0 || p[1]) {
			if (unit_err)
				*unit_err = 1;
			return -EINVAL;
		}
	}
	if (big || (shift && v > (UINT64_MAX >> shift)))
		return -ERANGE;
	*bytes = v << shift;
	return 0;
}

/* lib/kstrtox.c: _parse_integer_fixup_radix() and _parse_integer(), wrapping on overflow. */
static uint64_t kernel_strtoull(const char *s, const char **end)
{
	unsigned base = 10;
	uint64_t v = 0;

	if (s[0] == '0') {
		if (hp_tolower((unsigned char)s[1]) == 'x' && hp_isxdigit((unsigned char)s[2])) {
			base = 16;
			s += 2;
		} else {
			base = 8;
		}
	}
	for (;; s++) {
		unsigned c = (unsigned char)*s, d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (hp_tolower((int)c) >= 'a' && hp_tolower((int)c) <= 'f')
			d = (unsigned)(hp_tolower((int)c) - 'a' + 10);
		else
			break;
		if (d >= base)
			break;
		v = v * base + d;
	}
	*end = s;
	return v;
}

uint64_t hp_memparse(const char *s, const char **end)
{
	const char *e;
	uint64_t v = kernel_strtoull(s, &e);
	int shift = -1;

	switch (*e) {
	case 'E':
	case 'e':
		shift = 60;
		break;
	case 'P':
	case 'p':
		shift = 50;
		break;
	default:
		shift = unit_shift(*e);
	}
	if (shift > 0) {
		v <<= shift;
		e++;
	}
	if (end)
		*end = e;
	return v;
}

void hp_size_token(uint64_t bytes, char *buf, size_t len)
{
	static const char units[] = "KMGTPE";
	int u = -1;

	while (bytes && u < 5 && (bytes & 1023) == 0) {
		bytes >>= 10;
		u++;
	}
	if (u < 0)
		snprintf(buf, len, "%llu", (unsigned long long)bytes);
	else
		snprintf(buf, len, "%llu%c", (unsigned long long)bytes, units[u]);
}

/*
 * lib/string_helpers.c string_get_size(size, 1, STRING_UNITS_2, ...) as in 6.1: Napier's
 * reduction, three significant digits, the digit below rounded half up.
 */
void hp_size_human(uint64_t size, char *buf, size_t len)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	static const unsigned rounding[] = { 500, 50, 5 };
	unsigned i = 0, j;
	uint32_t remainder = 0, sf_cap;
	char tmp[16];

	tmp[0] = '\0';
	if (size == 0)
		goto out;
	while (size >> 32) {
		size /= 1024; /* the kernel drops these remainders too */
		i++;
	}
	while (size >= 1024) {
		remainder = (uint32_t)(size % 1024);
		size /= 1024;
		i++;
	}
	sf_cap = (uint32_t)size;
	for (j = 0; sf_cap * 10 < 1000; j++)
		sf_cap *= 10;
	remainder *= 1000;
	remainder >>= 10;
	remainder += rounding[j];
	if (remainder >= 1000) {
		remainder -= 1000;
		size += 1;
	}
	if (j) {
		/* ".%03u" by hand: printf's zero padding is libc code touched only here */
		tmp[0] = '.';
		tmp[1] = (char)('0' + remainder / 100);
		tmp[2] = (char)('0' + remainder / 10 % 10);
		tmp[3] = (char)('0' + remainder % 10);
		tmp[j + 1] = '\0';
	}
out:
	if (i >= ARRAY_SIZE(units))
		snprintf(buf, len, "%u%s UNK", (uint32_t)size, tmp);
	else
		snprintf(buf, len, "%u%s %s", (uint32_t)size, tmp, units[i]);
}

int hp_kb_bytes(const char *s, const char **end, uint64_t *bytes)
{
	uint64_t kb = 0;
	bool over = false;

	if (!hp_isdigit((unsigned char)*s))
		return -EINVAL;
	for (; hp_isdigit((unsigned char)*s); s++) {
		unsigned d = (unsigned)(*s - '0');

		if (kb > (UINT64_MAX / 1024 - d) / 10)
			over = true;
		else
			kb = kb * 10 + d;
	}
	if (end)
		*end = s;
	if (over)
		return -ERANGE;
	*bytes = kb * 1024;
	return 0;
}
