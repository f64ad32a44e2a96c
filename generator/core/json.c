// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "core/text.h"

void hp_json_init(struct hp_json *j)
{
	memset(j, 0, sizeof(*j));
}

void hp_json_init_fixed(struct hp_json *j, char *buf, size_t cap)
{
	memset(j, 0, sizeof(*j));
	hp_text_init_fixed(&j->out, buf, cap);
}

void hp_json_free(struct hp_json *j)
{
	hp_text_free(&j->out);
}

static void put(struct hp_json *j, const char *s, size_t n)
{
	if (j->err)
		return;
	hp_text_put(&j->out, s, n);
	j->err = j->out.err;
}

static void puts_(struct hp_json *j, const char *s)
{
	put(j, s, strlen(s));
}

static void indent(struct hp_json *j)
{
	/* a newline and two blanks a level, in one piece */
	static const char nl[] =
		"\n                                                                ";
	int depth = j->depth < 0 ? 0 : j->depth;

	if ((size_t)depth * 2 + 1 < sizeof(nl)) {
		put(j, nl, (size_t)depth * 2 + 1);
		return;
	}
	put(j, "\n", 1);
	for (int i = 0; i < depth; i++)
		put(j, "  ", 2);
}

/* v in decimal into b (at least 21 bytes), NUL-terminated; its length */
static size_t decimal(char *b, uint64_t v, bool minus)
{
	char t[20];
	size_t n = 0, o = 0;

	do {
		t[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	if (minus)
		b[o++] = '-';
	while (n)
		b[o++] = t[--n];
	b[o] = '\0';
	return o;
}

/* length of a valid UTF-8 sequence at s, or 0 */
static size_t utf8_len(const unsigned char *s)
{
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		return (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (s[0] >= 0xe0 && s[0] <= 0xef) {
		if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
			return 0;
		if (s[0] == 0xe0 && s[1] < 0xa0)
			return 0; /* overlong */
		if (s[0] == 0xed && s[1] >= 0xa0)
			return 0; /* surrogates */
		return 3;
	}
	if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 || (s[3] & 0xc0) != 0x80)
			return 0;
		if (s[0] == 0xf0 && s[1] < 0x90)
			return 0;
		if (s[0] == 0xf4 && s[1] >= 0x90)
			return 0;
		return 4;
	}
	return 0;
}

static void quoted(struct hp_json *j, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	put(j, "\"", 1);
	while (*s) {
		char esc[8];
		size_t run = 0;

		/* printable ASCII needs nothing: copied a run at a time */
		while (s[run] >= 0x20 && s[run] < 0x7f && s[run] != '"' && s[run] != '\\')
			run++;
		if (run) {
			put(j, (const char *)s, run);
			s += run;
			continue;
		}
		if (*s == '"' || *s == '\\') {
			esc[0] = '\\';
			esc[1] = (char)*s;
			put(j, esc, 2);
			s++;
		} else if (*s < 0x20 || *s == 0x7f) {
			snprintf(esc, sizeof(esc), "\\u%04x", *s);
			puts_(j, esc);
			s++;
		} else {
			size_t n = utf8_len(s);

			if (n) {
				put(j, (const char *)s, n);
				s += n;
			} else {
				puts_(j, "\\ufffd");
				s++;
			}
		}
	}
	put(j, "\"", 1);
}

static void member(struct hp_json *j, const char *key)
{
	if (j->depth > 0) {
		if (j->need_comma[j->depth])
			put(j, ",", 1);
		indent(j);
		j->need_comma[j->depth] = true;
		if (key && j->closer[j->depth] == '}') {
			quoted(j, key);
			put(j, ": ", 2);
		} else if (key || j->closer[j->depth] == '}') {
			j->err = j->err ? j->err
					: -EINVAL; /* key in an array, or none in an object */
		}
	} else if (j->out.len) {
		j->err = j->err ? j->err : -EINVAL; /* a second top-level value */
	}
}

static void open_(struct hp_json *j, const char *key, char o, char c)
{
	member(j, key);
	if (j->depth >= HP_JSON_MAX_DEPTH) {
		j->err = j->err ? j->err : -E2BIG;
		return;
	}
	put(j, &o, 1);
	j->depth++;
	j->need_comma[j->depth] = false;
	j->closer[j->depth] = c;
}

void hp_json_object(struct hp_json *j, const char *key)
{
	open_(j, key, '{', '}');
}

void hp_json_array(struct hp_json *j, const char *key)
{
	open_(j, key, '[', ']');
}

void hp_json_end(struct hp_json *j)
{
	char c;
	bool had = j->depth > 0 && j->need_comma[j->depth];

	if (j->depth <= 0) {
		j->err = j->err ? j->err : -EINVAL;
		return;
	}
	c = j->closer[j->depth];
	j->depth--;
	if (had)
		indent(j);
	put(j, &c, 1);
}

void hp_json_str(struct hp_json *j, const char *key, const char *val)
{
	member(j, key);
	if (val)
		quoted(j, val);
	else
		puts_(j, "null");
}

void hp_json_u64(struct hp_json *j, const char *key, uint64_t val)
{
	char b[24];

	member(j, key);
	put(j, b, decimal(b, val, false));
}

void hp_json_i64(struct hp_json *j, const char *key, int64_t val)
{
	char b[24];

	member(j, key);
	/* the magnitude as unsigned: -INT64_MIN does not fit an int64_t */
	put(j, b, decimal(b, val < 0 ? 0 - (uint64_t)val : (uint64_t)val, val < 0));
}

void hp_json_bool(struct hp_json *j, const char *key, bool val)
{
	member(j, key);
	puts_(j, val ? "true" : "false");
}

int hp_json_finish(struct hp_json *j, char **out, size_t *len)
{
	if (!j->err && (j->depth != 0 || !j->out.len))
		j->err = -EINVAL;
	put(j, "\n", 1);
	if (j->err) {
		int r = j->err;

		hp_json_free(j);
		return r;
	}
	return hp_text_finish(&j->out, out, len);
}
