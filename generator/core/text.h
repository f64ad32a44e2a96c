/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A text built in memory, piece by piece: what the core renders (units, the state file, the
 * boot report's summary, JSON) without a FILE *, so that no stream function appears in a core
 * object (tests/lint/run-purity.sh; a FILE * could as well be stderr). Errors are sticky: once
 * an allocation fails, every later call does nothing and hp_text_finish() returns -ENOMEM.
 *
 *	struct hp_text t = HP_TEXT_INIT;
 *	hp_text_printf(&t, "Where=%s\n", where);
 *	r = hp_text_finish(&t, &out);           0 and *out (malloc'd, NUL-terminated), or -ENOMEM
 */
#ifndef HP_TEXT_H
#define HP_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

struct hp_text {
	char *buf; /* NUL-terminated once anything was added */
	size_t len, cap;
	int err;
	bool fixed; /* hp_text_init_fixed(): buf is the caller's and never grows */
};

#define HP_TEXT_INIT                                                                               \
	{                                                                                          \
		.buf = NULL                                                                        \
	}

/*
 * hp_text_init_fixed - t is written into buf (cap bytes, cap > 0) and never grows: what would
 * not fit is an error (-ENOBUFS), so a text is never cut. hp_text_finish() then hands back buf
 * itself (nothing to free) and hp_text_free() leaves it alone. For the verifier at boot: its
 * report fits pages it has anyway, and no allocator is started for it.
 */
void hp_text_init_fixed(struct hp_text *t, char *buf, size_t cap);

/* hp_text_put - append n bytes of s. */
void hp_text_put(struct hp_text *t, const char *s, size_t n);

/* hp_text_puts - append the string s. */
void hp_text_puts(struct hp_text *t, const char *s);

/* hp_text_printf - append what printf would print. */
void hp_text_printf(struct hp_text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * hp_text_finish - hand the text over: 0 and *out (malloc'd, "" when nothing was added; free()
 * it; a fixed text's own buffer), *len (if given) its length; or -ENOMEM (-ENOBUFS) and
 * nothing to free. t is empty afterwards.
 */
int hp_text_finish(struct hp_text *t, char **out, size_t *len);

/* hp_text_free - drop the text. */
void hp_text_free(struct hp_text *t);

/*
 * hp_copy_n - what snprintf(buf, len, "%.*s", (int)n, s) writes: at most n bytes of s, up to
 * its NUL, cut to len - 1, NUL-terminated (nothing when len is 0). Without printf: a boot's
 * check copies every word of the command line and every kernel line it keeps (issue 20).
 */
static inline void hp_copy_n(char *buf, size_t len, const char *s, size_t n)
{
	if (!len)
		return;
	n = strnlen(s, n < len - 1 ? n : len - 1);
	memcpy(buf, s, n);
	buf[n] = '\0';
}

/* hp_copy - what snprintf(buf, len, "%s", s) writes */
static inline void hp_copy(char *buf, size_t len, const char *s)
{
	hp_copy_n(buf, len, s, len);
}

#endif
