/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared by the libFuzzer harnesses (tests/fuzz/fuzz-*.c, one per harness) and by the unit
 * tests that reuse their checks: a failed property aborts with a message, so libFuzzer keeps
 * the input as a crash, and the strict grammar of the kernel arguments hugeplan may write,
 * written here from the rendering rules of core/render.h without any of render.c's code.
 */
#ifndef HP_FUZZ_H
#define HP_FUZZ_H

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FZ_ASSERT(cond, ...)                                                                       \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "property failed at %s:%d: %s\n", __FILE__, __LINE__,      \
				#cond);                                                            \
			fprintf(stderr, __VA_ARGS__);                                              \
			fputc('\n', stderr);                                                       \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

/* Reads fixed-size values off the front of a fuzz input, zeros once it runs out. */
struct fz_in {
	const uint8_t *p;
	size_t n;
};

static inline uint8_t fz_u8(struct fz_in *in)
{
	uint8_t v = 0;

	if (in->n) {
		v = *in->p++;
		in->n--;
	}
	return v;
}

static inline uint64_t fz_u64(struct fz_in *in)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | fz_u8(in);
	return v;
}

/* a decimal number without sign or leading zero that fits 64 bits; *end after it */
static inline bool fz_dec(const char *s, uint64_t *v, const char **end)
{
	uint64_t n = 0;
	const char *p = s;

	if (*p < '0' || *p > '9' || (p[0] == '0' && p[1] >= '0' && p[1] <= '9'))
		return false;
	for (; *p >= '0' && *p <= '9'; p++) {
		unsigned d = (unsigned)(*p - '0');

		if (n > (UINT64_MAX - d) / 10)
			return false;
		n = n * 10 + d;
	}
	*v = n;
	*end = p;
	return true;
}

/* a size token: a decimal, then nothing or one of K M G T P E; its value in bytes */
static inline bool fz_size(const char *s, uint64_t *bytes)
{
	static const char units[] = "KMGTPE";
	const char *e, *u;
	uint64_t v;

	if (!fz_dec(s, &v, &e) || v == 0)
		return false;
	if (!*e) {
		*bytes = v;
		return true;
	}
	u = strchr(units, *e);
	if (!u || !*u || e[1])
		return false;
	for (const char *k = units; k <= u; k++) {
		if (v > UINT64_MAX >> 10)
			return false;
		v <<= 10;
	}
	*bytes = v;
	return true;
}

/* what the grammar read from one rendering */
struct fz_args {
	uint64_t default_size; /* 0: none */
	uint64_t sizes[16];
	uint64_t pages[16];
	uint64_t node_pages[16][64];
	bool node_form[16];
	size_t nr;
	bool free_vmemmap;
	char plan_id[17];
};

/*
 * fz_kargs_check - whether toks[0..n) is exactly a rendering hugeplan may write:
 *
 *   [default_hugepagesz=SIZE] (hugepagesz=SIZE hugepages=COUNTS)+ [hugetlb_free_vmemmap=on]
 *   hugeplan.plan=HEX16
 *
 * SIZE a decimal (no leading zero) and an optional unit K M G T P E, COUNTS a decimal or
 * NODE:COUNT[,NODE:COUNT...] with nodes below 64 in ascending order, sizes ascending, and
 * nothing else: no other byte, no other word, no empty value. Or no token at all. On success
 * fills *out (may be NULL) and returns NULL; else returns what is wrong.
 */
static inline const char *fz_kargs_check(const char *const *toks, size_t n, struct fz_args *out)
{
	struct fz_args a;
	size_t i = 0;

	memset(&a, 0, sizeof(a));
	if (n == 0)
		goto ok;
	if (!strncmp(toks[i], "default_hugepagesz=", 19)) {
		if (!fz_size(toks[i] + 19, &a.default_size))
			return "default_hugepagesz= is not a size";
		i++;
	}
	while (i < n && !strncmp(toks[i], "hugepagesz=", 11)) {
		const char *v, *e;
		uint64_t x, y;
		int last = -1;

		if (a.nr == 16)
			return "too many sizes";
		if (!fz_size(toks[i] + 11, &a.sizes[a.nr]))
			return "hugepagesz= is not a size";
		if (a.nr && a.sizes[a.nr] <= a.sizes[a.nr - 1])
			return "sizes not ascending";
		if (++i == n || strncmp(toks[i], "hugepages=", 10))
			return "hugepagesz= not followed by hugepages=";
		v = toks[i] + 10;
		if (!fz_dec(v, &x, &e))
			return "hugepages= does not start with a number";
		if (!*e) {
			a.pages[a.nr] = x;
		} else {
			a.node_form[a.nr] = true;
			for (;;) {
				if (*e != ':' || x >= 64 || (int)x <= last)
					return "hugepages= node not below 64, ascending, then ':'";
				if (!fz_dec(e + 1, &y, &e))
					return "hugepages= node count is not a number";
				a.node_pages[a.nr][x] = y;
				if (a.pages[a.nr] > UINT64_MAX - y)
					return "hugepages= node counts overflow";
				a.pages[a.nr] += y;
				last = (int)x;
				if (!*e)
					break;
				if (*e != ',' || !fz_dec(e + 1, &x, &e))
					return "hugepages= list: expected ,NODE";
			}
		}
		a.nr++;
		i++;
	}
	if (a.nr == 0)
		return "no hugepagesz= pair";
	if (i < n && !strcmp(toks[i], "hugetlb_free_vmemmap=on")) {
		a.free_vmemmap = true;
		i++;
	}
	if (i + 1 != n || strncmp(toks[i], "hugeplan.plan=", 14) || strlen(toks[i]) != 30)
		return "not ending with one hugeplan.plan=<16 hex digits>";
	for (const char *h = toks[i] + 14; *h; h++)
		if (!((*h >= '0' && *h <= '9') || (*h >= 'a' && *h <= 'f')))
			return "plan id is not lowercase hex";
	memcpy(a.plan_id, toks[i] + 14, 17);
ok:
	if (out)
		*out = a;
	return NULL;
}

/* FNV-1a 64 of the tokens before the plan id, joined by single blanks (core/render.h) */
static inline uint64_t fz_plan_id(const char *const *toks, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < n; i++) {
		if (i)
			h = (h ^ ' ') * 0x100000001b3ULL;
		for (const unsigned char *t = (const unsigned char *)toks[i]; *t; t++)
			h = (h ^ *t) * 0x100000001b3ULL;
	}
	return h;
}

#endif
