/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A minimal strict JSON reader (RFC 8259) for the harnesses that check what hugeplan writes
 * (the JSON writer here; the boot report writer later). It shares no code with core/json.c.
 *
 * Strict: one value, then only whitespace; no trailing commas, no leading zeros, no bare
 * control characters in strings, only the escapes of the RFC, \u surrogates only in pairs,
 * raw bytes valid UTF-8 (shortest form, no surrogates, at most U+10FFFF), nesting at most
 * FZJ_MAX_DEPTH. It can also record what it read as a flat list of events, so a harness can
 * compare the document with what it asked the writer to write.
 */
#ifndef HP_JSON_CHECK_H
#define HP_JSON_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define FZJ_MAX_DEPTH 64

/* events: 'O' object, 'A' array, 'E' end, 'K' key, 'S' string, 'N' number, 'T', 'F', 'Z' null */
struct fzj_out {
	uint8_t *buf; /* each event: its letter, then for K S N a 4-byte length and the bytes */
	size_t len, cap;
};

struct fzj {
	const unsigned char *p, *end;
	int depth;
	struct fzj_out *out;
	const char *err;
};

static inline void fzj_emit(struct fzj *j, char ev, const void *s, size_t n)
{
	struct fzj_out *o = j->out;
	size_t need = 1 + (s ? 4 + n : 0);

	if (!o)
		return;
	if (o->len + need > o->cap) {
		size_t cap = o->cap ? o->cap : 256;
		uint8_t *nb;

		while (o->len + need > cap)
			cap *= 2;
		nb = realloc(o->buf, cap);
		if (!nb)
			abort();
		o->buf = nb;
		o->cap = cap;
	}
	o->buf[o->len++] = (uint8_t)ev;
	if (s) {
		uint32_t l = (uint32_t)n;

		memcpy(o->buf + o->len, &l, 4);
		memcpy(o->buf + o->len + 4, s, n);
		o->len += 4 + n;
	}
}

