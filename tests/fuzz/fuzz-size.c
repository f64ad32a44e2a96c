// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Sizes: hp_size_parse() (configuration values), hp_memparse() (the kernel's reading) and the
 * two ways sizes are printed. Input: the bytes are the string to parse (up to a NUL); the
 * first 8 bytes, read as a number, are also the size to print, the 9th the buffer length.
 *
 * Properties:
 * - hp_size_parse() agrees with a reference written here with 128-bit arithmetic: the same
 *   value, -ERANGE exactly when it does not fit 64 bits, -EINVAL otherwise;
 * - a parsed size printed as a token reads back to the same size, by hp_memparse() always and
 *   by hp_size_parse() when the unit is one it takes;
 * - without a leading 0 (octal, hex to the kernel), the kernel reads a valid configuration
 *   size as the same number of bytes and stops at its end;
 * - hp_memparse() never reads past the string;
 * - hp_size_human() prints "N[.D[D]] UNIT" with three significant digits (four when the
 *   rounding carries, as the kernel does), within 1% of the size, and both printers stay
 *   inside any buffer length.
 */
#include <errno.h>

#include "core/size.h"
#include "fuzz.h"

typedef unsigned __int128 u128;

/* -EINVAL, -ERANGE or 0 */
static int ref_parse(const char *s, uint64_t *out)
{
	u128 v = 0;
	bool big = false;
	int shift = 0;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	for (; *s >= '0' && *s <= '9'; s++) {
		v = v * 10 + (unsigned)(*s - '0');
		if (v > UINT64_MAX)
			big = true, v = (u128)UINT64_MAX + 1; /* stays above, no wrap */
	}
	if (*s) {
		const char *u = strchr("KkMmGgTt", *s);

		if (!u || s[1])
			return -EINVAL;
		shift = 10 * (1 + (int)(u - "KkMmGgTt") / 2);
	}
	v <<= shift;
	if (big || v > UINT64_MAX)
		return -ERANGE;
	*out = (uint64_t)v;
	return 0;
}

static void check_human(uint64_t bytes, const char *buf)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	unsigned long long whole;
	unsigned digits = 0, frac = 0, fdigits = 0;
	const char *p = buf;
	double v;
	size_t u;

	for (; *p >= '0' && *p <= '9'; p++)
		digits++;
	FZ_ASSERT(digits >= 1 && digits <= 4, "size %" PRIu64 " printed \"%s\"", bytes, buf);
	whole = strtoull(buf, NULL, 10);
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++) {
			frac = frac * 10 + (unsigned)(*p - '0');
			fdigits++;
		}
		/*
		 * three significant digits: 1.23, 12.3; or four when the rounding carried into
		 * the next digit, which 6.1's string_get_size() prints as 10.00 and 100.0
		 */
		FZ_ASSERT(fdigits >= 1 &&
				  (digits + fdigits == 3 || (digits + fdigits == 4 && frac == 0 &&
							     (whole == 10 || whole == 100))),
			  "size %" PRIu64 " printed \"%s\"", bytes, buf);
	} else {
		/* 123, or 1000 to 1024 when the rounding carried (size 999.x or 1023.x) */
		FZ_ASSERT(digits <= 3 || whole <= 1024, "size %" PRIu64 " printed \"%s\"", bytes,
			  buf);
	}
	FZ_ASSERT(*p == ' ', "size %" PRIu64 " printed \"%s\"", bytes, buf);
	p++;
	for (u = 0; u < 7; u++)
		if (!strcmp(p, units[u]))
			break;
	FZ_ASSERT(u < 7, "size %" PRIu64 " printed \"%s\": unknown unit", bytes, buf);
	if (bytes == 0) {
		FZ_ASSERT(!strcmp(buf, "0 B"), "0 printed \"%s\"", buf);
		return;
	}
	v = (double)whole + (double)frac / (fdigits == 1 ? 10.0 : fdigits == 2 ? 100.0 : 1.0);
	for (size_t k = 0; k < u; k++)
		v *= 1024.0;
	FZ_ASSERT(v >= (double)bytes * 0.99 && v <= (double)bytes * 1.01,
		  "size %" PRIu64 " printed \"%s\": more than 1%% off", bytes, buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_in in = { data, size };
	uint64_t num = fz_u64(&in), a = 0, b = 0;
	size_t blen = fz_u8(&in) % 40;
	char *s = malloc(size + 1), tok[32], human[32], small[40];
	const char *end;
	int unit_err, r, rr;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';

	r = hp_size_parse(s, &a, &unit_err);
	rr = ref_parse(s, &b);
	FZ_ASSERT(r == rr, "\"%s\": hp_size_parse %d, reference %d", s, r, rr);
	if (r == 0) {
		FZ_ASSERT(a == b, "\"%s\": %" PRIu64 " != reference %" PRIu64, s, a, b);
		hp_size_token(a, tok, sizeof(tok));
		FZ_ASSERT(hp_memparse(tok, &end) == a && *end == '\0',
			  "\"%s\" -> %" PRIu64 " -> token \"%s\" reads back wrong", s, a, tok);
		if (!strpbrk(tok, "PE")) {
			FZ_ASSERT(hp_size_parse(tok, &b, NULL) == 0 && b == a,
				  "token \"%s\" of %" PRIu64 " does not parse back", tok, a);
		}
		if (s[0] != '0') {
			b = hp_memparse(s, &end);
			FZ_ASSERT(b == a && *end == '\0',
				  "\"%s\": the kernel reads %" PRIu64
				  " ending at \"%s\", not %" PRIu64,
				  s, b, end, a);
		}
	}
	end = NULL;
	(void)hp_memparse(s, &end);
	FZ_ASSERT(end >= s && end <= s + strlen(s), "hp_memparse read past the string");

	hp_size_human(num, human, sizeof(human));
	check_human(num, human);
	/* any buffer length: NUL-terminated, a prefix of the full text */
	memset(small, 'x', sizeof(small));
	if (blen) {
		hp_size_human(num, small, blen);
		FZ_ASSERT(memchr(small, '\0', blen) && !strncmp(small, human, strlen(small)),
			  "hp_size_human with %zu bytes", blen);
		for (size_t i = blen; i < sizeof(small); i++)
			FZ_ASSERT(small[i] == 'x', "hp_size_human wrote past %zu bytes", blen);
		memset(small, 'x', sizeof(small));
		hp_size_token(num, tok, sizeof(tok));
		hp_size_token(num, small, blen);
		FZ_ASSERT(memchr(small, '\0', blen) && !strncmp(small, tok, strlen(small)),
			  "hp_size_token with %zu bytes", blen);
		for (size_t i = blen; i < sizeof(small); i++)
			FZ_ASSERT(small[i] == 'x', "hp_size_token wrote past %zu bytes", blen);
	}
	free(s);
	return 0;
}
