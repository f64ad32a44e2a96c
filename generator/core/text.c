// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"

/* room for n more bytes and the NUL; false (and the error set) when there is none */
static bool reserve(struct hp_text *t, size_t n)
{
	size_t cap = t->cap ? t->cap : 256;
	char *nb;

	if (t->err)
		return false;
	if (t->len + n + 1 <= t->cap)
		return true;
	if (t->fixed) {
		t->err = -ENOBUFS;
		return false;
	}
	while (t->len + n + 1 > cap) {
		if (cap > SIZE_MAX / 2) {
			t->err = -ENOMEM;
			return false;
		}
		cap *= 2;
	}
	nb = realloc(t->buf, cap);
	if (!nb) {
		t->err = -ENOMEM;
		return false;
	}
	t->buf = nb;
	t->cap = cap;
	return true;
}

void hp_text_init_fixed(struct hp_text *t, char *buf, size_t cap)
{
	*t = (struct hp_text){ .buf = buf, .cap = cap, .fixed = true };
	buf[0] = '\0';
}

void hp_text_put(struct hp_text *t, const char *s, size_t n)
{
	if (!reserve(t, n))
		return;
	memcpy(t->buf + t->len, s, n);
	t->len += n;
	t->buf[t->len] = '\0';
}

void hp_text_puts(struct hp_text *t, const char *s)
{
	hp_text_put(t, s, strlen(s));
}

void hp_text_printf(struct hp_text *t, const char *fmt, ...)
{
	size_t room;
	va_list ap;
	int n;

	if (t->err)
		return;
	/* written where it goes when it fits (one formatting, not a count and then a write) */
	if (!reserve(t, 0))
		return;
	room = t->cap - t->len;
	va_start(ap, fmt);
	n = vsnprintf(t->buf + t->len, room, fmt, ap);
	va_end(ap);
	if (n < 0) {
		t->buf[t->len] = '\0';
		t->err = -EINVAL;
		return;
	}
	if ((size_t)n >= room) {
		t->buf[t->len] = '\0';
		if (!reserve(t, (size_t)n))
			return;
		va_start(ap, fmt);
		vsnprintf(t->buf + t->len, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	t->len += (size_t)n;
}

void hp_text_free(struct hp_text *t)
{
	if (!t->fixed)
		free(t->buf);
	memset(t, 0, sizeof(*t));
}

int hp_text_finish(struct hp_text *t, char **out, size_t *len)
{
	if (reserve(t, 0))
		t->buf[t->len] = '\0';
	if (t->err) {
		int r = t->err;

		hp_text_free(t);
		return r;
	}
	*out = t->buf;
	if (len)
		*len = t->len;
	memset(t, 0, sizeof(*t));
	return 0;
}