static inline void fzj_ws(struct fzj *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

static inline bool fzj_fail(struct fzj *j, const char *why)
{
	if (!j->err)
		j->err = why;
	return false;
}

/* the code point of a valid UTF-8 sequence at p (n bytes left), its length in *len; or -1 */
static inline long fzj_utf8(const unsigned char *p, size_t n, size_t *len)
{
	long cp;
	size_t k;

	if (p[0] < 0x80) {
		*len = 1;
		return p[0];
	}
	if ((p[0] & 0xe0) == 0xc0)
		k = 2, cp = p[0] & 0x1f;
	else if ((p[0] & 0xf0) == 0xe0)
		k = 3, cp = p[0] & 0x0f;
	else if ((p[0] & 0xf8) == 0xf0)
		k = 4, cp = p[0] & 0x07;
	else
		return -1;
	if (n < k)
		return -1;
	for (size_t i = 1; i < k; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return -1;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	/* shortest form only, no surrogates, not beyond U+10FFFF */
	if ((k == 2 && cp < 0x80) || (k == 3 && cp < 0x800) || (k == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return -1;
	*len = k;
	return cp;
}

static inline size_t fzj_put_utf8(unsigned char *d, long cp)
{
	if (cp < 0x80) {
		d[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		d[0] = (unsigned char)(0xc0 | cp >> 6);
		d[1] = (unsigned char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		d[0] = (unsigned char)(0xe0 | cp >> 12);
		d[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
		d[2] = (unsigned char)(0x80 | (cp & 0x3f));
		return 3;
	}
	d[0] = (unsigned char)(0xf0 | cp >> 18);
	d[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3f));
	d[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
	d[3] = (unsigned char)(0x80 | (cp & 0x3f));
	return 4;
}

static inline long fzj_hex4(struct fzj *j)
{
	long v = 0;

	if (j->end - j->p < 4)
		return -1;
	for (int i = 0; i < 4; i++) {
		unsigned char c = *j->p++;

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return -1;
	}
	return v;
}

/* a string at j->p (the opening quote); emits ev with the decoded UTF-8 */
static inline bool fzj_string(struct fzj *j, char ev)
{
	const unsigned char *q = j->p + 1;
	unsigned char *d;
	size_t o = 0;

	/* decoded, a string is never longer than its raw text: allocate that much */
	while (q < j->end && *q != '"')
		q += *q == '\\' ? 2 : 1;
	d = malloc((size_t)(q - j->p) + 4);
	if (!d)
		abort();
	j->p++;
	for (;;) {
		long cp;
		size_t len;

		if (j->p >= j->end) {
			free(d);
			return fzj_fail(j, "unterminated string");
		}
		if (*j->p == '"') {
			j->p++;
			break;
		}
		if (*j->p < 0x20) {
			free(d);
			return fzj_fail(j, "a control character in a string");
		}
		if (*j->p != '\\') {
			cp = fzj_utf8(j->p, (size_t)(j->end - j->p), &len);
			if (cp < 0) {
				free(d);
				return fzj_fail(j, "invalid UTF-8 in a string");
			}
			memcpy(d + o, j->p, len);
			o += len;
			j->p += len;
			continue;
		}
		if (++j->p >= j->end) {
			free(d);
			return fzj_fail(j, "unterminated escape");
		}
		switch (*j->p++) {
		case '"':
			d[o++] = '"';
			continue;
		case '\\':
			d[o++] = '\\';
			continue;
		case '/':
			d[o++] = '/';
			continue;
		case 'b':
			d[o++] = '\b';
			continue;
		case 'f':
			d[o++] = '\f';
			continue;
		case 'n':
			d[o++] = '\n';
			continue;
		case 'r':
			d[o++] = '\r';
			continue;
		case 't':
			d[o++] = '\t';
			continue;
		case 'u':
			break;
		default:
			free(d);
			return fzj_fail(j, "an unknown escape");
		}
		cp = fzj_hex4(j);
		if (cp >= 0xd800 && cp <= 0xdbff) {
			long lo;

			if (j->end - j->p < 2 || j->p[0] != '\\' || j->p[1] != 'u') {
				free(d);
				return fzj_fail(j, "a lone high surrogate");
			}
			j->p += 2;
			lo = fzj_hex4(j);
			if (lo < 0xdc00 || lo > 0xdfff) {
				free(d);
				return fzj_fail(j, "a high surrogate without its low one");
			}
			cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
		} else if (cp < 0 || (cp >= 0xdc00 && cp <= 0xdfff)) {
			free(d);
			return fzj_fail(j, "a bad \\u escape");
		}
		o += fzj_put_utf8(d + o, cp);
	}
	fzj_emit(j, ev, d, o);
	free(d);
	return true;
}

static inline bool fzj_number(struct fzj *j)
{
	const unsigned char *s = j->p;

	if (j->p < j->end && *j->p == '-')
		j->p++;
	if (j->p >= j->end || *j->p < '0' || *j->p > '9')
		return fzj_fail(j, "a number without digits");
	if (*j->p == '0')
		j->p++;
	else
		while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
			j->p++;
	if (j->p < j->end && *j->p == '.') {
		if (++j->p >= j->end || *j->p < '0' || *j->p > '9')
			return fzj_fail(j, "a fraction without digits");
		while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
			j->p++;
	}
	if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
		j->p++;
		if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
			j->p++;
		if (j->p >= j->end || *j->p < '0' || *j->p > '9')
			return fzj_fail(j, "an exponent without digits");
		while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
			j->p++;
	}
	fzj_emit(j, 'N', s, (size_t)(j->p - s));
	return true;
}

static inline bool fzj_value(struct fzj *j);

static inline bool fzj_container(struct fzj *j, bool object)
{
	char close = object ? '}' : ']';

	if (++j->depth > FZJ_MAX_DEPTH)
		return fzj_fail(j, "nested too deep");
	fzj_emit(j, object ? 'O' : 'A', NULL, 0);
	j->p++;
	fzj_ws(j);
	if (j->p < j->end && *j->p == close) {
		j->p++;
		goto done;
	}
	for (;;) {
		if (object) {
			if (j->p >= j->end || *j->p != '"')
				return fzj_fail(j, "a member without a string key");
			if (!fzj_string(j, 'K'))
				return false;
			fzj_ws(j);
			if (j->p >= j->end || *j->p != ':')
				return fzj_fail(j, "a key without ':'");
			j->p++;
			fzj_ws(j);
		}
		if (!fzj_value(j))
			return false;
		fzj_ws(j);
		if (j->p < j->end && *j->p == ',') {
			j->p++;
			fzj_ws(j);
			continue;
		}
		if (j->p < j->end && *j->p == close) {
			j->p++;
			break;
		}
		return fzj_fail(j, "expected ',' or the end of the container");
	}
done:
	fzj_emit(j, 'E', NULL, 0);
	j->depth--;
	return true;
}

static inline bool fzj_lit(struct fzj *j, const char *w, char ev)
{
	size_t n = strlen(w);

	if ((size_t)(j->end - j->p) < n || memcmp(j->p, w, n))
		return fzj_fail(j, "an unknown literal");
	j->p += n;
	fzj_emit(j, ev, NULL, 0);
	return true;
}

static inline bool fzj_value(struct fzj *j)
{
	if (j->p >= j->end)
		return fzj_fail(j, "a value expected");
	switch (*j->p) {
	case '{':
		return fzj_container(j, true);
	case '[':
		return fzj_container(j, false);
	case '"':
		return fzj_string(j, 'S');
	case 't':
		return fzj_lit(j, "true", 'T');
	case 'f':
		return fzj_lit(j, "false", 'F');
	case 'n':
		return fzj_lit(j, "null", 'Z');
	default:
		return fzj_number(j);
	}
}

/* NULL when s[0..n) is one strict JSON document (events into out, if given), else why not */
static inline const char *fzj_check(const char *s, size_t n, struct fzj_out *out)
{
	struct fzj j = { (const unsigned char *)s, (const unsigned char *)s + n, 0, out, NULL };

	fzj_ws(&j);
	if (!fzj_value(&j))
		return j.err;
	fzj_ws(&j);
	if (j.p != j.end)
		return "bytes after the document";
	return NULL;
}

#endif
